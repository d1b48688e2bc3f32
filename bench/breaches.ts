/**
 * Breach-register benchmark: the register (/admin/breaches) with 1,000 breaches recorded, and the
 * dashboard with and without open breaches waiting for a report. The dashboard's panel is one
 * query on the open-breach index, so the ratio should stay close to 1.
 * The shop runs in this process on a fixed clock (a signed-in manager), driven over HTTP by
 * autocannon. SQLite by default; with DATABASE_URL set, on a throwaway PostgreSQL database.
 * The dashboard's two states are measured alternately, twice each (requests/s averaged, the worse
 * latencies kept).
 * Usage: npm run bench:breaches [-- --duration 5 --breaches 1000 --open 10]
 */
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { findBreachesAwaitingReport, insertBreach, updateBreach } from '../src/features/breaches/breaches.repository.js';
import { buildTestShop, testDialect } from '../test/support/build-app.js';
import { signInAs } from '../test/support/staff.js';
import { databaseName, headlines } from './summary.js';

const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || fallback;
const duration = arg('duration', 5);
const total = arg('breaches', 1000);
const open = arg('open', 10);
const NOW = new Date('2027-03-01T12:00:00Z');
const HOUR = 3_600_000;

const shop = await buildTestShop({
  clock: () => NOW,
  env: { SEED_DEMO: 'false', FORM_RATE_LIMIT: '100000000', SEARCH_RATE_LIMIT: '100000000' },
});
try {
  const db = shop.app.db;
  const started = performance.now();
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < total; i++) {
      const discovered = new Date(NOW.getTime() - (i + 1) * 7 * HOUR).toISOString();
      // The newest `open` are open and unreported; the rest reported (most) or decided not to be, and closed.
      const waiting = i < open;
      await insertBreach(trx, {
        title: `Generated breach ${i + 1}`,
        what_happened: 'A list of orders was e-mailed to the wrong supplier, who told us the same day.',
        occurred_at: null,
        discovered_at: discovered,
        recorded_at: discovered,
        recorded_by: 1,
        categories: JSON.stringify(['identity', 'address']),
        data_affected: 'Names and delivery addresses',
        people_affected: 'Customers who ordered that week',
        people_count: 10 + (i % 90),
        risk: waiting ? 'risk' : i % 5 === 0 ? 'unlikely' : 'risk',
        risk_assessment: 'Addresses could be misused.',
        actions: 'Asked the supplier to delete it.',
        reported_at: waiting || i % 5 === 0 ? null : new Date(Date.parse(discovered) + 20 * HOUR).toISOString(),
        ico_reference: waiting || i % 5 === 0 ? null : `IC-${100000 + i}`,
        not_reported_reason: !waiting && i % 5 === 0 ? 'Unlikely to result in a risk: the file was encrypted.' : null,
        closed_at: waiting ? null : new Date(Date.parse(discovered) + 48 * HOUR).toISOString(),
        updated_at: discovered,
      });
    }
  });
  const fillMs = performance.now() - started;
  const { cookie } = await signInAs(shop.app, 'manager');
  await shop.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(shop.app.server.address() as AddressInfo).port}`;

  async function measure(path: string, expect: string) {
    const check = await fetch(url + path, { headers: { cookie } });
    const body = await check.text();
    if (check.status !== 200 || !body.includes(expect)) throw new Error(`${path} answered ${check.status} without "${expect}"`);
    await autocannon({ url: url + path, connections: 10, duration: 1, headers: { cookie } });
    const r = await autocannon({ url: url + path, connections: 10, duration, headers: { cookie } });
    return { rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, bad: r.errors + r.non2xx };
  }

  const rows: { name: string; rps: number; p50: number; p99: number; bad: number }[] = [];
  rows.push({ name: `register, page 1 (50 of ${total})`, ...(await measure('/admin/breaches', 'Generated breach 1<')) });
  rows.push({ name: 'register, page 20', ...(await measure('/admin/breaches?page=20', 'Generated breach 951')) });
  // The dashboard, alternately with the open breaches awaiting a report and with every one of them
  // reported (the panel's query then finds nothing), twice each, so that a machine busy at one
  // moment weighs on both.
  const waiting = (await findBreachesAwaitingReport(db, open + 1)).map((b) => b.id);
  const setReported = async (reported: boolean) => {
    for (const id of waiting)
      await updateBreach(
        db,
        id,
        reported ? { reported_at: NOW.toISOString(), ico_reference: 'IC-1' } : { reported_at: null, ico_reference: null },
      );
  };
  type Figures = Awaited<ReturnType<typeof measure>>;
  const runs: { with: Figures[]; without: Figures[] } = { with: [], without: [] };
  for (let round = 0; round < 2; round++) {
    await setReported(false);
    runs.with.push(await measure('/admin', 'a report to the ICO or a decision not to report'));
    await setReported(true);
    runs.without.push(await measure('/admin', 'Dashboard'));
  }
  const mean = (list: Figures[]): Figures => ({
    rps: Math.round(list.reduce((sum, r) => sum + r.rps, 0) / list.length),
    p50: Math.max(...list.map((r) => r.p50)),
    p99: Math.max(...list.map((r) => r.p99)),
    bad: list.reduce((sum, r) => sum + r.bad, 0),
  });
  const withOpen = mean(runs.with);
  const withoutOpen = mean(runs.without);
  rows.push({ name: `dashboard, ${waiting.length} open breaches awaiting a report`, ...withOpen });
  rows.push({ name: 'dashboard, no open breach', ...withoutOpen });

  console.log(
    `\nAssay breach-register benchmark — ${testDialect}, ${total} breaches (filled in ${(fillMs / 1000).toFixed(1)} s), 10 connections, ${duration} s per target\n`,
  );
  console.log('| target | requests/s | p50 ms | p99 ms | failed |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.name} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.bad} |`);
  console.log(`\ndashboard with / without open breaches: ${(withOpen.rps / withoutOpen.rps).toFixed(2)} of the requests per second`);
  headlines([
    {
      benchmark: 'breaches',
      figure: `breach register page 1 of ${total}`,
      database: databaseName(),
      value: rows[0]?.rps ?? 0,
      unit: 'req/s',
    },
    {
      benchmark: 'breaches',
      figure: 'dashboard with / without open breaches',
      database: databaseName(),
      value: withOpen.rps / withoutOpen.rps,
      unit: '×',
    },
  ]);
  if (rows.some((r) => r.bad > 0)) process.exitCode = 1;
} finally {
  await shop.close();
}
