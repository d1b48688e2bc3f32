import type { FastifyInstance } from 'fastify';
import { inTransaction } from '../../db/database.js';
import { plainMail } from '../mail/mail.layout.js';
import { countMailByReference, enqueueMail, messageIdDomain } from '../mail/outbox.service.js';
import { activeOwners } from '../staff/staff.directory.js';

/**
 * Tells the shop's owners (every staff member with the owner role) that a backup failed, or that
 * none has succeeded within BACKUP_OVERDUE_HOURS, through the outbox; at most once per day per
 * kind of alert, so a failing schedule does not flood them.
 *
 * "Once a day" is held by the outbox itself: each alert carries the reference
 * `backup-alert-<kind>-<UTC day>`, and one already queued (or sent) under it today means no other.
 * The e-mail names no customer: `detail` is the run's error in words (backup.service's
 * safeErrorText) or counts.
 */
export const BACKUP_ALERT_MAIL_KIND = 'backup-alert';

export type BackupAlertKind = 'failed' | 'overdue' | 'drill failed';

const SUBJECTS: Record<BackupAlertKind, (shop: string) => string> = {
  failed: (shop) => `${shop}: the backup failed`,
  overdue: (shop) => `${shop}: no backup has succeeded recently`,
  'drill failed': (shop) => `${shop}: the restore drill failed`,
};

const ADVICE: Record<BackupAlertKind, string> = {
  failed:
    'The shop tried to back itself up and could not. Check that the backup repository (BACKUP_REPOSITORY) can be reached and that BACKUP_PASSWORD is right, then press "Back up now" in the back office (Backups) or run npm run backup.',
  overdue:
    'No backup has succeeded for more than a day. Until one does, orders and accounts written since the last backup exist in one place only. Open Backups in the back office to see what went wrong and press "Back up now".',
  'drill failed':
    'The restore drill restores the newest backup into a scratch database and compares it with the live one. It did not pass, so a restore may not bring back the shop as it is. Open Backups in the back office for the tables that differ, or run npm run backup:drill.',
};

export function alertReference(kind: BackupAlertKind, now: Date): string {
  return `backup-alert-${kind.replace(' ', '-')}-${now.toISOString().slice(0, 10)}`;
}

/** Queues the alert to each active owner; returns how many were queued (0 when one was already sent today, or there is no owner). */
export async function alertOwners(
  app: FastifyInstance,
  alert: { kind: 'failed' | 'overdue' | 'drill failed'; detail: string },
  now: Date,
): Promise<number> {
  const reference = alertReference(alert.kind, now);
  const shop = { shopName: app.config.shop.name, shopEmail: app.config.shop.email };
  const subject = SUBJECTS[alert.kind](shop.shopName);
  const { text, html } = plainMail(shop, subject, [
    'Hello,',
    ADVICE[alert.kind],
    `What happened: ${alert.detail}`,
    'You are sent this as an owner of the shop, at most once a day for each kind of backup alert.',
  ]);
  return inTransaction(app.db, async (trx) => {
    const already = await countMailByReference(trx, reference);
    if (already.waiting + already.sent + already.failed + already.withheld > 0) return 0;
    const owners = await activeOwners(trx);
    for (const owner of owners) {
      await enqueueMail(
        trx,
        { kind: BACKUP_ALERT_MAIL_KIND, reference, to: owner.email, subject, text, html },
        now,
        messageIdDomain(app.config.publicUrl),
      );
    }
    return owners.length;
  });
}
