import { createHash, createHmac } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import type { Database } from '../../src/db/schema.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { auditAnchorJob, auditRetentionJob } from '../../src/features/audit/audit.job.js';
import { eraseExpiredAuditEntries, recordAudit, verifyAuditChain } from '../../src/features/audit/audit.service.js';
import { deliverDueMail } from '../../src/features/mail/outbox.service.js';
import { setDisabled } from '../../src/features/staff/staff.service.js';
import { runJob } from '../../src/jobs/runner.js';
import { deriveKey } from '../../src/shared/crypto.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { adminPost, signInAs } from '../support/staff.js';

/**
 * Each test plays someone with direct access to the database (and, for some, the shop's secret
 * key), using raw SQL as they would, and checks that the trail either refuses the change or
 * shows it as tampering.
 */

const DAY = 86_400_000;
const GENESIS = '0'.repeat(64);
const postgres = testDialect === 'postgres';

type Row = Selectable<Database['audit_log']>;

/** What each entry's seal covers, as anyone reading the source can see. */
function entryText(prev: string, r: Omit<Row, 'id' | 'prev_hash' | 'hash'>): string {
  return JSON.stringify([
    prev,
    r.at,
    r.actor_staff_id,
    r.actor_role,
    r.action,
    r.subject_type,
    r.subject_id,
    r.fields,
    r.reason,
    r.network,
  ]);
}
const plainSha = (text: string) => createHash('sha256').update(text).digest('hex');
const keyedWith = (shop: TestShop) => {
  const key = deriveKey(shop.config.secretKey, 'audit-chain');
  return (text: string) => createHmac('sha256', key).update(text).digest('hex');
};

const rows = (shop: TestShop) => shop.app.db.selectFrom('audit_log').selectAll().orderBy('id').execute() as Promise<Row[]>;
const count = async (shop: TestShop) => (await rows(shop)).length;

async function record(shop: TestShop, n: number, at: () => Date = () => new Date()) {
  for (let i = 0; i < n; i++) {
    await recordAudit(
      shop.app.db,
      { actor: { staffId: null, role: 'owner' }, action: 'view', subject: { type: 'staff', id: i }, fields: ['email'] },
      at(),
    );
  }
}

/** Removes the protection that refuses updates and deletes, as someone holding the database can. */
async function dropUpdateAndDeleteTriggers(shop: TestShop) {
  if (postgres) await sql`drop trigger if exists audit_log_no_update on audit_log`.execute(shop.app.db);
  else {
    await sql`drop trigger if exists audit_log_no_update`.execute(shop.app.db);
    await sql`drop trigger if exists audit_log_no_delete`.execute(shop.app.db);
  }
}

/** Changes one entry and re-seals it and every later one with `seal`, so that the links all hold again. */
async function rewriteFrom(shop: TestShop, victim: number, change: Partial<Row>, seal: (text: string) => string) {
  await dropUpdateAndDeleteTriggers(shop);
  const all = await rows(shop);
  let prev: string | null = null;
  for (const r of all) {
    if (r.id < victim) continue;
    const row = r.id === victim ? { ...r, ...change } : r;
    const link: string = prev ?? row.prev_hash;
    const hash = seal(entryText(link, row));
    await sql`update audit_log set fields = ${row.fields}, reason = ${row.reason}, prev_hash = ${link}, hash = ${hash} where id = ${r.id}`.execute(
      shop.app.db,
    );
    prev = hash;
  }
}

/** An attacker's insert, with every column given (the id too when `id` is set). */
function insertSql(r: Omit<Row, 'id'> & { id?: number }, mode: 'plain' | 'replace' | 'upsert' = 'plain') {
  const cols = sql`at, actor_staff_id, actor_role, action, subject_type, subject_id, fields, reason, network, prev_hash, hash`;
  const vals = sql`${r.at}, ${r.actor_staff_id}, ${r.actor_role}, ${r.action}, ${r.subject_type}, ${r.subject_id}, ${r.fields}, ${r.reason}, ${r.network}, ${r.prev_hash}, ${r.hash}`;
  const verb = mode === 'replace' ? sql`insert or replace into` : sql`insert into`;
  if (r.id === undefined) return sql`${verb} audit_log (${cols}) values (${vals})`;
  const override = postgres ? sql`overriding system value` : sql``;
  const tail = mode === 'upsert' ? sql`on conflict (id) do update set reason = excluded.reason, hash = excluded.hash` : sql``;
  return sql`${verb} audit_log (id, ${cols}) ${override} values (${r.id}, ${vals}) ${tail}`;
}

