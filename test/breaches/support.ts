import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { adminPost, signInAs } from '../support/staff.js';

/** A breach's record form, filled in as staff would, with UK times; `fields` changes any of it. */
export function breachForm(fields: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    title: 'Order list sent to the wrong supplier',
    what_happened: 'A packing list of orders was e-mailed to a supplier by mistake.\nThe supplier told us the same day.',
    occurred_at: '',
    discovered_at: '2027-02-28T14:20',
    categories: ['identity', 'address'],
    data_affected: 'Names and delivery addresses; no payment details.',
    people_affected: 'Customers whose orders were packed on 26 February',
    people_count: '40',
    risk: 'unassessed',
    risk_assessment: '',
    actions: '',
    ...fields,
  };
}

/** Text as a page shows it, its entities read back. */
export const pageText = (html: string) =>
  html
    .replace(/&#39;|&rsquo;|&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');

/**
 * A manager of the shop, signed in afresh whenever asked (a staff session ends after 30 idle
 * minutes, and the tests move the clock by hours), posting the back office's forms.
 */
export function manager(app: FastifyInstance) {
  let cookie: string | null = null;
  let signedInAt = 0;
  const fresh = async () => {
    if (!cookie || app.clock().getTime() - signedInAt > 10 * 60_000 || app.clock().getTime() < signedInAt) {
      const staff = await signInAs(app, 'manager');
      cookie = staff.cookie;
      signedInAt = app.clock().getTime();
    }
    return cookie;
  };
  return {
    cookie: fresh,
    async get(url: string) {
      return app.inject({ method: 'GET', url, headers: { cookie: await fresh() } });
    },
    async post(page: string, action: string, fields: Record<string, string | string[]>) {
      return adminPost(app, await fresh(), page, action, fields);
    },
    /** Records a breach through the form; its number. */
    async record(fields: Record<string, string | string[]> = {}): Promise<number> {
      const res = await adminPost(app, await fresh(), '/admin/breaches/new', '/admin/breaches/new', breachForm(fields));
      expect(res.statusCode, res.body.slice(0, 2000)).toBe(303);
      const id = Number(/\/admin\/breaches\/(\d+)\?done=recorded/.exec(String(res.headers.location))?.[1]);
      expect(id).toBeGreaterThan(0);
      return id;
    },
  };
}
