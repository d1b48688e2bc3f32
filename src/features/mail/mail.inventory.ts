import type { FeatureInventory, Retention, SubjectKind } from '../privacy/inventory.js';

/** A sent e-mail is kept for a month, long enough to answer "did you send my confirmation?". */
export const SENT_MAIL_RETENTION_DAYS = 30;
/** An e-mail that could not be delivered is kept longer, so that the shop can find out why and contact you another way. */
export const FAILED_MAIL_RETENTION_DAYS = 90;

/** One rule with two clocks: the job deletes a sent e-mail after the first period and an undeliverable one after the second. */
export const MAIL_RETENTION = {
  kind: 'period',
  days: SENT_MAIL_RETENTION_DAYS,
  from: `the e-mail is sent (an e-mail we could not deliver: ${FAILED_MAIL_RETENTION_DAYS} days from when we stop trying)`,
  text: `${SENT_MAIL_RETENTION_DAYS} days after it is sent, or ${FAILED_MAIL_RETENTION_DAYS} days after we stop trying to deliver it, then deleted`,
  job: 'mail.retention',
} as const satisfies Retention;

/** Whose e-mail a row is: a customer's or buyer's, an enquirer's forwarded to the shop, or a staff member's security notice. */
const buyers: SubjectKind[] = ['customer', 'guest-buyer'];

const outbox = {
  table: 'mail_outbox',
  erasure: { action: 'delete' },
  purpose:
    'To send you service e-mails about your orders and your account (confirmation links, password resets, notices of changes to our privacy policy or of a new owner of the shop)',
  lawfulBasis: 'contract',
  retention: MAIL_RETENTION,
  recipients: ["Our e-mail delivery provider, the SMTP service that carries the shop's e-mail to your inbox"],
} as const;

/**
 * A notice of a personal-data breach that may put someone at high risk (UK GDPR Art. 34), queued
 * by the breach register through the same outbox: declared apart for its purpose and basis.
 */
const breachNotice = {
  table: 'mail_outbox',
  erasure: { action: 'delete' },
  purpose: 'To tell you, as the law requires, about a breach of your data that may put you at high risk, and what to do',
  lawfulBasis: 'legal-obligation',
  retention: MAIL_RETENTION,
  recipients: ["Our e-mail delivery provider, the SMTP service that carries the shop's e-mail"],
} as const;

/**
 * An enquiry from the contact form is forwarded to the shop's own inbox through the same outbox:
 * the copy waiting there (and kept after sending) is declared apart, with the enquiry's purpose
 * and lawful basis.
 */
const forwardedEnquiry = {
  table: 'mail_outbox',
  erasure: { action: 'delete' },
  purpose: 'To forward your contact-form enquiry to our own e-mail inbox, so that we can answer it',
  lawfulBasis: 'legitimate-interests',
  retention: MAIL_RETENTION,
  recipients: [
    "Our e-mail delivery provider, the SMTP service that carries the shop's e-mail",
    "The shop's own e-mail inbox",
    'Our customer service staff',
  ],
} as const;

/**
 * A staff member's security notices (a sign-in from a new network, a lockout, a set-up link, two-factor
 * changes) and the owners' daily audit anchor go through the same outbox to their work address: staff
 * data, declared apart so that the policy files it with the staff's.
 */
const staffNotice = {
  table: 'mail_outbox',
  purpose: 'To tell staff members about sign-ins and changes to their back-office account, so that misuse is noticed at once',
  lawfulBasis: 'legitimate-interests',
  retention: MAIL_RETENTION,
  erasure: { action: 'delete' },
  recipients: ["Our e-mail delivery provider, the SMTP service that carries the shop's e-mail"],
  subjects: ['staff-member'],
} as const;

