import type { FeatureInventory, Retention } from '../privacy/inventory.js';

/** A sent e-mail is kept for a month, long enough to answer "did you send my confirmation?". */
export const SENT_MAIL_RETENTION_DAYS = 30;
/** An e-mail that could not be delivered is kept longer, so that the shop can find out why and contact you another way. */
export const FAILED_MAIL_RETENTION_DAYS = 90;

export const MAIL_RETENTION: Retention = {
  text: `${SENT_MAIL_RETENTION_DAYS} days after it is sent, or ${FAILED_MAIL_RETENTION_DAYS} days after we stop trying to deliver it, then deleted`,
  days: FAILED_MAIL_RETENTION_DAYS,
};

const outbox = {
  table: 'mail_outbox',
  purpose: 'To send you service e-mails about your orders and your account (confirmation links, password resets, notices of changes)',
  lawfulBasis: 'contract',
  retention: MAIL_RETENTION,
  recipients: ["Our e-mail delivery provider, the SMTP service that carries the shop's e-mail to your inbox"],
} as const;

/**
 * An enquiry from the contact form is forwarded to the shop's own inbox through the same outbox:
 * the copy waiting there (and kept after sending) is declared apart, with the enquiry's purpose
 * and lawful basis.
 */
const forwardedEnquiry = {
  table: 'mail_outbox',
  purpose: 'To forward your contact-form enquiry to our own e-mail inbox, so that we can answer it',
  lawfulBasis: 'legitimate-interests',
  retention: MAIL_RETENTION,
  recipients: [
    "Our e-mail delivery provider, the SMTP service that carries the shop's e-mail",
    "The shop's own e-mail inbox",
    'Our customer service staff',
  ],
} as const;

export const mailInventory: FeatureInventory = {
  feature: 'mail',
  personal: [
    {
      ...outbox,
      recipients: [...outbox.recipients],
      column: 'to_address',
      category: 'contact',
      label: 'The e-mail address we send order and account e-mails to',
    },
    {
      ...outbox,
      recipients: [...outbox.recipients],
      column: 'reference',
      category: 'order',
      label: 'Which order, account or enquiry each e-mail is about',
    },
    {
      ...outbox,
      recipients: [...outbox.recipients],
      column: 'subject',
      category: 'communication',
      label: 'The subject line of each order or account e-mail',
    },
    {
      ...outbox,
      recipients: [...outbox.recipients],
      column: 'text_body',
      category: 'communication',
      label: 'The text of each order or account e-mail (your name, and for orders your address and what you ordered)',
    },
    {
      ...outbox,
      recipients: [...outbox.recipients],
      column: 'html_body',
      category: 'communication',
      label: 'The same e-mail as a formatted (HTML) version',
    },
    {
      ...forwardedEnquiry,
      recipients: [...forwardedEnquiry.recipients],
      column: 'reply_to',
      category: 'contact',
      label: 'Your e-mail address, so that an answer to your forwarded enquiry comes straight back to you',
    },
    {
      ...forwardedEnquiry,
      recipients: [...forwardedEnquiry.recipients],
      column: 'text_body',
      category: 'communication',
      label: 'A copy of your contact-form enquiry (your name, e-mail address, what it is about and your message), sent on to our inbox',
    },
    {
      ...forwardedEnquiry,
      recipients: [...forwardedEnquiry.recipients],
      column: 'html_body',
      category: 'communication',
      label: 'The same copy of your enquiry as a formatted (HTML) version',
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
