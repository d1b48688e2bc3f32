import { GUEST, bagItemFields } from '../test/support/shopper.js';
import type { RunningShop } from './shop.js';

/** A variant as the product form names it. */
export interface Piece {
  slug: string;
  metal: string;
  ring_size: string | null;
  chain_length_in: number | null;
}

const form = (shop: RunningShop) => ({
  'content-type': 'application/x-www-form-urlencoded',
  origin: shop.url,
  'sec-fetch-site': 'same-origin',
});
export const hidden = (html: string, name: string) =>
  html.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1]?.replace(/&amp;/g, '&') ?? '';

/**
 * A whole purchase over HTTP, as a browser makes it: add to bag, checkout, place the order, the
 * sandbox's payment page, a test Visa, the return, the confirmed order page (9 requests).
 * `cookie` is a signed-in customer's session cookie, if any. Returns the order's page path.
 */
export async function buy(shop: RunningShop, piece: Piece, cookie = ''): Promise<string> {
  const add = await fetch(`${shop.url}/bag/items`, {
    method: 'POST',
    headers: { ...form(shop), cookie },
    redirect: 'manual',
    body: new URLSearchParams(bagItemFields(piece)),
  });
  if (add.status !== 303) throw new Error(`add to bag: ${add.status}`);
  const cookies = [cookie, (add.headers.get('set-cookie') ?? '').split(';')[0] ?? ''].filter(Boolean).join('; ');
  const checkoutPage = await (await fetch(`${shop.url}/checkout`, { headers: { cookie: cookies } })).text();
  const placed = await fetch(`${shop.url}/checkout`, {
    method: 'POST',
    headers: { ...form(shop), cookie: cookies },
    redirect: 'manual',
    body: new URLSearchParams({ bag: hidden(checkoutPage, 'bag'), ...GUEST }),
  });
  if (placed.status !== 303) throw new Error(`checkout: ${placed.status}`);
  const orderPath = String(placed.headers.get('location'));
  const orderPage = await (await fetch(`${shop.url}${orderPath}`, { headers: { cookie: cookies } })).text();
  const gateway = await fetch(`${shop.sandboxUrl}/gateway/service/vspform-register.vsp`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      VPSProtocol: '4.00',
      TxType: 'PAYMENT',
      Vendor: hidden(orderPage, 'Vendor'),
      Crypt: hidden(orderPage, 'Crypt'),
    }),
  });
  const cardPage = await gateway.text();
  const paid = await fetch(`${shop.sandboxUrl}/gateway/service/card`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    redirect: 'manual',
    body: new URLSearchParams({ session: hidden(cardPage, 'session'), cardNumber: '4929000000006', expiry: '12/30', cv2: '123' }),
  });
  if (paid.status !== 302) throw new Error(`sandbox payment: ${paid.status}`);
  const back = await fetch(String(paid.headers.get('location')), { headers: { cookie: cookies }, redirect: 'manual' });
  if (back.status !== 303) throw new Error(`return from the gateway: ${back.status}`);
  const confirmed = await (await fetch(`${shop.url}${back.headers.get('location')}`, { headers: { cookie: cookies } })).text();
  if (!confirmed.includes('your order is confirmed')) throw new Error('the order page does not say the order is confirmed');
  return orderPath;
}
