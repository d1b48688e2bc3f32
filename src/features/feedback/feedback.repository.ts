import type { Selectable } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { Database } from '../../db/schema.js';

export type FeedbackAnswerRow = Selectable<Database['feedback_answers']>;

export async function insertFeedbackAnswer(
  db: Executor,
  answer: { rating: number | null; comments: string; created_at: string },
): Promise<number> {
  const r = await db.insertInto('feedback_answers').values(answer).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

/** The newest answers first, one page. */
export function listFeedbackAnswers(db: Executor, limit: number, offset: number): Promise<FeedbackAnswerRow[]> {
  return db
    .selectFrom('feedback_answers')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countFeedbackAnswers(db: Executor): Promise<number> {
  const r = await db
    .selectFrom('feedback_answers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function deleteFeedbackAnswersBefore(db: Executor, cutoff: string): Promise<number> {
  const r = await db.deleteFrom('feedback_answers').where('created_at', '<', cutoff).executeTakeFirst();
  return Number(r.numDeletedRows);
}
