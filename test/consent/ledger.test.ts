import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { PurposeKey } from '../../src/features/consent/consent.inventory.js';
import {
  type ConsentSubject,
  addressHashOf,
  importTicksFromBeforeTheLedger,
  reachableAddresses,
  rebuildConsentState,
  recordConsent,
  verifyConsentLedger,
  withdrawAddress,
} from '../../src/features/consent/consent.service.js';
import { findPerson, erasePerson } from '../../src/features/privacy/subjects.service.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';

/**
 * The consent ledger is hash-chained like the audit trail, with a key of its own, and the current
 * state is derived from it. Someone holding the database can drop the triggers that refuse
 * changes; whatever they then edit, delete or reorder, verification finds it and names the entry.
 */
const postgres = testDialect === 'postgres';
let shops: TestShop[] = [];
afterEach(async () => {
  for (const s of shops) await s.close();
  shops = [];
});

let tick = Date.parse('2026-12-01T09:00:00Z');
const at = () => new Date((tick += 60_000));

async function shopWithEntries(n = 5): Promise<TestShop> {
  const shop = await buildTestShop({ env: { SEED_DEMO: 'false' } });
  shops.push(shop);
  for (let i = 0; i < n; i++) {
    const subject: ConsentSubject = { customerId: null, email: `person${i}@example.org` };
    await recordConsent(
      shop.app.db,
      {
        subject,
        purpose: 'general-subscription',
        action: 'given',
        method: 'newsletter-confirmation',
        wording: 'Sign me up',
        policyVersion: 'v1',
      },
      at(),
    );
  }
  return shop;
}

type Row = {
  id: number;
  at: string;
  subject_key: string;
  purpose: string;
  action: string;
  method: string;
  hash: string;
  prev_hash: string;
};
const rows = (shop: TestShop) =>
  shop.app.db
    .selectFrom('consent_ledger')
    .select(['id', 'at', 'subject_key', 'purpose', 'action', 'method', 'hash', 'prev_hash'])
    .orderBy('id')
    .execute() as Promise<Row[]>;

/** Removes the protection that refuses updates and deletes, as someone holding the database can. */
async function dropProtection(shop: TestShop) {
  if (postgres) {
    await sql`drop trigger if exists consent_ledger_sealed on consent_ledger`.execute(shop.app.db);
  } else {
    await sql`drop trigger if exists consent_ledger_sealed`.execute(shop.app.db);
    await sql`drop trigger if exists consent_ledger_no_delete`.execute(shop.app.db);
  }
}

