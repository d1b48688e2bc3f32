import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { awaitMail, csrfOf, lastMail, newPerson, registerAndVerify } from '../support/customer.js';
import { Shopper } from '../support/shopper.js';

/**
 * Nothing tells whether an address has an account, not even how long the answer takes. Each test
 * times pairs of requests, one for an address with an account and one without, in random order,
 * and counts the pairs where the account's answer was the slower. With no difference that count
 * behaves like heads in fair coin tosses; a real difference (before the fix, 129 of 150 pairs for
 * the reset form) pushes it far to one side. The bounds allow chance at about 1 in 800 runs.
 */
let shop: TestShop;

beforeAll(async () => {
  shop = await buildTestShop({ env: { SEED_DEMO: 'false', FORM_RATE_LIMIT: '10000' } });
});
afterAll(async () => shop?.close());

/** The count of "slower" pairs allowed out of `pairs`: within 3.2 standard deviations of half. */
const bounds = (pairs: number) => {
  const spread = 3.2 * Math.sqrt(pairs / 4);
  return { low: Math.floor(pairs / 2 - spread), high: Math.ceil(pairs / 2 + spread) };
};

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;

/**
 * A difference shows both as a lopsided count of slower pairs and as a gap between the medians
 * (before the fix: 55 of 60 pairs, medians 2.20 and 1.39 ms). Either alone happens by chance on
 * a busy 2-core machine (the count, about 1 run in 800; the medians of a few milliseconds, often),
 * so only both together fail: a count outside the bounds with medians more than 25 % apart.
 */
function expectSameTiming(known: number[], unknown: number[]) {
  const pairs = known.length;
  const slower = known.filter((k, i) => k > (unknown[i] as number)).length;
  const { low, high } = bounds(pairs);
  const gap = Math.abs(median(known) - median(unknown)) / Math.min(median(known), median(unknown));
  const seen = `with an account slower in ${slower} of ${pairs} pairs; medians ${median(known).toFixed(2)} ms and ${median(unknown).toFixed(2)} ms`;
  expect(slower >= low && slower <= high ? 0 : gap, seen).toBeLessThanOrEqual(0.25);
}

/** Times one pair, in random order, so that neither side always follows the other. */
async function timePair(withAccount: () => Promise<number>, without: () => Promise<number>, known: number[], unknown: number[]) {
  if (Math.random() < 0.5) {
    known.push(await withAccount());
    unknown.push(await without());
  } else {
    unknown.push(await without());
    known.push(await withAccount());
  }
}

async function timed(send: () => Promise<{ statusCode: number }>, status: number): Promise<number> {
  const started = performance.now();
  const res = await send();
  const took = performance.now() - started;
  expect(res.statusCode).toBe(status);
  return took;
}

/** A browser on a form page, ready to post to it many times with the same token. */
async function formAt(url: string) {
  const s = new Shopper(shop.app);
  const csrf = csrfOf((await s.get(url)).body);
  return (action: string, fields: Record<string, string>) => s.post(action, { _csrf: csrf, ...fields });
}

describe(`answers take as long for an address with an account as without (${testDialect})`, () => {
  it('the password-reset form', async () => {
    const { person } = await registerAndVerify(shop.app);
    const post = await formAt('/account/reset');
    const pairs = 60;
    const known: number[] = [];
    const unknown: number[] = [];
    // A few rounds first, so that nothing measured pays for warming up.
    for (let i = 0; i < 5; i++) {
      await post('/account/reset', { email: newPerson().email });
      const last = (await lastMail(shop.app, person.email, 'account-reset'))?.id ?? 0;
      await post('/account/reset', { email: person.email });
      await awaitMail(shop.app, person.email, 'account-reset', last);
    }
    // The address is looked up (and the account's mail queued) after the answer. Each request is
    // timed on a quiet shop: that work is waited for before anything else is sent.
    const settle = () => new Promise((r) => setTimeout(r, 20));
    for (let i = 0; i < pairs; i++) {
      const withAccount = async () => {
        const last = (await lastMail(shop.app, person.email, 'account-reset'))?.id ?? 0;
        const took = await timed(() => post('/account/reset', { email: person.email }), 200);
        await awaitMail(shop.app, person.email, 'account-reset', last);
        await settle();
        return took;
      };
      const without = async () => {
        const took = await timed(() => post('/account/reset', { email: newPerson().email }), 200);
        await settle();
        return took;
      };
      await timePair(withAccount, without, known, unknown);
    }
    expectSameTiming(known, unknown);
  });

  it('a wrong password at sign-in', async () => {
    // Each address takes 4 wrong passwords before its wait would begin, so a few accounts are needed.
    const accounts = await Promise.all([0, 1, 2, 3, 4, 5].map(() => registerAndVerify(shop.app)));
    const post = await formAt('/account/sign-in');
    const known: number[] = [];
    const unknown: number[] = [];
    for (const { person } of accounts) {
      const nobody = newPerson().email;
      for (let i = 0; i < 4; i++) {
        const withAccount = () => timed(() => post('/account/sign-in', { email: person.email, password: 'a wrong guess at it' }), 401);
        const without = () => timed(() => post('/account/sign-in', { email: nobody, password: 'a wrong guess at it' }), 401);
        await timePair(withAccount, without, known, unknown);
      }
    }
    expectSameTiming(known, unknown);
  });
});
