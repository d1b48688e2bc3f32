/**
 * Records benchmark: requests a second of the owner's records of processing (/admin/records),
 * its CSV download (/admin/records.csv: built, serialised and audited on every request) and the
 * public retention schedule (/privacy/retention), and the time to build the record itself from
 * the inventories, processors and partners (the pure `recordsOfProcessing`).
 *
 * The shop runs in this process (listening on loopback) with an owner signed in and three partners
 * declared, so that every part of the record has something in it; autocannon drives it from here.
 * SQLite by default; with DATABASE_URL set, on a throwaway PostgreSQL database on that server.
 * Usage: npm run bench:records [-- --duration 10 --builds 2000]
 */
import autocannon from 'autocannon';
import { activePartners } from '../src/features/partners/partners.service.js';
import { inventories } from '../src/features/privacy/inventory.registry.js';
import { processorsInUse } from '../src/features/privacy/processors.js';
import { inventoriesInForce, recordsCsvRows, recordsOfProcessing } from '../src/features/privacy/records.service.js';
import { jobsAsScheduled, retentionSchedule } from '../src/features/privacy/retention.schedule.js';
import { allJobs } from '../src/jobs/registry.js';
import { buildTestShop, testDialect } from '../test/support/build-app.js';
import { adminPost, signInAs } from '../test/support/staff.js';
import { databaseName, headlines } from './summary.js';

const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || fallback;
const duration = arg('duration', 10);
const builds = arg('builds', 2000);

const shop = await buildTestShop({ env: { SEED_DEMO: 'false', FORM_RATE_LIMIT: '100000000' } });
try {
  const owner = await signInAs(shop.app, 'owner');
  for (const [name, country] of [
    ['Acme Catalogues Ltd', 'United Kingdom'],
    ['Bergmann Gravur GmbH', 'Germany'],
    ['Far Away Offers Inc', 'Brazil'],
  ] as const) {
    const res = await adminPost(shop.app, owner.cookie, '/admin/partners/new', '/admin/partners', {
      name,
      receives: ['first_name', 'email', 'postcode'],
      why: 'to send their catalogue',
      country,
      policyUrl: 'https://partner.example/privacy',
    });
    if (res.statusCode !== 303) throw new Error(`could not declare a partner: ${res.statusCode}`);
  }

  // The pure parts, timed in a loop: the record from its inputs, and the CSV rows from the record.
  const inForce = inventoriesInForce(inventories, shop.config.backups);
  const processors = processorsInUse(shop.config);
  const partners = await activePartners(shop.app.db);
  const loop = (work: () => unknown) => {
    for (let i = 0; i < 50; i++) work();
    const t0 = performance.now();
    for (let i = 0; i < builds; i++) work();
    return ((performance.now() - t0) / builds) * 1000;
  };
  const record = recordsOfProcessing(inForce, shop.config.shop, processors, partners);
  const buildUs = loop(() => recordsOfProcessing(inForce, shop.config.shop, processors, partners));
  const csvUs = loop(() => recordsCsvRows(record));
  const scheduleUs = loop(() => retentionSchedule(inForce, jobsAsScheduled(allJobs, shop.config)));

  const url = await shop.app.listen({ port: 0, host: '127.0.0.1' });
  const targets = [
    { name: '/admin/records (owner)', path: '/admin/records', cookie: owner.cookie },
    { name: '/admin/records.csv (owner, audited)', path: '/admin/records.csv', cookie: owner.cookie },
    { name: '/privacy/retention (public)', path: '/privacy/retention', cookie: undefined },
  ];
  const rows: { name: string; rps: number; p50: number; p99: number; kb: number; bad: number }[] = [];
  for (const t of targets) {
    const headers = t.cookie ? { cookie: t.cookie } : undefined;
    const check = await fetch(url + t.path, { headers });
    if (check.status !== 200) throw new Error(`${t.path} answered ${check.status}`);
    const kb = (await check.arrayBuffer()).byteLength / 1024;
    await autocannon({ url: url + t.path, connections: 10, duration: 2, headers });
    const r = await autocannon({ url: url + t.path, connections: 10, duration, headers });
    rows.push({ name: t.name, rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, kb, bad: r.errors + r.non2xx });
  }
  const audited = await shop.app.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('subject_type', '=', 'records_of_processing')
    .executeTakeFirstOrThrow();

  console.log(
    `\nAssay records benchmark — ${testDialect === 'postgres' ? 'PostgreSQL' : 'SQLite'}, in-process shop, 10 connections, ${duration} s per page\n`,
  );
  console.log(
    `The record: ${record.activities.length} purposes, ${record.activities.flatMap((a) => a.items).length} items, ${record.processors.length} processors, ${record.partners.length} partners, ${record.security.length} security measures\n`,
  );
  console.log('| page | requests/s | p50 ms | p99 ms | size KiB | failed |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.name} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.kb.toFixed(0)} | ${r.bad} |`);
  console.log(`\nCSV downloads audited: ${Number(audited.n)}\n`);
  console.log('| pure step | µs each |');
  console.log('|---|---:|');
  console.log(`| build the record (recordsOfProcessing) | ${buildUs.toFixed(0)} |`);
  headlines([
    ...rows.map((r) => ({ benchmark: 'records', figure: `${r.name} requests/s`, database: databaseName(), value: r.rps, unit: 'req/s' })),
    { benchmark: 'records', figure: 'building the record of processing', value: buildUs / 1000, unit: 'ms' },
  ]);
  console.log(`| the record's CSV rows (recordsCsvRows) | ${csvUs.toFixed(0)} |`);
  console.log(`| build the retention schedule (retentionSchedule) | ${scheduleUs.toFixed(0)} |`);
  if (rows.some((r) => r.bad > 0)) process.exitCode = 1;
} finally {
  await shop.close();
}
