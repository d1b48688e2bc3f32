import type { FastifyInstance } from 'fastify';

/**
 * Tells the shop's owners (every staff member with the owner role) that a backup failed, or that
 * none has succeeded within BACKUP_OVERDUE_HOURS, through the outbox; at most once per day per
 * kind of alert, so a failing schedule does not flood them.
 */
export async function alertOwners(
  _app: FastifyInstance,
  _alert: { kind: 'failed' | 'overdue' | 'drill failed'; detail: string },
  _now: Date,
): Promise<number> {
  throw new Error('being built');
}
