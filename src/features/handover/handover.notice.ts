import { z } from 'zod';
import { type Db, inTransaction } from '../../db/database.js';
import { type AuditActor, recordAudit } from '../audit/audit.service.js';
import { accountHoldersPage, countAccountHolders } from '../customers/customers.handover.js';
import { plainMail } from '../mail/mail.layout.js';
import { enqueueMail } from '../mail/outbox.service.js';

/**
 * The service e-mail that tells customers the business has changed hands: who the new owner is and
 * from when, that their data goes with the shop for the same purposes, and that they may object.
 * Transactional (it is about their data, not marketing), through the outbox, to every account
 * holder, queued in batches of NOTICE_BATCH, each batch its own transaction. Guest buyers are not
 * written to: the shop keeps their address only for their order, not to write to them about
 * anything else.
 */

export const NOTICE_BATCH = 500;
export const NOTICE_KIND = 'business-transfer';

export interface NoticeDetails {
  newOwner: string;
  /** The day the business passes to the new owner, YYYY-MM-DD. */
  transferDate: string;
}

export const noticeSchema = z.object({
  newOwner: z
    .string({ message: 'Please enter the name of the new owner.' })
    .trim()
    .min(1, 'Please enter the name of the new owner.')
    .max(200, 'Please keep the name under 200 characters.'),
  transferDate: z
    .string({ message: 'Please enter the date the business changes hands.' })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Please enter the date as YYYY-MM-DD, for example 2027-01-31.')
    .refine((d) => !Number.isNaN(Date.parse(`${d}T12:00:00Z`)) && new Date(`${d}T12:00:00Z`).toISOString().startsWith(d), {
      message: 'That is not a real date. Please enter it as YYYY-MM-DD.',
    }),
});

export interface NoticeShop {
  shopName: string;
  shopEmail: string;
  messageDomain: string;
}

const dayText = (day: string) =>
  new Date(`${day}T12:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });

/** The e-mail, as the preview shows it and as it is sent (the same for everyone but the greeting). */
export function noticeMail(shop: NoticeShop, details: NoticeDetails, firstName = '') {
  const greeting = firstName.trim() ? `Dear ${firstName.trim()},` : 'Hello,';
  return plainMail(shop, `${shop.shopName} is changing hands`, [
    greeting,
    `We are writing to let you know that ${shop.shopName} is being sold. From ${dayText(details.transferDate)} the shop will be owned and run by ${details.newOwner}.`,
    `Your account, your saved addresses, your order history and your marketing choices pass to ${details.newOwner} with the shop. They will use them only for the same purposes as we did, as our privacy policy describes, and will keep honouring any choice you have made not to receive marketing.`,
    `Your password does not pass to them: to sign in to the shop after that date, choose a new one with "Forgotten your password?" on the sign-in page.`,
    `If you would rather your account did not pass to ${details.newOwner}, you can delete it from Account Home before that date, or reply to this e-mail (${shop.shopEmail}) and we will do it for you.`,
    'Thank you for shopping with us.',
  ]);
}

export async function accountHolderCount(db: Db): Promise<number> {
  return countAccountHolders(db);
}

/**
 * Queues the notice to every account holder, NOTICE_BATCH at a time, and records it in the audit
 * trail (the new owner's name and the date; how many were written to, never who).
 */
export async function sendNotice(
  db: Db,
  shop: NoticeShop,
  details: NoticeDetails,
  actor: AuditActor,
  now: Date,
): Promise<{ queued: number }> {
  const reference = `handover-${details.transferDate}`;
  let after = 0;
  let queued = 0;
  for (;;) {
    const page = await accountHoldersPage(db, after, NOTICE_BATCH);
    if (page.length === 0) break;
    await inTransaction(db, async (trx) => {
      for (const holder of page) {
        const mail = noticeMail(shop, details, holder.firstName);
        await enqueueMail(trx, { kind: NOTICE_KIND, reference, to: holder.email, ...mail }, now, shop.messageDomain);
      }
    });
    queued += page.length;
    after = page.at(-1)!.id;
    if (page.length < NOTICE_BATCH) break;
  }
  await recordAudit(
    db,
    {
      actor: { staffId: actor.staffId, role: actor.role },
      action: 'create',
      subject: { type: 'handover-notice', id: details.transferDate },
      fields: ['email'],
      reason: `Notice that the business passes to ${details.newOwner} on ${details.transferDate}, queued to ${queued} account holders`,
      network: actor.network ?? null,
    },
    now,
  );
  return { queued };
}
