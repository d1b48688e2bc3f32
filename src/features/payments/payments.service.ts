import type { Config } from '../../config.js';
import type { Database } from '../../db/schema.js';
import { type OpayoRequest, buildCryptPlaintext, encryptCrypt } from './opayo.js';

/**
 * Where an order is paid. The payments feature holds the three pieces of it: this file maps an
 * order and its payment attempt onto the fields Opayo's hosted page is sent (the crypt);
 * payments.routes.tsx takes the browser back from Opayo and hands the result to the orders
 * feature, which owns orders and their attempts and decides what the result does to them;
 * opayo.ts is the protocol itself (the crypt's format, encryption and the result's checks).
 *
 * They live here rather than in checkout because an order is paid after checkout is over, and
 * again from the order's own page after a decline: checkout places the order; payments takes the
 * money for it.
 */

type AddressColumn = 'line1' | 'line2' | 'city' | 'postcode';

/** What paying needs of an order: who pays, with which billing address, and where it goes. */
export type OrderToPay = Pick<
  Database['orders'],
  | 'number'
  | 'first_name'
  | 'surname'
  | 'email'
  | 'phone'
  | `billing_${AddressColumn}`
  | `delivery_${'first_name' | 'surname' | AddressColumn}`
>;

/** The attempt being paid: its own VendorTxCode and the amount fixed when it started. */
export type AttemptToPay = Pick<Database['payment_attempts'], 'vendor_tx_code' | 'amount_pence'>;

export type PaymentSettings = Pick<Config, 'publicUrl' | 'shop' | 'payments' | 'sandbox'>;

/** The form that takes the customer's browser to Opayo's page. */
export interface GatewayForm {
  action: string;
  vendor: string;
  crypt: string;
  /** True when it goes to the built-in test page, where no real card is charged. */
  sandbox: boolean;
}

/** The addresses Opayo sends the browser back to: payments.routes.tsx answers them. */
export const OPAYO_RETURN_PATHS = { success: '/checkout/opayo/success', failure: '/checkout/opayo/failure' } as const;

/** The order → crypt mapping: every field Opayo is sent, from the order and its attempt. We deliver within the UK only. */
export function opayoRequestFor(order: OrderToPay, attempt: AttemptToPay, settings: Pick<Config, 'publicUrl' | 'shop'>): OpayoRequest {
  const base = settings.publicUrl;
  return {
    vendorTxCode: attempt.vendor_tx_code,
    amountPence: attempt.amount_pence,
    description: `${settings.shop.name} order ${order.number}`,
    successUrl: `${base}${OPAYO_RETURN_PATHS.success}`,
    failureUrl: `${base}${OPAYO_RETURN_PATHS.failure}`,
    customerName: `${order.first_name} ${order.surname}`,
    customerEmail: order.email,
    billing: {
      firstnames: order.first_name,
      surname: order.surname,
      address1: order.billing_line1,
      address2: order.billing_line2,
      city: order.billing_city,
      postCode: order.billing_postcode,
      country: 'GB',
      phone: order.phone,
    },
    delivery: {
      firstnames: order.delivery_first_name,
      surname: order.delivery_surname,
      address1: order.delivery_line1,
      address2: order.delivery_line2,
      city: order.delivery_city,
      postCode: order.delivery_postcode,
      country: 'GB',
      phone: order.phone,
    },
  };
}

/** The payment form for this attempt, its crypt encrypted with the vendor's password. */
export function gatewayFormFor(order: OrderToPay, attempt: AttemptToPay, settings: PaymentSettings): GatewayForm {
  const { payments } = settings;
  return {
    action: payments.gatewayUrl,
    vendor: payments.vendor,
    crypt: encryptCrypt(buildCryptPlaintext(opayoRequestFor(order, attempt, settings)), payments.encryptionPassword),
    sandbox: payments.gatewayUrl.startsWith(settings.sandbox.url),
  };
}