export const mailInventory: FeatureInventory = {
  feature: 'mail',
  subjects: [
    {
      subject: 'customer',
      table: 'mail_outbox',
      column: 'to_address',
      how: 'Order and account e-mails, by the address they are sent to (compared without regard to capitals)',
    },
    { subject: 'guest-buyer', table: 'mail_outbox', column: 'to_address', how: 'Order e-mails, by the address they are sent to' },
    { subject: 'enquirer', table: 'mail_outbox', column: 'reply_to', how: "Enquiries forwarded to the shop, by the sender's address" },
    {
      subject: 'staff-member',
      table: 'mail_outbox',
      column: 'reference',
      how: "Security notices, by their reference staff-<id>; the audit anchor, by the owner's work address",
    },
  ],
  tables: [{ table: 'mail_outbox', linkedBy: ['to_address', 'reply_to', 'reference'], rows: 'delete' }],
  personal: [
    {
      ...outbox,
      recipients: [...outbox.recipients],
      subjects: buyers,
      column: 'to_address',
      category: 'contact',
      label: 'The e-mail address we send order and account e-mails to',
    },
    {
      ...outbox,
      recipients: [...outbox.recipients],
      subjects: buyers,
      column: 'reference',
      category: 'order',
      label: 'Which order, account or enquiry each e-mail is about',
    },
    {
      ...outbox,
      recipients: [...outbox.recipients],
      subjects: buyers,
      column: 'subject',
      category: 'communication',
      label: 'The subject line of each order or account e-mail',
    },
    {
      ...outbox,
      recipients: [...outbox.recipients],
      subjects: buyers,
      column: 'text_body',
      category: 'communication',
      label: 'The text of each order or account e-mail (your name, and for orders your address and what you ordered)',
    },
    {
      ...outbox,
      recipients: [...outbox.recipients],
      subjects: buyers,
      column: 'html_body',
      category: 'communication',
      label: 'The same e-mail as a formatted (HTML) version',
    },
    {
      ...breachNotice,
      recipients: [...breachNotice.recipients],
      subjects: buyers,
      column: 'to_address',
      category: 'contact',
      label: 'The e-mail address we send a breach notice to',
    },
    {
      ...breachNotice,
      recipients: [...breachNotice.recipients],
      subjects: buyers,
      column: 'text_body',
      category: 'communication',
      label: 'The breach notice: what happened, its likely effects on you, what we are doing and what you can do',
    },
    {
      ...forwardedEnquiry,
      recipients: [...forwardedEnquiry.recipients],
      subjects: ['enquirer'],
      column: 'reply_to',
      category: 'contact',
      label: 'Your e-mail address, so that an answer to your forwarded enquiry comes straight back to you',
    },
    {
      ...forwardedEnquiry,
      recipients: [...forwardedEnquiry.recipients],
      subjects: ['enquirer'],
      column: 'text_body',
      category: 'communication',
      label: 'A copy of your contact-form enquiry (your name, e-mail address, what it is about and your message), sent on to our inbox',
    },
    {
      ...forwardedEnquiry,
      recipients: [...forwardedEnquiry.recipients],
      subjects: ['enquirer'],
      column: 'html_body',
      category: 'communication',
      label: 'The same copy of your enquiry as a formatted (HTML) version',
    },
    {
      ...staffNotice,
      recipients: [...staffNotice.recipients],
      subjects: [...staffNotice.subjects],
      column: 'to_address',
      category: 'contact',
      label: "A staff member's work e-mail address, where we send notices about their back-office account",
    },
    {
      ...staffNotice,
      recipients: [...staffNotice.recipients],
      subjects: [...staffNotice.subjects],
      column: 'text_body',
      category: 'communication',
      label:
        "Each security notice to a staff member (a sign-in from a new network, a lockout, a set-up link, a change to two-factor sign-in) and the owners' daily audit-trail anchor, as text and as HTML",
    },
  ],
  notPersonal: [
    {
      table: 'mail_outbox',
      column: 'message_id',
      reason: 'A random identifier the shop gives each e-mail, so that a resent copy can be recognised; it says nothing about you.',
    },
  ],
  cookies: [],
  transient: [],
};
