import { z } from 'zod';
import { type Db, inTransaction } from '../../db/database.js';
import { type AuditActor, browseAudit, recordAudit } from '../audit/audit.service.js';
import { accountHolderAddresses, accountHoldersPage, countAccountHolders } from '../customers/customers.handover.js';
import { type GuestBuyer, guestBuyersPage } from '../orders/orders.handover.js';
import { plainMail } from '../mail/mail.layout.js';
import { enqueueMail } from '../mail/outbox.service.js';

/**
 * The service e-mail that tells customers the business has changed hands: who the new owner is and
 * from when, that their data goes with the shop for the same purposes, and that they may object.
 * Transactional (it is about their data, not marketing), through the outbox, to every account
 * holder and to every guest buyer whose details the export holds (their orders pass to the new
 * owner too, so they are told as well: once per address, compared case-insensitively, and not at
 * all when the address is an account holder's, who is told as such; not when the order's details
 * were anonymised, as the shop no longer holds the address). Queued in batches of NOTICE_BATCH,
 * each batch its own transaction. Sent once: a second send is refused unless asked for.
 */

export const NOTICE_BATCH = 500;
export const NOTICE_KIND = 'business-transfer';
const NOTICE_SUBJECT = 'handover-notice';

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

/**
 * The e-mail, as the preview shows it and as it is sent (the same for everyone but the greeting):
 * to an account holder, or to a guest buyer, who has no account or password, only orders.
 */
export function noticeMail(shop: NoticeShop, details: NoticeDetails, firstName = '', to: 'account' | 'guest' = 'account') {
  const greeting = firstName.trim() ? `Dear ${firstName.trim()},` : 'Hello,';
  const sold = `We are writing to let you know that ${shop.shopName} is being sold. From ${dayText(details.transferDate)} the shop will be owned and run by ${details.newOwner}.`;
  const thanks = 'Thank you for shopping with us.';
  if (to === 'guest')
    return plainMail(shop, `${shop.shopName} is changing hands`, [
      greeting,
      sold,
      `The details of the orders you placed with us (your name, e-mail address, phone number, the addresses and what you bought) pass to ${details.newOwner} with the shop. They will use them only for the same purposes as we did, as our privacy policy describes: to look after those orders, their returns and the shop's accounts.`,
      `If you would rather your details did not pass to ${details.newOwner}, reply to this e-mail (${shop.shopEmail}) before that date and we will remove them, keeping only what the law makes us keep for the shop's accounts.`,
      thanks,
    ]);
  return plainMail(shop, `${shop.shopName} is changing hands`, [
    greeting,
    sold,
    `Your account, your saved addresses, your order history and your marketing choices pass to ${details.newOwner} with the shop. They will use them only for the same purposes as we did, as our privacy policy describes, and will keep honouring any choice you have made not to receive marketing.`,
    `Your password does not pass to them: to sign in to the shop after that date, choose a new one with "Forgotten your password?" on the sign-in page.`,
    `If you would rather your account did not pass to ${details.newOwner}, you can delete it from Account Home before that date, or reply to this e-mail (${shop.shopEmail}) and we will do it for you.`,
    thanks,
  ]);
}

export interface Recipients {
  accountHolders: number;
  guests: number;
}

/** Pages of `size` rows read in key order, each after the last key of the one before, until a short page. */
async function* pagesAfter<T, K>(
  read: (after: K, limit: number) => Promise<T[]>,
  first: K,
  keyOf: (row: T) => K,
  size: number,
): AsyncGenerator<T[]> {
  let after = first;
  for (;;) {
    const page = await read(after, size);
    if (page.length === 0) return;
    yield page;
    if (page.length < size) return;
    after = keyOf(page.at(-1)!);
  }
}

/** Guest buyers to write to, a batch at a time: account holders' addresses left out (they are written to as such). */
async function* guestBatches(db: Db, size: number): AsyncGenerator<GuestBuyer[]> {
  for await (const page of pagesAfter(
    (after: string, n) => guestBuyersPage(db, after, n),
    '',
    (g) => g.address,
    size,
  )) {
    const held = await accountHolderAddresses(
      db,
      page.map((g) => g.address),
    );
    const guests = page.filter((g) => !held.has(g.address));
    if (guests.length > 0) yield guests;
  }
}

/** How many the notice goes to: account holders, and guest buyers (each once). */
export async function noticeRecipients(db: Db): Promise<Recipients> {
  let guests = 0;
  for await (const batch of guestBatches(db, NOTICE_BATCH)) guests += batch.length;
  return { accountHolders: await countAccountHolders(db), guests };
}

export interface LastNotice {
  at: string;
  /** What the audit trail says of it: the new owner, the date and how many were written to. */
  reason: string;
  recipients: Recipients | null;
}

/** The last time the notice was sent, from the entry in the audit trail its sending wrote. */
export async function lastNotice(db: Db): Promise<LastNotice | null> {
  const { rows } = await browseAudit(db, { subjectType: NOTICE_SUBJECT, action: 'create' }, 1, 1);
  const row = rows[0];
  if (!row) return null;
  const reason = row.reason ?? '';
  const counts = /queued to (\d+) account holders(?: and (\d+) guest buyers)?/.exec(reason);
  return {
    at: row.at,
    reason,
    recipients: counts ? { accountHolders: Number(counts[1]), guests: Number(counts[2] ?? 0) } : null,
  };
}

/**
 * Queues the notice to every account holder and guest buyer, NOTICE_BATCH at a time, and records
 * it in the audit trail (the new owner's name and the date; how many were written to, never who).
 * Refused when it was sent before, unless `again` says the owner means to send it a second time.
 */
export async function sendNotice(
  db: Db,
  shop: NoticeShop,
  details: NoticeDetails,
  actor: AuditActor,
  now: Date,
  options: { again: boolean },
): Promise<({ ok: true } & Recipients) | { ok: false; reason: 'already_sent'; last: LastNotice }> {
  const last = await lastNotice(db);
  if (last && !options.again) return { ok: false, reason: 'already_sent', last };
  const reference = `handover-${details.transferDate}`;
  let queued = 0;
  for await (const page of pagesAfter(
    (after: number, n) => accountHoldersPage(db, after, n),
    0,
    (h) => h.id,
    NOTICE_BATCH,
  )) {
    await inTransaction(db, async (trx) => {
      for (const holder of page) {
        const mail = noticeMail(shop, details, holder.firstName);
        await enqueueMail(trx, { kind: NOTICE_KIND, reference, to: holder.email, ...mail }, now, shop.messageDomain);
      }
    });
    queued += page.length;
  }
  let guests = 0;
  for await (const batch of guestBatches(db, NOTICE_BATCH)) {
    await inTransaction(db, async (trx) => {
      for (const guest of batch) {
        const mail = noticeMail(shop, details, guest.firstName, 'guest');
        await enqueueMail(trx, { kind: NOTICE_KIND, reference, to: guest.email, ...mail }, now, shop.messageDomain);
      }
    });
    guests += batch.length;
  }
  await recordAudit(
    db,
    {
      actor: { staffId: actor.staffId, role: actor.role },
      action: 'create',
      subject: { type: NOTICE_SUBJECT, id: details.transferDate },
      fields: ['email'],
      reason: `Notice that the business passes to ${details.newOwner} on ${details.transferDate}, queued to ${queued} account holders and ${guests} guest buyers${last ? ' (sent again)' : ''}`,
      network: actor.network ?? null,
    },
    now,
  );
  return { ok: true, accountHolders: queued, guests };
}
