/**
 * Undertaking benchmark: what the confidentiality undertaking's gate costs a back-office page.
 *
 * The gate needs no look-up of its own: the query that finds the staff session joins the member's
 * acceptance of the version in force by primary key (staff_undertakings (staff_id, version)), and
 * the guard tests one field. So its cost is that join plus a comparison. Measured two ways:
 * - the session look-up as the guard makes it (resolveSession, with the join) against the same
 *   look-up without the join (the query as it was before the gate), many times in a row;
 * - requests per second of a small admin page (/admin/account: the page where the guard's share of
 *   the work is largest) for a signed-in member who has accepted, through HTTP, and the same page's
 *   rate before the gate, from the measured rate and the look-up's measured extra time.
 * Compare the ratio, not the absolute figures: the machine is shared.
 * SQLite by default; with DATABASE_URL set, on a throwaway PostgreSQL database on that server.
 * Usage: npx tsx bench/undertaking.ts [-- --seconds 10 --lookups 20000]
 */
import autocannon from 'autocannon';
import { tokenHash } from '../src/shared/crypto.js';
import { resolveSession } from '../src/features/staff/staff.service.js';
import { loadUndertaking } from '../src/features/staff/staff.undertaking.js';
import { buildTestShop, testDialect } from '../test/support/build-app.js';
import { signInAs } from '../test/support/staff.js';

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

  /** The session look-up as it was before the gate: the session and its member, nothing more. */
  const before = () =>
    db
      .selectFrom('staff_sessions as s')
      .innerJoin('staff as m', 'm.id', 's.staff_id')
      .select(['s.token_hash', 's.stage', 's.created_at', 's.last_seen_at', 's.pending_totp_secret', 'm.id as staff_id'])
      .select(['m.name', 'm.email', 'm.role', 'm.disabled_at', 'm.totp_enabled_at'])
      .where('s.token_hash', '=', hashed)
      .executeTakeFirst();
  const after = () => resolveSession(db, token, new Date(), version);
  const check = await after();
  if (!check?.undertakingAcceptedAt) throw new Error('the member has not accepted the undertaking');

  /** Microseconds per look-up, the best of three runs. */
  async function perLookup(run: () => Promise<unknown>): Promise<number> {
    for (let i = 0; i < 500; i++) await run();
    let best = Number.POSITIVE_INFINITY;
    for (let round = 0; round < 3; round++) {
      const started = process.hrtime.bigint();
      for (let i = 0; i < lookups; i++) await run();
      best = Math.min(best, Number(process.hrtime.bigint() - started) / 1000 / lookups);
    }
    return best;
  }
  const withoutJoin = await perLookup(before);
  const withJoin = await perLookup(after);

  const url = await shop.app.listen({ port: 0, host: '127.0.0.1' });
  const res = await fetch(url + PAGE, { headers: { cookie: member.cookie } });
  if (res.status !== 200) throw new Error(`${PAGE} answered ${res.status}`);
  await autocannon({ url: url + PAGE, connections: 10, duration: 2, headers: { cookie: member.cookie } });
  const r = await autocannon({ url: url + PAGE, connections: 10, duration: seconds, headers: { cookie: member.cookie } });
  const bad = r.errors + r.non2xx;
  const rpsAfter = r.requests.average;
  // One process serves one request at a time: the page took 1/rps seconds, of which the join took the difference.
  const extra = Math.max(0, withJoin - withoutJoin) / 1e6;
  const rpsBefore = 1 / (1 / rpsAfter - extra);

  console.log(`\nAssay undertaking benchmark — ${testDialect}, ${PAGE} for a member who has accepted, 10 connections, ${seconds} s\n`);
  console.log('| measure | before the gate | with the gate | ratio (with / before) |');
  console.log('|---|---:|---:|---:|');
  console.log(
    `| session look-up, µs (best of 3 × ${lookups}) | ${withoutJoin.toFixed(1)} | ${withJoin.toFixed(1)} | ${(withJoin / withoutJoin).toFixed(3)} |`,
  );
  console.log(`| ${PAGE}, requests/s | ${Math.round(rpsBefore)} | ${Math.round(rpsAfter)} | ${(rpsAfter / rpsBefore).toFixed(3)} |`);
  console.log(`\np50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, failed ${bad}`);
  console.log('"Before the gate" for the page: the measured rate, less the look-up time the join adds.');
  if (bad > 0) process.exitCode = 1;
} finally {
  await shop.close();
}
