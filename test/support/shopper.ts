import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { formBody } from './forms.js';

/** The add-to-bag form's fields for one of a piece, as the product page posts them. */
export function bagItemFields(piece: { slug: string; metal: string; ring_size: string | null; chain_length_in: number | null }) {
  return {
    product: piece.slug,
    metal: piece.metal,
    ...(piece.ring_size ? { size: piece.ring_size } : {}),
    ...(piece.chain_length_in ? { length: String(piece.chain_length_in) } : {}),
    quantity: '1',
  };
}

/**
 * A shopper's browser over app.inject: keeps cookies (unless it refuses them), sends the Origin
 * header a browser sends with a form post, and follows redirects within the shop.
 */
export class Shopper {
  private jar = new Map<string, string>();
  /** The last page's address, for links the page carried (the bag token, when cookies are refused). */
  lastUrl = '/';

  constructor(
    private readonly app: FastifyInstance,
    private readonly options: { cookies: boolean } = { cookies: true },
  ) {}

  get cookieNames(): string[] {
    return [...this.jar.keys()];
  }

  private remember(res: LightMyRequestResponse) {
    if (!this.options.cookies) return;
    const raw = res.headers['set-cookie'];
    for (const c of raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]) {
      const [pair] = c.split(';');
      const [name, ...rest] = (pair ?? '').split('=');
      if (name) this.jar.set(name.trim(), rest.join('='));
    }
  }

  private cookieHeader(): Record<string, string> {
    if (this.jar.size === 0) return {};
    return { cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ') };
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({ method: 'GET', url, headers: this.cookieHeader() });
    this.remember(res);
    this.lastUrl = url;
    return res;
  }

  async post(url: string, fields: Record<string, string | string[]>): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: this.app.config.publicUrl,
        'sec-fetch-site': 'same-origin',
        ...this.cookieHeader(),
      },
      payload: formBody(fields),
    });
    this.remember(res);
    return res;
  }

  /** Follows 3xx redirects (within the shop) to the final page. */
  async follow(res: LightMyRequestResponse): Promise<LightMyRequestResponse> {
    let current = res;
    for (let i = 0; i < 5 && current.statusCode >= 300 && current.statusCode < 400; i++) {
      current = await this.get(String(current.headers.location));
    }
    return current;
  }

  /** The hidden fields of the form posting to the given action on a page. */
  static formFields(html: string, action: string): Record<string, string> {
    const start = html.indexOf(`action="${action}"`);
    if (start < 0) throw new Error(`no form posting to ${action}`);
    const form = html.slice(start, html.indexOf('</form>', start));
    const fields: Record<string, string> = {};
    for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields[m[1] as string] = decode(m[2] as string);
    return fields;
  }
}

function decode(html: string): string {
  return html
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#39;/g, "'");
}

/** A guest's checkout details; the optional fields are left out altogether, as a script might. */
export const GUEST = {
  first_name: 'Ada',
  surname: 'Lovelace',
  email: 'ada@example.co.uk',
  phone: '07700 900123',
  billing_line1: '88 Vyse Street',
  billing_city: 'Birmingham',
  billing_postcode: 'b18 6nf',
  same_address: 'yes',
  delivery_method: 'tracked48',
};