const forged = (prev: string, extra: Partial<Row> = {}): Omit<Row, 'id'> => {
  const base = {
    at: new Date().toISOString(),
    actor_staff_id: null,
    actor_role: 'owner',
    action: 'view',
    subject_type: 'staff',
    subject_id: '99',
    fields: 'email',
    reason: 'forged',
    network: null,
    ...extra,
  };
  return { ...base, prev_hash: prev, hash: plainSha(entryText(prev, base)) };
};

/** Runs the audit jobs once, as the nightly schedule would (retention, then the anchor), and delivers what they queued to the file outbox. */
async function runDailyJob(shop: TestShop): Promise<{ to: string; raw: string }[]> {
  const seen = new Set(existsSync(shop.config.outboxDir) ? readdirSync(shop.config.outboxDir) : []);
  for (const job of [auditRetentionJob, auditAnchorJob]) await runJob(shop.app, job);
  await deliverDueMail(shop.app.db, shop.app.mailer, new Date());
  if (!existsSync(shop.config.outboxDir)) return [];
  return readdirSync(shop.config.outboxDir)
    .filter((f) => f.endsWith('.eml') && !seen.has(f))
    .map((f) => {
      // Undo quoted-printable soft line breaks, so long lines read whole.
      const raw = readFileSync(join(shop.config.outboxDir, f), 'utf8')
        .replace(/=\r?\n/g, '')
        .replace(/=3D/g, '=');
      return { to: raw.match(/^To: (.*)$/m)?.[1]?.trim() ?? '', raw };
    })
    .filter((m) => /Subject: .*audit trail/i.test(m.raw));
}
const anchorIn = (raw: string) => raw.match(/Anchor: (\S+)/)?.[1];

let shop: TestShop;
let owner: Awaited<ReturnType<typeof signInAs>>;
beforeAll(async () => {
  shop = await buildTestShop({ env: { SEED_DEMO: 'false', FORM_RATE_LIMIT: '100000' } });
  owner = await signInAs(shop.app, 'owner');
  await record(shop, 5);
});
afterAll(async () => shop?.close());

describe(`the database refuses to rewrite the audit trail (${testDialect})`, () => {
  it(postgres ? 'refuses an upsert over an existing entry' : 'refuses INSERT OR REPLACE over an existing entry', async () => {
    const before = await rows(shop);
    const victim = before[2]!;
    const attack = insertSql({ ...forged(victim.prev_hash), id: victim.id }, postgres ? 'upsert' : 'replace');
    await expect(attack.execute(shop.app.db)).rejects.toThrow(/append-only/);
    expect(await rows(shop)).toEqual(before);
    expect(await verifyAuditChain(shop.app.db)).toMatchObject({ ok: true });
  });

  it('refuses an insert that reuses the id of an entry removed by retention', async () => {
    const fresh = await buildTestShop({ env: { SEED_DEMO: 'false' } });
    try {
      const longAgo = Date.now() - 2300 * DAY;
      let i = 0;
      await record(fresh, 3, () => new Date(longAgo + i++ * 1000));
      await record(fresh, 2);
      expect(await eraseExpiredAuditEntries(fresh.app.db, new Date())).toBe(3);
      const kept = await rows(fresh);
      expect(kept[0]!.id).toBeGreaterThan(1);
      const head = kept.at(-1)!;
      // The first id ever used, and one below every id (which SQLite's triggers would otherwise read as "not given").
      for (const id of [1, -1]) {
        await expect(insertSql({ ...forged(head.hash), id }).execute(fresh.app.db)).rejects.toThrow(/append-only/);
      }
      expect(await rows(fresh)).toEqual(kept);
    } finally {
      await fresh.close();
    }
  });

  it('refuses an insert that does not continue the chain from its newest entry', async () => {
    const before = await rows(shop);
    // A fork from an older entry, a fresh start, and a made-up link: none follows the newest entry.
    for (const prev of [before[1]!.hash, GENESIS, 'f'.repeat(64)]) {
      await expect(insertSql(forged(prev)).execute(shop.app.db)).rejects.toThrow(/append-only/);
    }
    expect(await count(shop)).toBe(before.length);
    // The newest entry's own link is what the next one must carry.
    await recordAudit(
      shop.app.db,
      { actor: { staffId: null, role: 'owner' }, action: 'view', subject: { type: 'staff', id: 1 }, fields: ['email'] },
      new Date(),
    );
    expect(await count(shop)).toBe(before.length + 1);
  });

  it(postgres ? 'refuses TRUNCATE' : 'refuses to delete every entry at once', async () => {
    const before = await count(shop);
    const attack = postgres ? sql`truncate audit_log` : sql`delete from audit_log`;
    await expect(attack.execute(shop.app.db)).rejects.toThrow(/append-only/);
    if (postgres) await expect(sql`truncate audit_log restart identity cascade`.execute(shop.app.db)).rejects.toThrow(/append-only/);
    expect(await count(shop)).toBe(before);
  });
});

