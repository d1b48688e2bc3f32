/**
 * Marketing benchmark.
 *
 * 1. Audience and queueing: a campaign sent now through the shop's own path (`sendDueCampaigns`,
 *    the campaigns.send job's work): its audience computed at send time from the consent state
 *    page by page in address order (suppressed addresses left out), each page read and queued in
 *    the outbox in its own transaction, each e-mail due at its turn at the sending rate; at 25,000
 *    subscribers and at 100,000. Target: under 5 s for 100,000, memory flat (the audience is
 *    streamed, never held whole): the ratios of time per subscriber and of peak heap growth
 *    between the two sizes should be about 1.
 * 2. Delivery to a real SMTP server on this machine (the `smtp-server` package): messages per
 *    second for campaign e-mails (consent asked again for each, shared body, one-click headers)
 *    against order e-mails (no check), in one run.
 *
 * SQLite by default; with DATABASE_URL set, on a throwaway PostgreSQL database on that server.
 * Usage: npx tsx bench/marketing.ts [-- --subscribers 100000 --messages 2000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { type Db, openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { keyAuditTrail } from '../src/features/audit/audit.service.js';
import { createCampaign, scheduleCampaign, sendDueCampaigns } from '../src/features/campaigns/campaigns.service.js';
import { addressHashOf, keyConsentLedger, subjectKeyOf } from '../src/features/consent/consent.service.js';
import { createMailer } from '../src/features/mail/mailer.js';
import {
  UNSUBSCRIBE_PLACEHOLDER,
  createMailBody,
  deliverDueMail,
  enqueueAudiencePage,
  enqueueMail,
} from '../src/features/mail/outbox.service.js';
import { freshDatabase } from '../test/support/build-app.js';
import { TestSmtpServer } from '../test/mail/smtp-test-server.js';
import { databaseName, headlines } from './summary.js';

const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || fallback;
const large = arg('subscribers', 100_000);
const small = Math.round(large / 4);
const messages = arg('messages', 2000);
const NOW = new Date('2026-12-01T12:00:00Z');
const PUBLIC = 'https://shop.example';
const RATE_PER_MINUTE = 600;
const SECRET = 'bench-secret-key-bench-secret-key';

/** Subscribers as the ledger would leave them in the state table; one in 50 is also suppressed. */
async function fillSubscribers(db: Db, count: number): Promise<void> {
  const batch = 1000;
  for (let start = 0; start < count; start += batch) {
    const rows = Array.from({ length: Math.min(batch, count - start) }, (_, k) => {
      const email = `subscriber${start + k}@example.test`;
      return {
        subject_key: subjectKeyOf(db, { customerId: null, email }),
        purpose: 'general-subscription',
        given: 1,
        customer_id: null,
        email,
        address_hash: addressHashOf(db, email),
        entry_id: start + k + 1,
        changed_at: NOW.toISOString(),
      };
    });
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('consent_state').values(rows).execute();
      const suppressed = rows.filter((_, k) => (start + k) % 50 === 0);
      if (suppressed.length > 0) {
        await trx
          .insertInto('marketing_suppressions')
          .values(
            suppressed.map((r) => ({
              address_hash: r.address_hash,
              purpose: 'general-subscription',
              method: 'one-click',
              created_at: NOW.toISOString(),
            })),
          )
          .execute();
      }
    });
  }
}

/** The shop's own send path: a campaign created and sent now, then the campaigns.send job's work, page by page. */
async function queueCampaign(db: Db): Promise<{ queued: number }> {
  await keyAuditTrail(db, SECRET, NOW);
  const actor = { staffId: null, role: 'owner' };
  const id = await createCampaign(db, { title: 'Bench', subject: 'New pieces', body: 'News of **new** pieces.' }, actor, NOW);
  const scheduled = await scheduleCampaign(db, id, NOW, actor, NOW);
  if (!scheduled.ok) throw new Error('the campaign could not be sent now');
  const r = await sendDueCampaigns(
    db,
    { shopName: 'Bench', publicUrl: PUBLIC, messageDomain: 'shop.example', ratePerMinute: RATE_PER_MINUTE },
    NOW,
  );
  return { queued: r.queued };
}

async function withDatabase<T>(work: (db: Db, dataDir: string) => Promise<T>, env: Record<string, string> = {}): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'assay-bench-marketing-'));
  const database = await freshDatabase(dataDir);
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', SECRET_KEY: SECRET, ...database.env, ...env });
  const handle = openDatabase(config.database);
  try {
    await migrateToLatest(handle.db);
    keyConsentLedger(handle.db, SECRET, PUBLIC);
    return await work(handle.db, dataDir);
  } finally {
    await handle.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface QueueFigures {
  subscribers: number;
  queued: number;
  ms: number;
  heapGrowthMb: number;
}

async function measureQueueing(subscribers: number): Promise<QueueFigures> {
  return withDatabase(async (db) => {
    await fillSubscribers(db, subscribers);
    // Statistics, as a running database keeps them (PostgreSQL's autovacuum would have gathered
    // them long before a list grew to this size): without them, its planner takes a table just
    // filled for an empty one.
    await sql`analyze`.execute(db);
    global.gc?.();
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 20);
    const started = performance.now();
    const r = await queueCampaign(db);
    const ms = performance.now() - started;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    const expected = subscribers - Math.ceil(subscribers / 50);
    if (r.queued !== expected) throw new Error(`queued ${r.queued}, expected ${expected}`);
    return { subscribers, queued: r.queued, ms, heapGrowthMb: (peak - base) / 1_048_576 };
  });
}