describe(`the consent ledger's chain (${testDialect})`, () => {
  it('verifies an untouched ledger, and the current state agrees with it', async () => {
    const shop = await shopWithEntries();
    await withdrawAddress(shop.app.db, { email: 'person2@example.org', purpose: 'general-subscription', method: 'unsubscribe-link' }, at());
    expect(await verifyConsentLedger(shop.app.db)).toEqual({ ok: true, entries: 6 });
    const reachable = await reachableAddresses(shop.app.db, ['person1@example.org', 'PERSON2@example.org'], 'general-subscription');
    expect([...reachable]).toEqual(['person1@example.org']);
  });

  it('is refused by the database: no update of a sealed column, no delete, no entry that does not link to the newest', async () => {
    const shop = await shopWithEntries(2);
    const [first] = await rows(shop);
    await expect(sql`update consent_ledger set action = 'withdrawn' where id = ${first!.id}`.execute(shop.app.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`update consent_ledger set email = 'someone@else.org' where id = ${first!.id}`.execute(shop.app.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from consent_ledger where id = ${first!.id}`.execute(shop.app.db)).rejects.toThrow(/append-only/);
    await expect(
      sql`insert into consent_ledger (at, subject_key, purpose, action, method, prev_hash, hash) values ('2026-12-01', 'x', 'feedback', 'given', 'staff', ${first!.prev_hash}, 'f')`.execute(
        shop.app.db,
      ),
    ).rejects.toThrow(/append-only/);
    if (postgres) await expect(sql`truncate consent_ledger`.execute(shop.app.db)).rejects.toThrow(/append-only/);
    // Emptying the address and account, as erasure does, is allowed.
    await sql`update consent_ledger set email = null where id = ${first!.id}`.execute(shop.app.db);
    expect(await verifyConsentLedger(shop.app.db)).toMatchObject({ ok: true });
  });

  it('finds an edited entry and names it', async () => {
    const shop = await shopWithEntries();
    await dropProtection(shop);
    const victim = (await rows(shop))[2]!;
    await sql`update consent_ledger set method = 'registration' where id = ${victim.id}`.execute(shop.app.db);
    expect(await verifyConsentLedger(shop.app.db)).toMatchObject({
      ok: false,
      brokenAt: victim.id,
      problem: `entry ${victim.id} was altered after it was written`,
    });
  });

  it('finds a deleted entry in the middle, naming the entry that no longer follows', async () => {
    const shop = await shopWithEntries();
    await dropProtection(shop);
    const all = await rows(shop);
    await sql`delete from consent_ledger where id = ${all[2]!.id}`.execute(shop.app.db);
    const verdict = await verifyConsentLedger(shop.app.db);
    expect(verdict).toMatchObject({ ok: false, brokenAt: all[3]!.id });
    expect(verdict.ok === false && verdict.problem).toMatch(
      new RegExp(`entry ${all[3]!.id} does not follow entry ${all[1]!.id}: an entry was removed, reordered or altered`),
    );
  });

  it('finds reordered entries: two swapped, each keeping its own seal', async () => {
    const shop = await shopWithEntries();
    await dropProtection(shop);
    const all = await rows(shop);
    const [a, b] = [all[1]!, all[2]!];
    // Swap every sealed column of the two rows, so each row is a genuine entry in the other's place.
    const swap = async (target: Row, from: Row) =>
      sql`update consent_ledger set at = ${from.at}, subject_key = ${from.subject_key}, hash = ${from.hash}, prev_hash = ${from.prev_hash} where id = ${target.id}`.execute(
        shop.app.db,
      );
    await swap(a, b);
    await swap(b, a);
    const verdict = await verifyConsentLedger(shop.app.db);
    expect(verdict).toMatchObject({ ok: false, brokenAt: a.id });
    expect(verdict.ok === false && verdict.problem).toMatch(/reordered/);
  });

  it('finds the newest entry deleted, through the current state that rests on it', async () => {
    const shop = await shopWithEntries();
    await dropProtection(shop);
    const last = (await rows(shop)).at(-1)!;
    await sql`delete from consent_ledger where id = ${last.id}`.execute(shop.app.db);
    const verdict = await verifyConsentLedger(shop.app.db);
    expect(verdict).toMatchObject({ ok: false, brokenAt: last.id });
    expect(verdict.ok === false && verdict.problem).toMatch(/not in the ledger: an entry was removed/);
  });

  it('finds a current state changed by hand, which no longer agrees with the ledger', async () => {
    const shop = await shopWithEntries(3);
    await withdrawAddress(shop.app.db, { email: 'person1@example.org', purpose: 'general-subscription', method: 'account' }, at());
    await sql`update consent_state set given = 1 where email = 'person1@example.org'`.execute(shop.app.db);
    const verdict = await verifyConsentLedger(shop.app.db);
    expect(verdict.ok).toBe(false);
    expect(verdict.ok === false && verdict.problem).toMatch(/says given .* but the ledger's last word is entry \d+, withdrawn/);
  });

  it('rebuilds the current state from the ledger alone, to the same rows', async () => {
    const shop = await shopWithEntries(4);
    const db = shop.app.db;
    await withdrawAddress(db, { email: 'person0@example.org', purpose: 'general-subscription', method: 'one-click' }, at());
    await recordConsent(
      db,
      {
        subject: { customerId: null, email: 'person3@example.org' },
        purpose: 'feedback',
        action: 'given',
        method: 'checkout',
        wording: 'Ask me',
        policyVersion: 'v1',
      },
      at(),
    );
    const state = () => db.selectFrom('consent_state').selectAll().orderBy('subject_key').orderBy('purpose').execute();
    const before = await state();
    expect(before).toHaveLength(5);
    await sql`delete from consent_state`.execute(db);
    expect(await rebuildConsentState(db)).toBe(5);
    expect(await state()).toEqual(before);
    expect(await verifyConsentLedger(db)).toMatchObject({ ok: true });
  });
});

describe(`consent, erasure and the ticks from before the ledger (${testDialect})`, () => {
  it('an erased person leaves entries that name no one, a suppression entry, and a chain that still verifies', async () => {
    const shop = await shopWithEntries(3);
    const db = shop.app.db;
    const person = await findPerson(db, { email: 'Person1@example.org' });
    await erasePerson(db, person!, at());
    const theirs = await db
      .selectFrom('consent_ledger')
      .select(['email', 'customer_id', 'action', 'method'])
      .where('subject_key', '=', (await rows(shop))[1]!.subject_key)
      .execute();
    expect(theirs).toEqual([
      { email: null, customer_id: null, action: 'given', method: 'newsletter-confirmation' },
      { email: null, customer_id: null, action: 'withdrawn', method: 'erased' },
    ]);
    expect(await db.selectFrom('consent_state').select('email').where('email', '=', 'person1@example.org').execute()).toEqual([]);
    expect(await db.selectFrom('marketing_suppressions').select('purpose').execute()).toEqual([{ purpose: 'general-subscription' }]);
    // The address is suppressed until it signs up again and confirms.
    expect([...(await reachableAddresses(db, ['person1@example.org', 'person2@example.org'], 'general-subscription'))]).toEqual([
      'person2@example.org',
    ]);
    expect(await verifyConsentLedger(db)).toEqual({ ok: true, entries: 4 });
    // Rebuilding does not bring the erased person back.
    await rebuildConsentState(db);
    expect(await db.selectFrom('consent_state').select('subject_key').execute()).toHaveLength(2);
  });

  it('records a consent given anew to a suppressed address, even when an older consent stood, and lifts the suppression', async () => {
    const shop = await shopWithEntries(1);
    const db = shop.app.db;
    // The address is suppressed while its old consent row stands (as one restored from an old backup would).
    await sql`insert into marketing_suppressions (address_hash, purpose, method, created_at)
      values (${addressHashOf(db, 'person0@example.org')}, 'general-subscription', 'one-click', '2026-12-01T00:00:00.000Z')`.execute(db);
    expect([...(await reachableAddresses(db, ['person0@example.org'], 'general-subscription'))]).toEqual([]);
    const again = await recordConsent(
      db,
      {
        subject: { customerId: null, email: 'person0@example.org' },
        purpose: 'general-subscription',
        action: 'given',
        method: 'newsletter-confirmation',
        wording: 'Sign me up',
        policyVersion: 'v2',
      },
      at(),
    );
    expect(again.changed).toBe(true);
    expect(await db.selectFrom('consent_ledger').select('policy_version').orderBy('id').execute()).toEqual([
      { policy_version: 'v1' },
      { policy_version: 'v2' },
    ]);
    expect([...(await reachableAddresses(db, ['person0@example.org'], 'general-subscription'))]).toEqual(['person0@example.org']);
    expect(await verifyConsentLedger(db)).toMatchObject({ ok: true });
  });

  it('writes each General Subscription tick from before the ledger into it once, with its date and the words of the time', async () => {
    const shop = await buildTestShop({ env: { SEED_DEMO: 'false' } });
    shops.push(shop);
    const db = shop.app.db;
    await sql`insert into consent_legacy_ticks (customer_id, given_at) values (41, '2026-11-20T12:00:00.000Z'), (42, '2026-11-21T12:00:00.000Z')`.execute(
      db,
    );
    const emails = async (ids: number[]) => new Map(ids.filter((id) => id === 41).map((id) => [id, `ada${id}@example.org`]));
    expect(await importTicksFromBeforeTheLedger(db, emails)).toBe(1);
    expect(await importTicksFromBeforeTheLedger(db, emails)).toBe(0);
    const entries = await db
      .selectFrom('consent_ledger as l')
      .innerJoin('consent_wordings as w', 'w.hash', 'l.wording_hash')
      .select(['l.at', 'l.customer_id', 'l.method', 'w.text'])
      .execute();
    expect(entries).toEqual([
      { at: '2026-11-20T12:00:00.000Z', customer_id: 41, method: 'before-ledger', text: expect.stringContaining('General Subscription') },
    ]);
    expect(await db.selectFrom('consent_legacy_ticks').selectAll().execute()).toEqual([]);
    expect([...(await reachableAddresses(db, ['ada41@example.org'], 'general-subscription' as PurposeKey))]).toEqual(['ada41@example.org']);
  });
});