describe(`"Verify the chain" sees a rewrite (${testDialect})`, () => {
  it('a rewrite re-hashed with plain SHA-256 is shown as tampering at the altered entry', async () => {
    const fresh = await buildTestShop({ env: { SEED_DEMO: 'false', FORM_RATE_LIMIT: '100000' } });
    try {
      const boss = await signInAs(fresh.app, 'owner');
      await record(fresh, 4);
      const all = await rows(fresh);
      const victim = all[all.length - 3]!.id;
      await rewriteFrom(fresh, victim, { fields: 'nothing' }, plainSha);
      expect(await verifyAuditChain(fresh.app.db)).toMatchObject({ ok: false, brokenAt: victim });
      const page = await adminPost(fresh.app, boss.cookie, '/admin/audit', '/admin/audit/verify', {});
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('tampered with');
      expect(page.body).toContain(`#${victim}`);
    } finally {
      await fresh.close();
    }
  });

  it('removing the oldest entries before their 6 years are up is shown as tampering', async () => {
    const fresh = await buildTestShop({ env: { SEED_DEMO: 'false' } });
    try {
      await record(fresh, 5);
      const all = await rows(fresh);
      await dropUpdateAndDeleteTriggers(fresh);
      await sql`delete from audit_log where id <= ${all[1]!.id}`.execute(fresh.app.db);
      expect(await verifyAuditChain(fresh.app.db)).toMatchObject({ ok: false, brokenAt: all[2]!.id });
    } finally {
      await fresh.close();
    }
  });

  it('a rewrite re-sealed with the key passes the chain, but not the anchor from the daily e-mail', async () => {
    const fresh = await buildTestShop({ env: { SEED_DEMO: 'false', FORM_RATE_LIMIT: '100000' } });
    try {
      const boss = await signInAs(fresh.app, 'owner');
      await record(fresh, 4);
      const mails = await runDailyJob(fresh);
      expect(mails.map((m) => m.to)).toEqual([boss.email]);
      const anchor = anchorIn(mails[0]!.raw);
      expect(anchor).toBeTruthy();
      await record(fresh, 3);

      const all = await rows(fresh);
      const victim = all[2]!.id;
      await rewriteFrom(fresh, victim, { fields: 'nothing', reason: 'rewritten' }, keyedWith(fresh));
      // Someone holding the key and the database can make the chain itself hold again…
      expect(await verifyAuditChain(fresh.app.db)).toMatchObject({ ok: true });
      // …but not the anchor the owner was sent before the rewrite.
      const page = await adminPost(fresh.app, boss.cookie, '/admin/audit', '/admin/audit/verify', { anchor: anchor! });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('tampered with');
      expect(page.body).toContain('anchor');

      // Cutting the trail back to before the anchored entry is caught the same way.
      const anchoredId = Number(anchor!.split('-')[0]);
      await sql`delete from audit_log where id >= ${anchoredId}`.execute(fresh.app.db);
      const cut = await adminPost(fresh.app, boss.cookie, '/admin/audit', '/admin/audit/verify', { anchor: anchor! });
      expect(cut.body).toContain('tampered with');
      expect(cut.body).toContain(`#${anchoredId}`);
    } finally {
      await fresh.close();
    }
  });
});

