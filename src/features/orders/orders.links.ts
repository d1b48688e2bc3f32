import type { Config } from '../../config.js';
import { deriveKey, hmacHex, sameText } from '../../shared/crypto.js';
import { messageIdDomain } from '../mail/outbox.service.js';
import type { OrderMailContext } from './orders.mail.js';

/**
 * A guest has no account, so an order's page is reached by a link holding a key: an HMAC of the
 * order number under the shop's secret. Nothing is stored, and the key cannot be guessed.
 */
export function orderLinks(config: Config) {
  const key = deriveKey(config.secretKey, 'order-link');
  const keyFor = (number: string) => hmacHex(key, number).slice(0, 32);
  const path = (number: string, extra = '') => `/orders/${number}?key=${keyFor(number)}${extra}`;
  const mail: OrderMailContext = {
    shopName: config.shop.name,
    shopEmail: config.shop.email,
    orderUrl: (number) => `${config.publicUrl}${path(number)}`,
    messageDomain: messageIdDomain(config.publicUrl),
  };
  return {
    path,
    keyMatches: (number: string, given: unknown) => typeof given === 'string' && sameText(keyFor(number), given),
    mail,
  };
}
export type OrderLinks = ReturnType<typeof orderLinks>;
