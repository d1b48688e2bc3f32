import type { FeatureInventory, Retention } from '../privacy/inventory.js';

/**
 * What people can consent to, and the words they are asked in. Every purpose the shop asks
 * consent for is declared here, once: the forms show these words, the ledger stores them (by
 * hash) as shown, the policy lists the purposes, and the outbox refuses marketing for a purpose
 * without a current consent to it.
 */

/** A purpose as the ledger and the outbox name it: one of the fixed purposes, or a purpose about one partner or one piece. */
export type PurposeKey = 'general-subscription' | 'feedback' | 'preferences-cookie' | `partner:${number}` | `stock-alert:${number}`;
export type PurposeFamily = 'general-subscription' | 'feedback' | 'preferences-cookie' | 'partner' | 'stock-alert';

export interface PurposeDeclaration {
  /** Its name, as people see it. */
  name: string;
  /** What it means, for the policy and Account Home. */
  what: string;
  /** How it is asked: an unticked box, or a sign-up confirmed from an e-mail. */
  asked: string;
}

export const CONSENT_PURPOSES: Record<PurposeFamily, PurposeDeclaration> = {
  'general-subscription': {
    name: 'General Subscription',
    what: 'E-mails about new pieces, collections and events, and changes to our products and services',
    asked:
      'An unticked box when you register, at checkout and in Account Home, or the newsletter form at the foot of every page, which you confirm from an e-mail',
  },
  feedback: {
    name: 'Feedback requests',
    what: 'An e-mail a few days after your order is delivered, asking what you thought of it',
    asked: 'An unticked box at checkout and in Account Home',
  },
  'preferences-cookie': {
    name: 'Remember my selections',
    what: 'A preferences cookie in your browser with the pieces you looked at last and the metal, ring size and chain length you chose, so that product pages can show them to you again; nothing of it is kept by us',
    asked:
      'A small question with two equal buttons after you choose a size ("Remember UK size N on this device?"), and the choice on the Cookies page, where you can change your answer at any time; your browser\'s Global Privacy Control counts as no',
  },
  partner: {
    name: 'Sharing with a named partner',
    what: 'Passing the details the partner is listed with to that one company, for the reason given',
    asked: 'One unticked box for each partner, by name, in Account Home',
  },
  'stock-alert': {
    name: 'Back-in-stock alert',
    what: 'One e-mail when a sold-out piece you asked about is back in stock',
    asked: '"Tell me when it\'s back" on the piece\'s page, which you confirm from an e-mail',
  },
};

/** The family of a purpose key. */
export function familyOf(purpose: PurposeKey | string): PurposeFamily {
  const family = purpose.split(':')[0] as PurposeFamily;
  return family;
}

/** Reads a purpose key from text (a form, a link); null when it is not one. */
export function parsePurpose(text: string): PurposeKey | null {
  if (text === 'general-subscription' || text === 'feedback' || text === 'preferences-cookie') return text;
  const m = /^(partner|stock-alert):([1-9]\d{0,9})$/.exec(text);
  return m ? (`${m[1]}:${m[2]}` as PurposeKey) : null;
}

