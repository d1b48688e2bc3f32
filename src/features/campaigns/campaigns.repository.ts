import type { Selectable } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/schema.js';

export type CampaignRow = Selectable<Database['campaigns']>;
export type CampaignStatus = CampaignRow['status'];

/** A campaign can be changed (and scheduled) only before it is sent: as a draft, or once its schedule was cancelled. */
const EDITABLE: CampaignStatus[] = ['draft', 'cancelled'];

export async function insertCampaign(
  db: Db,
  c: { title: string; subject: string; body_markdown: string; purpose: string; at: string },
): Promise<number> {
  const r = await db
    .insertInto('campaigns')
    .values({
      title: c.title,
      subject: c.subject,
      body_markdown: c.body_markdown,
      purpose: c.purpose,
      status: 'draft',
      created_at: c.at,
      updated_at: c.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export function findCampaign(db: Db, id: number): Promise<CampaignRow | undefined> {
  return db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listCampaigns(db: Db, limit: number, offset: number): Promise<CampaignRow[]> {
  return db.selectFrom('campaigns').selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute();
}

export async function countCampaigns(db: Db): Promise<number> {
  const r = await db
    .selectFrom('campaigns')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Changes a campaign's words, only while it is editable; false when it is not (or does not exist). */
export async function updateEditableCampaign(
  db: Db,
  id: number,
  c: { title: string; subject: string; body_markdown: string; at: string },
): Promise<boolean> {
  const r = await db
    .updateTable('campaigns')
    .set({ title: c.title, subject: c.subject, body_markdown: c.body_markdown, status: 'draft', updated_at: c.at })
    .where('id', '=', id)
    .where('status', 'in', EDITABLE)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function scheduleEditableCampaign(db: Db, id: number, scheduledFor: string, at: string): Promise<boolean> {
  const r = await db
    .updateTable('campaigns')
    .set({ status: 'scheduled', scheduled_for: scheduledFor, updated_at: at })
    .where('id', '=', id)
    .where('status', 'in', EDITABLE)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function cancelScheduledCampaign(db: Db, id: number, at: string): Promise<boolean> {
  const r = await db
    .updateTable('campaigns')
    .set({ status: 'cancelled', scheduled_for: null, updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'scheduled')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function dueCampaignIds(db: Db, now: string): Promise<number[]> {
  const rows = await db
    .selectFrom('campaigns')
    .select('id')
    .where('status', '=', 'scheduled')
    .where('scheduled_for', '<=', now)
    .orderBy('scheduled_for')
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Takes a due campaign for sending. The update repeats the "scheduled and due" condition, so when
 * two processes race for it the database lets exactly one change it; the other gets false.
 */
export async function claimDueCampaign(db: Db, id: number, now: string): Promise<boolean> {
  const r = await db
    .updateTable('campaigns')
    .set({ status: 'sending', started_at: now, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'scheduled')
    .where('scheduled_for', '<=', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Notes a campaign's shared body as sending starts. */
export async function recordCampaignBody(db: Db, id: number, bodyId: number): Promise<void> {
  await db.updateTable('campaigns').set({ body_id: bodyId, audience: 0, queued: 0 }).where('id', '=', id).execute();
}

/** Adds one page to a campaign being queued: its audience, each of whom was queued an e-mail. */
export async function recordCampaignPage(db: Db, id: number, page: { queued: number; at: string }): Promise<void> {
  await db
    .updateTable('campaigns')
    .set((eb) => ({
      audience: eb('audience', '+', page.queued),
      queued: eb('queued', '+', page.queued),
      updated_at: page.at,
    }))
    .where('id', '=', id)
    .execute();
}

export async function recordCampaignQueued(db: Db, id: number, at: string): Promise<void> {
  await db.updateTable('campaigns').set({ queued_at: at }).where('id', '=', id).execute();
}

export function sendingCampaigns(db: Db): Promise<CampaignRow[]> {
  return db.selectFrom('campaigns').selectAll().where('status', '=', 'sending').orderBy('id').execute();
}

/** Keeps a campaign's final counts on it (the outbox deletes sent e-mails after a while) and marks it sent. */
export async function finishSendingCampaign(
  db: Db,
  id: number,
  f: { sent: number; failed: number; withheld: number; at: string },
): Promise<boolean> {
  const r = await db
    .updateTable('campaigns')
    .set({ status: 'sent', sent: f.sent, failed: f.failed, withheld: f.withheld, finished_at: f.at, updated_at: f.at })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
