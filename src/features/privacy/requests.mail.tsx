import type { FastifyInstance } from 'fastify';
import { plainMail } from '../mail/mail.layout.js';
import { messageIdDomain } from '../mail/outbox.service.js';
import { ANSWER_LINK_DAYS, CONFIRMATION_HOURS, KIND_TEXT, type RequestKind, dateForPeople } from './requests.domain.js';

/** The e-mails of a privacy request. None names the person or repeats what they asked: the reference does. */

export interface RequestMailContext {
  shopName: string;
  shopEmail: string;
  publicUrl: string;
  /** The host name Message-IDs are made with. */
  domain: string;
}

/** The mail context of a request's e-mails, from the app's config. */
export function requestMailContext(app: FastifyInstance): RequestMailContext {
  return {
    shopName: app.config.shop.name,
    shopEmail: app.config.shop.email,
    publicUrl: app.config.publicUrl,
    domain: messageIdDomain(app.config.publicUrl),
  };
}

type Mail = { subject: string; text: string; html: string };

const kindWords = (kind: RequestKind) => KIND_TEXT[kind].replace(/^A /, 'a ').replace(/^([A-Z])/, (c) => c.toLowerCase());

export function confirmRequestMail(m: RequestMailContext, r: { reference: string; kind: RequestKind }, token: string): Mail {
  return plainMail(
    m,
    `Please confirm your privacy request ${r.reference}`,
    [
      `We have received a privacy request (${kindWords(r.kind)}) made with this e-mail address, reference ${r.reference}.`,
      `To check it is really you, please open the link below and press Confirm. The link works for ${CONFIRMATION_HOURS} hours; we start work, and the one-month clock starts, when you confirm.`,
      'If you did not ask for this, ignore this e-mail: nothing will happen, and the request lapses.',
    ],
    { link: { href: `${m.publicUrl}/privacy/rights/confirm?token=${encodeURIComponent(token)}`, label: 'Confirm my request' } },
  );
}

export function answerLinkMail(m: RequestMailContext, r: { reference: string }, token: string): Mail {
  return plainMail(
    m,
    `Your copy of your data (${r.reference})`,
    [
      `Here is the answer to your request ${r.reference}: a copy of the data we hold about you.`,
      `The link below opens it, and lets you download it as a zip file. It works for ${ANSWER_LINK_DAYS} days and only for you: please do not pass it on.`,
      `If you have questions, reply to ${m.shopEmail}.`,
    ],
    { link: { href: `${m.publicUrl}/privacy/requests/answer?token=${encodeURIComponent(token)}`, label: 'See my data' } },
  );
}

export function extensionMail(m: RequestMailContext, r: { reference: string }, reason: string, newDue: string): Mail {
  return plainMail(m, `We need more time for your request ${r.reference}`, [
    `We are sorry: we need more time to answer your privacy request ${r.reference}, as the law allows when a request is complex or one of several.`,
    `The reason: ${reason}`,
    `We will answer by ${dateForPeople(newDue)} at the latest.`,
    'If you are unhappy with this, you can complain to the Information Commissioner’s Office (ico.org.uk, 0303 123 1113).',
  ]);
}

export function refusalMail(m: RequestMailContext, r: { reference: string }, reason: string): Mail {
  return plainMail(m, `Your privacy request ${r.reference}`, [
    `We have looked at your privacy request ${r.reference} and we cannot act on it.`,
    `The reason: ${reason}`,
    'You have the right to complain to the Information Commissioner’s Office (ico.org.uk, 0303 123 1113), and to ask a court to enforce your rights.',
    `If you think we have misunderstood, reply to ${m.shopEmail}.`,
  ]);
}

export function acknowledgementMail(m: RequestMailContext, r: { reference: string }): Mail {
  return plainMail(m, `We have received your complaint ${r.reference}`, [
    `Thank you for telling us. We have received your complaint about how we handled your data, reference ${r.reference}, and we are looking into it.`,
    'We will write to you with what we found and what we are doing about it.',
    'You can also complain to the Information Commissioner’s Office (ico.org.uk, 0303 123 1113).',
  ]);
}

export function completedMail(m: RequestMailContext, r: { reference: string; kind: RequestKind }): Mail {
  return plainMail(m, `Your privacy request ${r.reference} is done`, [
    `We have completed your privacy request ${r.reference} (${kindWords(r.kind)}).`,
    `If anything is not as you expected, reply to ${m.shopEmail}. You can also complain to the Information Commissioner’s Office (ico.org.uk).`,
  ]);
}

/** The owner's morning digest: references, kinds and dates only. */
export function digestMail(
  m: RequestMailContext,
  lines: { reference: string; kind: RequestKind; due: string; overdue: boolean }[],
  complaints: { reference: string; by: string }[],
): Mail {
  const overdue = lines.filter((l) => l.overdue);
  const soon = lines.filter((l) => !l.overdue);
  const line = (l: { reference: string; kind: RequestKind; due: string }) =>
    `${l.reference} — ${KIND_TEXT[l.kind]} — due ${dateForPeople(l.due)}`;
  return plainMail(
    m,
    `Privacy requests: ${overdue.length} overdue, ${soon.length} due soon`,
    [
      ...(overdue.length > 0 ? ['Overdue:', ...overdue.map(line)] : []),
      ...(soon.length > 0 ? ['Due within 7 days:', ...soon.map(line)] : []),
      ...(complaints.length > 0
        ? ['Complaints to acknowledge:', ...complaints.map((c) => `${c.reference} — acknowledge by ${dateForPeople(c.by)}`)]
        : []),
    ],
    { link: { href: `${m.publicUrl}/admin/privacy-requests`, label: 'Open the privacy requests' } },
  );
}
