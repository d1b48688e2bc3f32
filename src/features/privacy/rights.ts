/**
 * The rights the shop answers, and its clock for each: the one declaration that the privacy
 * policy, the "Your privacy rights" form and the handling of requests all read, so what the
 * policy promises is what the shop does. UK GDPR Articles 12–21; complaints from 19 June 2026.
 */

/** The statutory clock, in the units the law uses. */
export const RIGHTS_CLOCK = {
  /** An answer is due one calendar month after the identity check. */
  answerMonths: 1,
  /** A complex or numerous request may take up to two more months, if the person is told within the first. */
  extensionMonths: 2,
  /** A complaint is acknowledged within 30 days of receipt. */
  complaintAcknowledgeDays: 30,
  /** A confirmation link (the identity check) works for 24 hours. */
  confirmationHours: 24,
  /** The link to the copy that answers an access request works for 7 days. */
  answerLinkDays: 7,
} as const;

export interface RightDeclaration {
  /** The kind of request that exercises it; portability is answered by the copy an access request gives. */
  kind: 'access' | 'portability' | 'rectification' | 'erasure' | 'objection' | 'restriction' | 'complaint';
  name: string;
  /** What the shop does, in a sentence. */
  what: string;
  /** Where to do it online, when it can be done at once. */
  online: { href: string; text: string }[];
  /** When it is done by. */
  deadline: string;
}

const month = `within one month of confirming your request (by up to ${RIGHTS_CLOCK.extensionMonths} more months for a complex one, and we tell you so within the first month)`;

export const RIGHTS: RightDeclaration[] = [
  {
    kind: 'access',
    name: 'Access',
    what: 'A copy of everything we hold about you — account, addresses, orders, your choices and their history, e-mails we keep, who at the shop looked at your data — to read, and as a file you can keep. Free.',
    online: [{ href: '/account/privacy/copy', text: 'Account Home › Privacy › Download my data' }],
    deadline: `At once in Account Home; otherwise ${month}. The copy is sent as a link that works for ${RIGHTS_CLOCK.answerLinkDays} days`,
  },
  {
    kind: 'portability',
    name: 'Portability',
    what: 'The data you gave us in a machine-readable form (JSON, and CSV for orders) that you can take to another shop.',
    online: [{ href: '/account/privacy/copy', text: 'the same download, as a zip file' }],
    deadline: 'As for access',
  },
  {
    kind: 'rectification',
    name: 'Correction',
    what: 'We correct or complete anything inaccurate, and pass the correction on to any partner who received your data.',
    online: [{ href: '/account/details', text: 'Account Home › Your details and Addresses' }],
    deadline: `At once in Account Home; otherwise ${month}`,
  },
  {
    kind: 'erasure',
    name: 'Erasure',
    what: 'We delete your data everywhere we hold it, except what the law makes us keep (below), and tell you by e-mail what we kept, why and until when.',
    online: [{ href: '/account/privacy/delete', text: 'Account Home › Privacy › Delete my account' }],
    deadline: `At once in Account Home; otherwise ${month}. An order still on its way, or in its returns window, is finished first and erased after`,
  },
  {
    kind: 'objection',
    name: 'Objection',
    what: 'Object to marketing (we stop at once, for good), to feedback requests, to sharing with partners, or to being counted in our visitor statistics.',
    online: [
      { href: '/account/newsletter', text: 'Account Home › Newsletter Subscription, or the unsubscribe link in every marketing e-mail' },
    ],
    deadline: `Marketing: at once. Anything else: ${month}`,
  },
  {
    kind: 'restriction',
    name: 'Restriction',
    what: 'We keep your data but stop using it for anything but the legal minimum: an order you placed is still delivered.',
    online: [],
    deadline: month,
  },
  {
    kind: 'complaint',
    name: 'Complaint',
    what: 'Tell us if you are unhappy with how we handled your data. You may also complain to the Information Commissioner’s Office (ico.org.uk, 0303 123 1113).',
    online: [],
    deadline: `We acknowledge it within ${RIGHTS_CLOCK.complaintAcknowledgeDays} days and answer ${month}`,
  },
];
