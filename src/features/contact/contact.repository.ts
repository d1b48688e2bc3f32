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

/** The enquiries sent from any of these addresses (given in lower case). */
export function findContactMessagesFrom(db: Db, emails: string[]) {
  if (emails.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('contact_messages')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['email']), 'in', emails))
    .orderBy('id')
    .execute();
}

export async function deleteContactMessagesFrom(db: Db, emails: string[]): Promise<number> {
  if (emails.length === 0) return 0;
  const r = await db
    .deleteFrom('contact_messages')
    .where((eb) => eb(eb.fn('lower', ['email']), 'in', emails))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Enquiries received at or after this instant. */
export async function countContactMessagesSince(db: Db, since: string): Promise<number> {
  const r = await db
    .selectFrom('contact_messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('created_at', '>=', since)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Every address an enquiry came from, each once, for the erasure journal's re-apply. */
export async function findEveryEnquirer(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('contact_messages').select('email').distinct().execute();
  return rows.map((r) => r.email);
}
