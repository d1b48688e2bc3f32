import type { Erasure, FeatureInventory, PersonalColumn, Retention } from './inventory.js';

/** The cookie a dismissed notice of a privacy policy change leaves, naming the version dismissed. */
export const POLICY_NOTICE_COOKIE = 'assay_policy_notice';
/** It outlasts the 30 days the notice shows. */
export const POLICY_NOTICE_COOKIE_DAYS = 31;

/**
 * A privacy request is the shop's proof that it answered a person's rights on time: the record is
 * kept for 6 years after it closes, then deleted. It holds only what that proof needs.
 */
export const REQUEST_RECORD_RETENTION = {
  kind: 'period',
  days: 2192,
  from: 'your request is closed',
  text: '6 years after it is closed, as our proof that we answered it, then deleted',
  job: 'privacy.requests',
} as const satisfies Retention;

/**
 * The address, name and what the request said are needed while it is handled and for a follow-up
 * question soon after; then they are emptied (at once, for an erasure), the keyed hash stays.
 */
export const REQUEST_DETAILS_RETENTION = {
  kind: 'period',
  days: 30,
  from: 'your request is closed',
  text: '30 days after your request is closed (at once when you asked for erasure), then emptied',
  job: 'privacy.requests',
} as const satisfies Retention;

/** An objection or restriction lasts until the person lifts it: it is what makes the shop keep honouring it. */
export const FLAG_RETENTION = {
  kind: 'until',
  event: 'you tell us you no longer object, or the restriction ends',
  text: 'Until you tell us you no longer object, or the restriction ends',
  job: 'privacy.requests',
} as const satisfies Retention;

/**
 * The journal of an erasure outlives every backup taken before it, so that restoring one can
 * never bring the person back: the longest a backup is kept, with a margin.
 */
export const JOURNAL_RETENTION = {
  kind: 'period',
  days: 120,
  from: 'your erasure is finished',
  text: '120 days from your erasure (longer than any backup taken before it is kept), then deleted',
  job: 'privacy.erasures',
} as const satisfies Retention;

const proof: Erasure = {
  action: 'keep',
  basis: 'legal-obligation',
  reason:
    'The record of your request is our proof that we answered it, and on time; it keeps only a keyed fingerprint of your address, never the address itself',
  until: REQUEST_RECORD_RETENTION,
};

const request = {
  table: 'privacy_requests',
  purpose: 'To act on your request about your data (a copy, a correction, erasure, an objection, a restriction or a complaint) on time',
  lawfulBasis: 'legal-obligation',
  recipients: ['Our customer service staff, managers and the shop owner'],
} satisfies Partial<PersonalColumn>;

