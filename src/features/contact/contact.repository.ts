import type { Db } from '../../db/database.js';

export async function insertContactMessage(
  db: Db,
  m: { name: string; email: string; subject: string; message: string; createdAt: string },
): Promise<number> {
  const r = await db
    .insertInto('contact_messages')
    .values({ name: m.name, email: m.email, subject: m.subject, message: m.message, created_at: m.createdAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function deleteContactMessagesBefore(db: Db, cutoff: string): Promise<number> {
  const r = await db.deleteFrom('contact_messages').where('created_at', '<', cutoff).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function countContactMessages(db: Db): Promise<number> {
  const r = await db
    .selectFrom('contact_messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** The enquiry list shows no personal data: only what each is about and when it came. */
export function listContactMessageHeaders(db: Db, limit: number, offset: number) {
  return db
    .selectFrom('contact_messages')
    .select(['id', 'subject', 'created_at'])
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

export function findContactMessage(db: Db, id: number) {
  return db.selectFrom('contact_messages').selectAll().where('id', '=', id).executeTakeFirst();
}
