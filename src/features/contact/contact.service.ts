import { z } from 'zod';
import { type SubjectHandlers, emailsOf, exportOf, reportOf } from '../privacy/inventory.js';
import { type Db, inTransaction } from '../../db/database.js';
import { type AuditActor, auditedRead, entryBy } from '../audit/audit.service.js';
import { enqueueMail } from '../mail/outbox.service.js';
import { CONTACT_RETENTION } from './contact.inventory.js';
import { type ContactInbox, enquiryForwardingMail } from './contact.mail.js';
import {
  countContactMessagesSince,
  deleteContactMessagesBefore,
  deleteContactMessagesFrom,
  findContactMessage,
  findContactMessagesFrom,
  insertContactMessage,
  findEveryEnquirer,
} from './contact.repository.js';

export const contactSchema = z.object({
  name: z
    .string({ message: 'Please tell us your name.' })
    .trim()
    .min(1, 'Please tell us your name.')
    .max(100, 'Please keep your name under 100 characters.'),
  email: z
    .string({ message: 'Please give an e-mail address so that we can reply.' })
    .trim()
    .min(1, 'Please give an e-mail address so that we can reply.')
    .max(254, 'That e-mail address is too long.')
    .pipe(z.email({ message: 'Please check your e-mail address — it should look like name@example.co.uk.' })),
  subject: z.enum(['order', 'product', 'repair', 'privacy', 'other'], { message: 'Please choose what your message is about.' }),
  message: z
    .string({ message: 'Please write your message.' })
    .trim()
    .min(1, 'Please write your message.')
    .max(5000, 'Please keep your message under 5,000 characters.'),
});
export type ContactInput = z.infer<typeof contactSchema>;

export const SUBJECTS: Record<ContactInput['subject'], string> = {
  order: 'An order',
  product: 'A piece or a commission',
  repair: 'Repairs, resizing or care',
  privacy: 'My personal data',
  other: 'Something else',
};

export type ContactResult = { ok: true; id: number } | { ok: false; errors: Partial<Record<keyof ContactInput, string>> };

export function validateContact(
  input: unknown,
): { ok: true; value: ContactInput } | { ok: false; errors: Partial<Record<keyof ContactInput, string>> } {
  const r = contactSchema.safeParse(input);
  if (r.success) return { ok: true, value: r.data };
  const errors: Partial<Record<keyof ContactInput, string>> = {};
  for (const issue of r.error.issues) {
    const key = issue.path[0] as keyof ContactInput;
    errors[key] ??= issue.message;
  }
  return { ok: false, errors };
}

/**
 * Stores the enquiry and, in the same transaction, queues its forwarding e-mail to the shop's
 * inbox in the outbox. Nothing waits on a mail server here: the outbox worker sends the e-mail and
 * retries it while the server refuses, so the sender is thanked whatever the server does.
 */
export async function receiveContactMessage(db: Db, inbox: ContactInbox, input: ContactInput, now: Date): Promise<{ id: number }> {
  return inTransaction(db, async (trx) => {
    const id = await insertContactMessage(trx, { ...input, createdAt: now.toISOString() });
    const mail = enquiryForwardingMail(inbox, { id, ...input, about: SUBJECTS[input.subject] });
    await enqueueMail(
      trx,
      { kind: 'contact-enquiry', reference: `enquiry-${id}`, to: inbox.email, replyTo: input.email, ...mail },
      now,
      inbox.messageDomain,
    );
    return { id };
  });
}

/** Retention: enquiries older than the published period are deleted. */
export async function eraseExpiredContactMessages(db: Db, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - CONTACT_RETENTION.days * 86_400_000).toISOString();
  return deleteContactMessagesBefore(db, cutoff);
}

/** An enquiry as staff open it: the look is recorded in the audit trail, in the transaction that reads it. */
export function openEnquiry(db: Db, id: number, actor: AuditActor, now: Date) {
  return auditedRead(
    db,
    now,
    (trx) => findContactMessage(trx, id),
    (m) => (m ? entryBy(actor, { action: 'view', subject: { type: 'contact_message', id }, fields: ['name', 'email', 'message'] }) : null),
  );
}

export const contactSubjects: SubjectHandlers = {
  /** The enquiries the person sent, from any of their addresses. */
  async exportSubject(trx, person) {
    return exportOf({ contact_messages: await findContactMessagesFrom(trx, emailsOf(person)) });
  },

  /** Deletes the person's enquiries; the copies forwarded through the outbox are the mail feature's to erase. */
  async eraseSubject(trx, person) {
    return reportOf({ contact_messages: await deleteContactMessagesFrom(trx, emailsOf(person)) });
  },

  /** Everyone who sent an enquiry, by address. */
  async knownPeople(trx) {
    return (await findEveryEnquirer(trx)).map((email) => ({ email, customerId: null, staffId: null }));
  },
};

/** Enquiries received since this instant: the dashboard's figure. */
export function countEnquiriesSince(db: Db, since: Date): Promise<number> {
  return countContactMessagesSince(db, since.toISOString());
}
