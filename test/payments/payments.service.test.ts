import { describe, expect, it } from 'vitest';
import { decryptCrypt, parsePairs } from '../../src/features/payments/opayo.js';
import {
  type AttemptToPay,
  type OrderToPay,
  type PaymentSettings,
  gatewayFormFor,
  opayoRequestFor,
} from '../../src/features/payments/payments.service.js';

const PASSWORD = 'Test16BytesPassw';

const settings: PaymentSettings = {
  publicUrl: 'https://shop.example',
  shop: { name: 'Assay', address: '1 High Street, Bath BA1 1AA', email: 'hello@shop.example', icoNumber: 'ZA000000' },
  payments: { vendor: 'assayshop', encryptionPassword: PASSWORD, gatewayUrl: 'https://pay.example/gateway', reservationMinutes: 30 },
  sandbox: { enabled: false, port: 4001, url: 'https://sandbox.example' },
};

// A gift: billed to one person, delivered to another.
const order: OrderToPay = {
  number: 'AS-7K3M9Q',
  first_name: 'Ada',
  surname: 'Byron',
  email: 'ada@example.co.uk',
  phone: '07700 900123',
  billing_line1: '12 Queen Square',
  billing_line2: null,
  billing_city: 'Bath',
  billing_postcode: 'BA1 2HN',
  delivery_first_name: 'Mary',
  delivery_surname: 'Somerville',
  delivery_line1: 'Flat 2',
  delivery_line2: '3 Jedburgh Road',
  delivery_city: 'Kelso',
  delivery_postcode: 'TD5 7AA',
};
const attempt: AttemptToPay = { vendor_tx_code: 'AS-7K3M9Q-2', amount_pence: 42_550 };

describe('the order → crypt mapping', () => {
  it('bills the buyer and delivers to the recipient, for the attempt and its amount, with the shop’s return addresses', () => {
    expect(opayoRequestFor(order, attempt, settings)).toEqual({
      vendorTxCode: 'AS-7K3M9Q-2',
      amountPence: 42_550,
      description: 'Assay order AS-7K3M9Q',
      successUrl: 'https://shop.example/checkout/opayo/success',
      failureUrl: 'https://shop.example/checkout/opayo/failure',
      customerName: 'Ada Byron',
      customerEmail: 'ada@example.co.uk',
      billing: {
        firstnames: 'Ada',
        surname: 'Byron',
        address1: '12 Queen Square',
        address2: null,
        city: 'Bath',
        postCode: 'BA1 2HN',
        country: 'GB',
        phone: '07700 900123',
      },
      delivery: {
        firstnames: 'Mary',
        surname: 'Somerville',
        address1: 'Flat 2',
        address2: '3 Jedburgh Road',
        city: 'Kelso',
        postCode: 'TD5 7AA',
        country: 'GB',
        phone: '07700 900123',
      },
    });
  });

  it('sends the form to the gateway with a crypt that decrypts to those fields', () => {
    const form = gatewayFormFor(order, attempt, settings);
    expect(form).toMatchObject({ action: 'https://pay.example/gateway', vendor: 'assayshop', sandbox: false });
    const fields = parsePairs(decryptCrypt(form.crypt, PASSWORD));
    expect(fields.get('VendorTxCode')).toBe('AS-7K3M9Q-2');
    expect(fields.get('Amount')).toBe('425.50');
    expect(fields.get('BillingSurname')).toBe('Byron');
    expect(fields.get('DeliverySurname')).toBe('Somerville');
    expect(fields.get('DeliveryAddress2')).toBe('3 Jedburgh Road');
    expect(fields.has('BillingAddress2')).toBe(false);
    expect(fields.get('SuccessURL')).toBe('https://shop.example/checkout/opayo/success');
  });

  it('says when the form goes to the built-in test page', () => {
    const sandboxed = { ...settings, payments: { ...settings.payments, gatewayUrl: 'https://sandbox.example/gateway' } };
    expect(gatewayFormFor(order, attempt, sandboxed).sandbox).toBe(true);
  });
});
