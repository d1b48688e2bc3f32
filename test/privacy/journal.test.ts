import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { readJournal, reapplyErasures } from '../../src/features/privacy/erasure.journal.js';
import { eraseSomeone } from '../../src/features/privacy/erasure.service.js';
import { scanResidue } from '../../src/features/privacy/residue.service.js';
import { exportPerson, findPerson } from '../../src/features/privacy/subjects.service.js';
import { type TestShop, buildTestShop, freshDatabase, testDialect } from '../support/build-app.js';
import { signedInCustomer } from '../support/customer.js';
import { DAY, paidAndDispatched, sendEnquiry, shopForThisFile } from '../support/privacy.js';

/**
 * The erasure journal's re-apply, tested by restoring a copy of the database taken before the
 * erasure (SQLite: VACUUM INTO; PostgreSQL: pg_dump and pg_restore into a new database), opening
 * the shop on it with the same SECRET_KEY, and applying the live journal: the erased person is
 * gone from the copy too (nothing personal in their copy of data, the residue scan clean), and
 * another person is as they were.
 */
let now = new Date('2026-04-10T10:00:00Z');
const shop = shopForThisFile(() => now);
let restored: TestShop | undefined;
const cleanups: (() => Promise<void> | void)[] = [];

// Runs before the shop is closed.
afterAll(async () => {
  await restored?.close();
  for (const c of cleanups) await c();
});

/** A copy of the live database as a backup would be, opened as a shop of its own. */
async function backupAndOpen(): Promise<TestShop> {
  if (shop.config.database.dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'assay-restore-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'assay.db');
    await sql`vacuum into ${sql.lit(file)}`.execute(shop.app.db);
    return { file, dir } as unknown as TestShop;
  }
  const live = shop.config.database.url;
  const dump = join(mkdtempSync(join(tmpdir(), 'assay-dump-')), 'live.dump');
  execFileSync('pg_dump', ['-Fc', '-f', dump, live]);
  const target = await freshDatabase(shop.dataDir);
  const url = target.env.DATABASE_URL as string;
  execFileSync('pg_restore', ['--no-owner', '-d', url, dump]);
  cleanups.push(async () => {
    await target.drop();
    rmSync(dump, { force: true });
  });
  return { url } as unknown as TestShop;
}

describe(`The erasure journal (${testDialect})`, () => {
  it('re-applies an erasure to a database restored from a backup taken before it', async () => {
    const erased = await signedInCustomer(shop.app, { first_name: 'Wilhelmina', surname: 'Ashdown', line1: '3 Quarry Hill' });
    const order = await paidAndDispatched(shop.app, erased.shopper);
    await sendEnquiry(shop.app, {
      name: 'Wilhelmina Ashdown',
      email: erased.person.email,
      subject: 'other',
      message: 'A question about sizes',
    });
    const other = await signedInCustomer(shop.app, { first_name: 'Barnaby', surname: 'Thorne', phone: '07700 900999', postcode: 'M1 1AE' });

    const backup = (await backupAndOpen()) as unknown as { file?: string; dir?: string; url?: string };

    now = new Date(now.getTime() + 45 * DAY);
    const person = await findPerson(shop.app.db, { customerId: erased.id });
    const outcome = await eraseSomeone(shop.app, person!, now, { requestId: null, actor: { kind: 'person' } });
    const journal = await readJournal(shop.app.db);
    expect(journal.map((e) => e.id)).toContain(outcome.journalId);
    // The journal names no one: keyed hashes only.
    expect(JSON.stringify(journal)).not.toContain(erased.person.email);
    expect(JSON.stringify(journal)).not.toContain(`"${erased.id}"`);

    restored = await buildTestShop({
      clock: () => now,
      env: backup.dir ? { DATA_DIR: backup.dir } : { DATABASE_URL: backup.url as string },
    });
    const inCopy = () => exportPerson(restored!.app.db, { customerId: erased.id, emails: [erased.person.email], staffId: null });
    // The backup still holds the person: the control.
    const before = await inCopy();
    expect(before.customers?.[0]?.email).toBe(erased.person.email);
    expect((await scanResidue(restored.app, outcome.traceKeys, now)).clean).toBe(false);

    const result = await reapplyErasures(restored.app.db, journal, now);
    expect(result).toMatchObject({ entries: journal.length, matched: 1, people: 1 });
    expect(result.report.customers?.deleted).toBe(1);

    const after = await inCopy();
    expect(after.customers).toBeUndefined();
    expect(after.customer_addresses).toBeUndefined();
    expect(after.contact_messages).toBeUndefined();
    expect(after.orders).toBeUndefined();
    const scan = await scanResidue(restored.app, outcome.traceKeys, now);
    expect(scan.hits).toEqual([]);
    expect(scan.clean).toBe(true);
    const taxRecord = await restored.app.db.selectFrom('orders').selectAll().where('number', '=', order.number).executeTakeFirstOrThrow();
    expect(taxRecord).toMatchObject({ email: '', first_name: '', customer_id: null });
    expect(taxRecord.total_pence).toBeGreaterThan(0);

    // Another person is intact in the copy.
    const kept = await exportPerson(restored.app.db, { customerId: other.id, emails: [other.person.email], staffId: null });
    expect(kept.customers?.[0]).toMatchObject({ email: other.person.email, first_name: 'Barnaby', surname: 'Thorne' });
    expect(kept.customer_addresses?.length).toBeGreaterThan(0);
  });
});