/** The exact words of each opt-in, as the form shows them and the ledger stores them. */
export const CONSENT_WORDING = {
  registration:
    'General Subscription: e-mail me about new pieces and events (optional; you can stop at any time on the Newsletter Subscription page or with the link in every e-mail)',
  checkout: 'E-mail me about new pieces and events (General Subscription). Optional; every e-mail has a link to stop at once.',
  checkoutFeedback: 'E-mail me once, a few days after delivery, to ask what I thought of my order. Optional.',
  newsletterForm:
    'Sign up for our newsletter: e-mails about new pieces and events. We will e-mail you a link to confirm; nothing is sent until you do, and every e-mail has a link to stop.',
  accountGeneral: 'General Subscription: e-mails about new pieces and events',
  accountFeedback: 'Feedback requests: one e-mail a few days after each delivery, asking what you thought',
  partner: (p: { name: string; receives: string; why: string }) => `Share my ${p.receives} with ${p.name}, ${p.why}`,
  stockAlert: (piece: string) =>
    `E-mail me once when ${piece} is back in stock. We will e-mail you a link to confirm; nothing is sent until you do.`,
  beforeLedger:
    'General Subscription: e-mail me about new pieces and events (optional; you can stop at any time on the Newsletter Subscription page)',
  /** The question after a size is chosen; `what` is the choice in words ("UK size N", "an 18″ chain"). */
  preferencesPrompt: (what: string) =>
    `Remember ${what} on this device? We would keep it, with the last few pieces you looked at, in a preferences cookie in your browser for 6 months. You can change your mind at any time in Cookie settings.`,
  preferencesSettings:
    'Remember my selections: keep the last few pieces I looked at, and the metal, ring size and chain length I chose, in a preferences cookie in this browser for 6 months.',
} as const;

/** How a consent was given or withdrawn, as the ledger records it, with the words Account Home uses. */
export const CONSENT_METHODS = {
  registration: 'when you opened your account',
  'before-ledger': 'when you opened your account (recorded before the consent ledger began)',
  checkout: 'at checkout',
  'newsletter-confirmation': 'by confirming the e-mail we sent when you signed up on our newsletter form',
  'stock-alert-confirmation': 'by confirming the e-mail we sent when you asked to hear when a piece is back',
  account: 'in Account Home',
  'unsubscribe-link': 'with the Unsubscribe link in one of our e-mails',
  'one-click': "with your e-mail program's unsubscribe button",
  staff: 'by writing to us; our staff recorded your request',
  sent: 'when we sent the alert you asked for',
  expired: 'when it ran out, unsent, after 6 months',
  erased: 'when you asked us to erase your data',
  'partner-export': 'when we passed your details to the partner',
  'address-changed': 'when you changed the e-mail address of your account',
  'cookie-prompt': 'with the question shown after you chose a size',
  'cookie-settings': 'with the choice on the Cookies page',
} as const;
export type ConsentMethod = keyof typeof CONSENT_METHODS;

/** Withdrawals that are the person objecting (not an alert that was sent or ran out): each writes a suppression entry. */
export const OBJECTIONS: readonly ConsentMethod[] = ['account', 'unsubscribe-link', 'one-click', 'staff', 'erased'];

/** A newsletter or alert sign-up that is not confirmed within this many days is deleted. */
export const SIGN_UP_CONFIRM_DAYS = 7;
/** An alert not sent within this many days (the piece never came back) is withdrawn. */
export const STOCK_ALERT_DAYS = 183;
/** The person's address and account on ledger entries are emptied this long after their last consent ended. */
export const LEDGER_IDENTITY_YEARS = 6;

const SIGN_UP_RETENTION = {
  kind: 'period',
  days: SIGN_UP_CONFIRM_DAYS,
  from: 'you sign up, unless you confirm',
  text: `${SIGN_UP_CONFIRM_DAYS} days, unless you confirm your sign-up; then deleted`,
  job: 'consent.housekeeping',
} as const satisfies Retention;

const STATE_RETENTION = {
  kind: 'until',
  event: 'you withdraw your consent, an alert is sent, or it runs out after 6 months',
  text: 'While your consent lasts: until you withdraw it (or, for an alert, until it is sent or after 6 months)',
  job: 'consent.housekeeping',
} as const satisfies Retention;

export const LEDGER_RETENTION = {
  kind: 'period',
  days: LEDGER_IDENTITY_YEARS * 365,
  from: 'your last consent ends',
  text: `${LEDGER_IDENTITY_YEARS} years after your last consent ends (or at once if you ask us to erase your data); the sealed entry then names only a keyed fingerprint`,
  job: 'consent.housekeeping',
} as const satisfies Retention;