export const privacyInventory: FeatureInventory = {
  feature: 'privacy',
  subjects: [
    {
      subject: 'requester',
      table: 'privacy_requests',
      column: 'email',
      how: 'The e-mail address a request was made from, compared without regard to capitals',
    },
    { subject: 'customer', table: 'privacy_requests', column: 'customer_id', how: 'The account a request was made from, by its number' },
    {
      subject: 'requester',
      table: 'privacy_flags',
      column: 'address_hash',
      how: 'A keyed fingerprint of the address that objected or asked for restriction',
    },
    {
      subject: 'requester',
      table: 'erasure_journal',
      column: 'address_keys',
      how: 'Keyed fingerprints of the addresses of a person who was erased',
    },
  ],
  tables: [
    {
      table: 'privacy_requests',
      linkedBy: ['email', 'address_hash', 'customer_id'],
      rows: 'anonymise',
      note: 'The record stays as the proof of compliance; the address, name and details are emptied.',
    },
    { table: 'privacy_request_events', linkedBy: ['request_id'], rows: 'keep', note: 'The steps of a request, naming no one.' },
    { table: 'privacy_flags', linkedBy: ['address_hash'], rows: 'keep', note: 'Kept so that an objection goes on being honoured.' },
    { table: 'erasure_journal', linkedBy: ['address_keys', 'customer_key', 'staff_key'], rows: 'keep', note: 'Pseudonymous keys only.' },
  ],
  personal: [
    {
      ...request,
      column: 'email',
      category: 'contact',
      label: 'The e-mail address you made a privacy request from, so that we can check it is you and answer',
      retention: REQUEST_DETAILS_RETENTION,
      erasure: { action: 'anonymise' },
    },
    {
      ...request,
      column: 'name',
      category: 'identity',
      label: 'Your name, as you give it on a privacy request',
      retention: REQUEST_DETAILS_RETENTION,
      erasure: { action: 'anonymise' },
    },
    {
      ...request,
      column: 'details',
      category: 'communication',
      label: 'What your privacy request says (what to correct, what you object to, your complaint)',
      retention: REQUEST_DETAILS_RETENTION,
      erasure: { action: 'anonymise' },
    },
    {
      ...request,
      column: 'customer_id',
      category: 'technical',
      label: 'The account a privacy request was made from',
      retention: REQUEST_DETAILS_RETENTION,
      erasure: { action: 'anonymise' },
    },
    {
      ...request,
      column: 'address_hash',
      category: 'technical',
      label: 'A keyed fingerprint of the address a privacy request came from (it cannot be turned back into the address)',
      retention: REQUEST_RECORD_RETENTION,
      erasure: proof,
    },
    {
      ...request,
      column: 'received_at',
      category: 'communication',
      label: 'When your privacy request came, when you confirmed it, when it was due and when we answered',
      retention: REQUEST_RECORD_RETENTION,
      erasure: proof,
    },
    {
      ...request,
      column: 'residue_scan',
      category: 'technical',
      label: 'After an erasure: keyed fingerprints of what was erased, and where a later scan for it looked and what it found',
      purpose: 'To check, and show, that an erasure left nothing of you behind',
      retention: REQUEST_RECORD_RETENTION,
      erasure: proof,
      leftOutOfExport:
        'Fingerprints made with the shop’s key: they cannot be turned back into your data, and are of no use outside the shop',
    },
    {
      table: 'privacy_flags',
      column: 'address_hash',
      category: 'marketing',
      label: 'That you object to marketing, feedback requests, sharing or statistics, or asked us to restrict what we do with your data',
      purpose: 'To honour your objection or restriction in everything the shop does',
      lawfulBasis: 'legal-obligation',
      retention: FLAG_RETENTION,
      recipients: ['Nobody: the shop checks it before it sends, shares or counts'],
      erasure: {
        action: 'keep',
        basis: 'legal-obligation',
        reason: 'An objection must go on being honoured after erasure, so that we never market to, share or count you again',
        until: FLAG_RETENTION,
      },
    },
    {
      table: 'erasure_journal',
      column: 'address_keys',
      category: 'technical',
      label: 'Keyed fingerprints of the addresses and account of a person we erased (never the addresses themselves)',
      purpose: 'To erase you again from any backup we restore that was taken before your erasure',
      lawfulBasis: 'legal-obligation',
      retention: JOURNAL_RETENTION,
      recipients: ['Nobody: only the restore process reads it'],
      erasure: {
        action: 'keep',
        basis: 'legal-obligation',
        reason: 'Without it, restoring a backup taken before your erasure would bring your data back',
        until: JOURNAL_RETENTION,
      },
    },
  ],
  notPersonal: [
    {
      table: 'privacy_request_events',
      column: 'note',
      reason: 'A step of a request in the shop’s words (an extension’s reason, an outcome), naming no one',
    },
    {
      table: 'privacy_requests',
      column: 'token_hash',
      reason: 'A one-way hash of the confirmation link’s token, emptied when the request is confirmed',
    },
    { table: 'privacy_requests', column: 'token_expires_at', reason: 'When the confirmation link stops working' },
    {
      table: 'privacy_requests',
      column: 'outcome',
      reason: 'What the shop did, in its own words and counts (rows erased, orders waiting), naming no one',
    },
    { table: 'privacy_requests', column: 'extension_reason', reason: 'Why the shop needed more time, in its own words, naming no one' },
    {
      table: 'privacy_requests',
      column: 'answer_token_hash',
      reason: 'A one-way hash of the answer link’s token, emptied when the link expires',
    },
  ],
  cookies: [
    {
      name: POLICY_NOTICE_COOKIE,
      kind: 'strictly-necessary',
      purpose:
        'Remembers that you dismissed the notice of a change to our privacy policy, so that it is not shown to you again. It holds only the version number of the policy, set only when you press Dismiss.',
      duration: `${POLICY_NOTICE_COOKIE_DAYS} days`,
    },
  ],
  transient: [],
};
