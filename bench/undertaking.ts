/**
 * Undertaking benchmark: what the confidentiality undertaking's gate costs a back-office page.
 *
 * The guard finds the staff session with the same query as before the gate; it then needs to know
 * whether the member accepted the version in force. Each process remembers the members it has seen
 * accept it (an acceptance is never withdrawn), so for a member who has accepted the gate costs a
 * look-up in memory; only a member not yet seen costs one query by primary key.
 * Measured:
 * - the guard's session look-up as before the gate (findSession), as it is now for a member seen
 *   before (resolveSession, warm), and for a member not yet seen (resolveSession, cold: one more
 *   query), many times each, in turns;
 * - requests per second of a small admin page (/admin/account, where the guard's share of the work
 *   is largest) for a signed-in member who has accepted, over HTTP; and the same page's rate before
 *   the gate, from that rate less the whole of resolveSession's extra time over the bare query (an
 *   upper bound on the gate's cost: that extra time includes work that was there before the gate).
 * Compare the ratios, not the absolute figures: the machine is shared.
 * SQLite by default; with DATABASE_URL set, on a throwaway PostgreSQL database on that server.
 * Usage: npx tsx bench/undertaking.ts [-- --seconds 10 --lookups 20000]
 */
import autocannon from 'autocannon';
import { tokenHash } from '../src/shared/crypto.js';
import { findSession } from '../src/features/staff/staff.repository.js';
import { resolveSession, undertakingGate } from '../src/features/staff/staff.service.js';
import { loadUndertaking } from '../src/features/staff/staff.undertaking.js';
import { buildTestShop, testDialect } from '../test/support/build-app.js';
import { signInAs } from '../test/support/staff.js';
import { databaseName, headlines } from './summary.js';

const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || fallback;
const seconds = arg('seconds', 10);
const lookups = arg('lookups', 20_000);
const PAGE = '/admin/account';

const shop = await buildTestShop({ env: { SEED_DEMO: 'false', FORM_RATE_LIMIT: '100000000', LOG_LEVEL: 'silent' } });
try {
  const db = shop.app.db;
  const version = loadUndertaking(shop.config).version;
  // A staff list of a real shop's size, each with an acceptance, so the join has rows to pass over.
  for (let i = 0; i < 30; i++) await signInAs(shop.app, i % 2 ? 'manager' : 'fulfilment');
  const member = await signInAs(shop.app, 'owner');
  const token = member.cookie.replace('assay_staff=', '');
  const hashed = tokenHash(token);

  /** The guard's query, unchanged by the gate: the session and its member. */
  const before = () => findSession(db, hashed);
  /** What the guard does now, for a member this process has seen accept the text in force. */
  const warmGate = undertakingGate(version);
  const warm = () => resolveSession(db, token, new Date(), warmGate);
  /** The same for a member not yet seen (a fresh gate each time): one more query, by primary key. */
  const cold = () => resolveSession(db, token, new Date(), undertakingGate(version));
  const check = await warm();
  if (!check?.undertakingAcceptedAt || !warmGate.accepted.has(member.staffId))
    throw new Error('the member has not accepted the undertaking');

  /** Microseconds per look-up of each kind, the best of five runs, taken in turn so that a busy moment hits both alike. */
  async function perLookup(runs: (() => Promise<unknown>)[]): Promise<number[]> {
    for (const run of runs) for (let i = 0; i < 500; i++) await run();
    const best = runs.map(() => Number.POSITIVE_INFINITY);
    for (let round = 0; round < 5; round++) {
      for (const [k, run] of runs.entries()) {
        const started = process.hrtime.bigint();
        for (let i = 0; i < lookups; i++) await run();
        best[k] = Math.min(best[k]!, Number(process.hrtime.bigint() - started) / 1000 / lookups);
      }
    }
    return best;
  }
  const [bare = 0, seen = 0, unseen = 0] = await perLookup([before, warm, cold]);

  const url = await shop.app.listen({ port: 0, host: '127.0.0.1' });
  const res = await fetch(url + PAGE, { headers: { cookie: member.cookie } });
  if (res.status !== 200) throw new Error(`${PAGE} answered ${res.status}`);
  await autocannon({ url: url + PAGE, connections: 10, duration: 2, headers: { cookie: member.cookie } });
  const r = await autocannon({ url: url + PAGE, connections: 10, duration: seconds, headers: { cookie: member.cookie } });
  const bad = r.errors + r.non2xx;
  const rpsAfter = r.requests.average;
  // One process serves one request at a time: the page took 1/rps seconds, of which the gate took at most the difference.
  const rpsBefore = 1 / (1 / rpsAfter - Math.max(0, seen - bare) / 1e6);
  const us = (n: number) => n.toFixed(1);

  console.log(`\nAssay undertaking benchmark — ${testDialect}, ${PAGE} for a member who has accepted, 10 connections, ${seconds} s\n`);
  console.log('| measure | before the gate | with the gate | ratio (with / before) |');
  console.log('|---|---:|---:|---:|');
  console.log(`| session look-up, member seen before, µs | ${us(bare)} | ${us(seen)} | ${(seen / bare).toFixed(3)} |`);
  console.log(`| session look-up, member not yet seen, µs | ${us(bare)} | ${us(unseen)} | ${(unseen / bare).toFixed(3)} |`);
  console.log(`| ${PAGE}, requests/s | ${Math.round(rpsBefore)} | ${Math.round(rpsAfter)} | ${(rpsAfter / rpsBefore).toFixed(3)} |`);
  console.log(`\nLook-ups: best of 5 runs of ${lookups}. Page: p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, failed ${bad}.`);
  console.log('"Before the gate" for the page: the measured rate, less all of resolveSession\'s time beyond the bare query.');
  headlines([
    {
      benchmark: 'undertaking',
      figure: `${PAGE} with the confidentiality gate / before`,
      database: databaseName(),
      value: rpsAfter / rpsBefore,
      unit: '×',
    },
  ]);
  if (bad > 0) process.exitCode = 1;
} finally {
  await shop.close();
}