async function measureDelivery(): Promise<{ campaign: number; transactional: number }> {
  const smtp = await TestSmtpServer.start();
  try {
    return await withDatabase(
      async (db, dataDir) => {
        const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', SECRET_KEY: SECRET, SMTP_URL: smtp.url });
        const mailer = createMailer(config);
        try {
          await fillSubscribers(db, messages);
          // Everyone due now, to measure the outbox and the server rather than the rate.
          const bodyId = await createMailBody(
            db,
            { subject: 'News', text: `x ${UNSUBSCRIBE_PLACEHOLDER}`, html: `<a href="${UNSUBSCRIBE_PLACEHOLDER}">x</a>` },
            NOW,
          );
          for (let after = ''; ;) {
            const page = await enqueueAudiencePage(
              db,
              {
                kind: 'campaign',
                reference: 'campaign-2',
                purpose: 'general-subscription',
                bodyId,
                after,
                limit: 1000,
                first: 0,
                dueAt: () => NOW,
              },
              NOW,
              'shop.example',
            );
            if (page.last === null) break;
            after = page.last;
          }
          const drain = async () => {
            const started = performance.now();
            let sent = 0;
            for (;;) {
              const r = await deliverDueMail(db, mailer, NOW, { batch: 500, unsubscribeMailto: 'hello@shop.example' });
              sent += r.sent;
              if (r.sent + r.withheld + r.retried + r.failed === 0) break;
            }
            return sent / ((performance.now() - started) / 1000);
          };
          const campaign = await drain();
          for (let i = 0; i < messages; i++) {
            await enqueueMail(
              db,
              {
                kind: 'order-confirmation',
                reference: `A${i}`,
                to: `buyer${i}@example.test`,
                subject: 'Your order',
                text: 'Thank you',
                html: '<p>Thank you</p>',
              },
              NOW,
              'shop.example',
            );
          }
          const transactional = await drain();
          return { campaign, transactional };
        } finally {
          await mailer.close();
        }
      },
      { SMTP_URL: smtp.url },
    );
  } finally {
    await smtp.close();
  }
}

const dialect = process.env.DATABASE_URL ? 'PostgreSQL' : 'SQLite';
const a = await measureQueueing(small);
const b = await measureQueueing(large);
const delivery = await measureDelivery();
const perK = (f: QueueFigures) => f.ms / (f.subscribers / 1000);
console.log(`\nMarketing benchmark (${dialect})\n`);
console.log('| subscribers | queued (suppressed left out) | audience + queueing | ms per 1,000 | peak heap growth |');
console.log('|---:|---:|---:|---:|---:|');
for (const f of [a, b]) {
  console.log(
    `| ${f.subscribers} | ${f.queued} | ${(f.ms / 1000).toFixed(2)} s | ${perK(f).toFixed(1)} | ${f.heapGrowthMb.toFixed(1)} MB |`,
  );
}
console.log(`\nRatios, ${b.subscribers} subscribers against ${a.subscribers}:`);
console.log(`  time per subscriber: ${(perK(b) / perK(a)).toFixed(2)}× (about 1 means it grows with the audience, no worse)`);
console.log(`  peak heap growth:    ${(b.heapGrowthMb / Math.max(0.1, a.heapGrowthMb)).toFixed(2)}× (about 1 means memory stays flat)`);
console.log(`  ${b.subscribers} in ${(b.ms / 1000).toFixed(2)} s: ${b.ms < 5000 ? 'under' : 'OVER'} the 5 s target`);
console.log(`\nDelivery to a local SMTP server, ${messages} messages each:`);
console.log(`  campaign e-mails (consent asked again, shared body, one-click headers): ${delivery.campaign.toFixed(0)} messages/s`);
console.log(`  order e-mails (no consent check):                                        ${delivery.transactional.toFixed(0)} messages/s`);
console.log(`  ratio campaign / order: ${(delivery.campaign / delivery.transactional).toFixed(2)}×`);
headlines([
  {
    benchmark: 'marketing',
    figure: `campaign queued for ${b.subscribers} subscribers`,
    database: databaseName(),
    value: b.ms / 1000,
    unit: 's',
    target: { op: '<', value: 5 },
  },
  {
    benchmark: 'marketing',
    figure: 'time per subscriber, larger / smaller audience',
    database: databaseName(),
    value: perK(b) / perK(a),
    unit: '×',
  },
  {
    benchmark: 'marketing',
    figure: 'campaign e-mails delivered to a local SMTP server',
    database: databaseName(),
    value: delivery.campaign,
    unit: 'msg/s',
  },
]);