const SUPPRESSION_RETENTION = {
  kind: 'until',
  event: 'you sign up again and confirm it',
  text: 'For as long as we send marketing e-mail, unless you sign up again: it is what stops us e-mailing you',
  job: 'consent.housekeeping',
} as const satisfies Retention;

const marketingStaff = ['Our owner, managers and marketing staff'];
const proofOfConsent =
  'To show, if asked, who consented to what, when, in which words and under which version of this policy — and that a withdrawal was honoured at once';

export const consentInventory: FeatureInventory = {
  feature: 'consent',
  subjects: [
    { subject: 'customer', table: 'consent_ledger', column: 'customer_id', how: 'The consents given and withdrawn in your account' },
    {
      subject: 'newsletter-signup',
      table: 'consent_ledger',
      column: 'email',
      how: 'The consents given and withdrawn by e-mail address, compared without regard to capitals',
    },
    { subject: 'customer', table: 'consent_state', column: 'customer_id', how: "Your account's current choices" },
    { subject: 'newsletter-signup', table: 'consent_state', column: 'email', how: 'The current choices of an address' },
    { subject: 'newsletter-signup', table: 'consent_requests', column: 'email', how: 'A sign-up waiting for its confirmation' },
    {
      subject: 'customer',
      table: 'consent_legacy_ticks',
      column: 'customer_id',
      how: 'A tick from before the ledger, until it is written into it',
    },
  ],
  tables: [
    {
      table: 'consent_ledger',
      linkedBy: ['customer_id', 'email'],
      rows: 'anonymise',
      note: 'The entry stays, sealed in the chain, with the address and account emptied: it then names only a keyed fingerprint of the person.',
    },
    { table: 'consent_state', linkedBy: ['customer_id', 'email'], rows: 'delete' },
    { table: 'consent_requests', linkedBy: ['email'], rows: 'delete' },
    { table: 'consent_legacy_ticks', linkedBy: ['customer_id'], rows: 'delete' },
    {
      table: 'marketing_suppressions',
      linkedBy: ['address_hash'],
      rows: 'keep',
      note: 'A keyed fingerprint of an address that withdrew: it names no one, and it is what keeps that address from our marketing for good, even after an erasure.',
    },
  ],
  personal: [
    {
      table: 'consent_ledger',
      column: 'email',
      category: 'marketing',
      label: 'The e-mail address each consent was given or withdrawn for',
      purpose: proofOfConsent,
      lawfulBasis: 'legal-obligation',
      retention: LEDGER_RETENTION,
      recipients: marketingStaff,
      erasure: { action: 'anonymise' },
    },
    {
      table: 'consent_ledger',
      column: 'customer_id',
      category: 'marketing',
      label: 'The account each consent was given or withdrawn in',
      purpose: proofOfConsent,
      lawfulBasis: 'legal-obligation',
      retention: LEDGER_RETENTION,
      recipients: marketingStaff,
      erasure: { action: 'anonymise' },
    },
    {
      table: 'consent_ledger',
      column: 'subject_key',
      category: 'marketing',
      label: 'A keyed one-way fingerprint of you (of your account, or of your address), which each entry is sealed with',
      purpose: proofOfConsent,
      lawfulBasis: 'legal-obligation',
      retention: LEDGER_RETENTION,
      recipients: marketingStaff,
      erasure: {
        action: 'keep',
        basis: 'legal-obligation',
        reason:
          'Consent must be demonstrable (UK GDPR Art. 7(1)); the fingerprint alone names no one, and changing it would break the seal of every later entry',
        until: LEDGER_RETENTION,
      },
    },
    {
      table: 'consent_ledger',
      column: 'detail',
      category: 'marketing',
      label: 'What was shared with a partner, or which e-mail an unsubscribe came from',
      purpose: proofOfConsent,
      lawfulBasis: 'legal-obligation',
      retention: LEDGER_RETENTION,
      recipients: marketingStaff,
      erasure: {
        action: 'keep',
        basis: 'legal-obligation',
        reason: 'It is sealed in the chain and names no one once the address is emptied',
        until: LEDGER_RETENTION,
      },
    },
    {
      table: 'consent_state',
      column: 'email',
      category: 'contact',
      label: 'The address marketing you asked for goes to',
      purpose: 'To send only what you consented to, to the address you gave',
      lawfulBasis: 'consent',
      retention: STATE_RETENTION,
      recipients: marketingStaff,
      erasure: { action: 'delete' },
    },
    {
      table: 'consent_state',
      column: 'customer_id',
      category: 'marketing',
      label: 'Your current choices, per purpose',
      purpose: 'To send only what you consented to, to the address you gave',
      lawfulBasis: 'consent',
      retention: STATE_RETENTION,
      recipients: marketingStaff,
      erasure: { action: 'delete' },
    },
    {
      table: 'consent_state',
      column: 'address_hash',
      category: 'marketing',
      label: 'A keyed fingerprint of that address, compared with the suppression list',
      purpose: 'To send only what you consented to, to the address you gave',
      lawfulBasis: 'consent',
      retention: STATE_RETENTION,
      recipients: ["No one: only the shop's mail checks read it"],
      erasure: { action: 'delete' },
    },
    {
      table: 'consent_requests',
      column: 'email',
      category: 'contact',
      label: 'The address you signed up with, until you confirm it',
      purpose: 'To confirm that the address is yours before we send anything to it (double opt-in)',
      lawfulBasis: 'consent',
      retention: SIGN_UP_RETENTION,
      recipients: ["No one: only the shop's sign-up confirmation reads it"],
      erasure: { action: 'delete' },
    },
    {
      table: 'consent_requests',
      column: 'token_hash',
      category: 'technical',
      label: 'A one-way fingerprint of the confirmation link we send',
      purpose: 'To confirm that the address is yours before we send anything to it (double opt-in)',
      lawfulBasis: 'consent',
      retention: SIGN_UP_RETENTION,
      recipients: ["No one: only the shop's sign-up confirmation reads it"],
      erasure: { action: 'delete' },
      leftOutOfExport: 'A one-way fingerprint of a link is of no use to you, and a copy would only help someone misuse it.',
    },
    {
      table: 'consent_legacy_ticks',
      column: 'customer_id',
      category: 'marketing',
      label: 'A General Subscription tick from before the consent ledger, until it is written into the ledger',
      purpose: proofOfConsent,
      lawfulBasis: 'consent',
      retention: {
        kind: 'until',
        event: 'the shop next starts, which writes it into the ledger',
        text: 'Until the shop next starts, which moves it into the consent ledger',
        job: 'consent.housekeeping',
      },
      recipients: marketingStaff,
      erasure: { action: 'delete' },
    },
    {
      table: 'marketing_suppressions',
      column: 'address_hash',
      category: 'marketing',
      label: 'If you withdraw consent: a keyed one-way fingerprint of your address (never the address) on our suppression list',
      purpose: 'To make sure an address that said no is never sent marketing for that purpose again, even after its data is erased',
      lawfulBasis: 'legal-obligation',
      retention: SUPPRESSION_RETENTION,
      recipients: ["No one: only the shop's mail checks read it"],
      erasure: {
        action: 'keep',
        basis: 'legal-obligation',
        reason: 'An objection to direct marketing must be honoured for good (UK GDPR Art. 21(3)); the fingerprint names no one',
        until: SUPPRESSION_RETENTION,
      },
    },
  ],
  notPersonal: [
    { table: 'consent_wordings', column: 'text', reason: 'The words a form showed, the same for everyone' },
    {
      table: 'consent_ledger',
      column: 'staff_id',
      reason: 'Which member of staff recorded a request; their own data is the staff feature’s',
    },
  ],
  cookies: [],
  transient: [],
};