describe(`the daily anchor e-mail (${testDialect})`, () => {
  it('goes to every active owner with the newest entry, its seal and the count, and that anchor verifies', async () => {
    const fresh = await buildTestShop({ env: { SEED_DEMO: 'false', FORM_RATE_LIMIT: '100000' } });
    try {
      const first = await signInAs(fresh.app, 'owner');
      const second = await signInAs(fresh.app, 'owner');
      const gone = await signInAs(fresh.app, 'owner');
      await signInAs(fresh.app, 'customer_service');
      expect(
        await setDisabled(fresh.app.db, {
          actor: { staffId: first.staffId, role: 'owner' },
          targetId: gone.staffId,
          disabled: true,
          now: new Date(),
        }),
      ).toEqual({
        ok: true,
      });
      await record(fresh, 2);
      const mails = await runDailyJob(fresh);
      expect(mails.map((m) => m.to).sort()).toEqual([first.email, second.email].sort());

      const all = await rows(fresh);
      const head = all.at(-1)!;
      const raw = mails[0]!.raw;
      expect(raw).toContain(`#${head.id}`);
      expect(raw).toContain(head.hash);
      expect(raw).toContain(`${all.length} entries`);
      expect(anchorIn(raw)).toBe(`${head.id}-${head.at.slice(0, 10)}-${head.hash}`);

      // Entries written since do not upset an older anchor.
      await record(fresh, 2);
      const page = await adminPost(fresh.app, first.cookie, '/admin/audit', '/admin/audit/verify', { anchor: anchorIn(raw)! });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('The audit trail is intact');
      expect(page.body).toContain(`matches the anchor`);
    } finally {
      await fresh.close();
    }
  });

  it('an anchor whose entry was since deleted after 6 years is reported as too old to check, not as tampering', async () => {
    const fresh = await buildTestShop({ env: { SEED_DEMO: 'false', FORM_RATE_LIMIT: '100000' } });
    try {
      const longAgo = Date.now() - 2300 * DAY;
      let i = 0;
      await record(fresh, 3, () => new Date(longAgo + i++ * 1000));
      const old = (await rows(fresh)).at(-1)!;
      const oldAnchor = `${old.id}-${old.at.slice(0, 10)}-${old.hash}`;
      const boss = await signInAs(fresh.app, 'owner');
      expect(await eraseExpiredAuditEntries(fresh.app.db, new Date())).toBe(3);
      const page = await adminPost(fresh.app, boss.cookie, '/admin/audit', '/admin/audit/verify', { anchor: oldAnchor });
      expect(page.body).toContain('The audit trail is intact');
      expect(page.body).toContain('can no longer be checked');
      // The same anchor, dated as if its entry were recent, is a removal nobody may make.
      const recent = `${old.id}-${new Date().toISOString().slice(0, 10)}-${old.hash}`;
      const tampered = await adminPost(fresh.app, boss.cookie, '/admin/audit', '/admin/audit/verify', { anchor: recent });
      expect(tampered.body).toContain('tampered with');
      expect(tampered.body).toContain(`#${old.id}`);
    } finally {
      await fresh.close();
    }
  });

  it('an anchor that is not one gets a plain message and a 400', async () => {
    for (const anchor of ['yesterday', `12-2026-13-45-${'a'.repeat(64)}`, `12-2026-12-01-${'g'.repeat(64)}`]) {
      const res = await adminPost(shop.app, owner.cookie, '/admin/audit', '/admin/audit/verify', { anchor });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('daily e-mail');
      expect(res.body).not.toMatch(/at .*\.ts:\d+/);
    }
  });
});

describe(`a trail written before the chain was keyed (${testDialect})`, () => {
  it('is checked as unkeyed up to the cut-over written at start-up, and nothing unkeyed is accepted after it', async () => {
    const fresh = await buildTestShop({ env: { SEED_DEMO: 'false' } });
    try {
      // Entries as the shop wrote them before: sealed with plain SHA-256 only.
      let prev = GENESIS;
      for (let i = 0; i < 3; i++) {
        const row = forged(prev, { subject_id: String(i), reason: null });
        await insertSql(row).execute(fresh.app.db);
        prev = row.hash;
      }
      const legacy = await rows(fresh);
      expect(legacy).toHaveLength(3);

      // The shop starts on the same database.
      const restarted = await buildApp(fresh.config, { logger: false });
      await restarted.ready();
      await restarted.close();
      const after = await rows(fresh);
      expect(after.slice(0, 3)).toEqual(legacy);
      expect(after).toHaveLength(4);
      expect(after[3]).toMatchObject({ actor_role: 'system', subject_type: 'audit_log', subject_id: String(legacy[2]!.id) });
      expect(after[3]!.reason).toMatch(/unkeyed/);
      expect(await verifyAuditChain(fresh.app.db)).toMatchObject({ ok: true, entries: 4 });

      // A second start writes no second cut-over.
      const again = await buildApp(fresh.config, { logger: false });
      await again.ready();
      await again.close();
      expect(await count(fresh)).toBe(4);

      // An entry sealed the old way after the cut-over is refused by verification.
      const late = forged(after[3]!.hash);
      await insertSql(late).execute(fresh.app.db);
      const id = (await rows(fresh)).at(-1)!.id;
      expect(await verifyAuditChain(fresh.app.db)).toMatchObject({ ok: false, brokenAt: id });

      // And so is the whole trail re-hashed the old way, cut-over included.
      await rewriteFrom(fresh, legacy[0]!.id, { fields: 'nothing' }, plainSha);
      expect(await verifyAuditChain(fresh.app.db)).toMatchObject({ ok: false });
    } finally {
      await fresh.close();
    }
  });
});
