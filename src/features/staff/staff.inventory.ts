import type { Erasure, FeatureInventory, Retention } from '../privacy/inventory.js';
import { KNOWN_NETWORK_DAYS } from './staff.domain.js';

/** Staff accounts are kept while the person works for the shop, and deleted 6 months after they leave. */
export const STAFF_RETENTION = {
  kind: 'period',
  days: 183,
  from: 'the staff account is disabled',
  text: 'While you work for the shop, and 6 months after your account is disabled',
  job: 'staff.housekeeping',
} as const satisfies Retention;

/** A back-office session ends after 30 minutes idle or 12 hours; the housekeeping job removes ended ones. */
const SESSION_RETENTION = {
  kind: 'until',
  event: 'the session ends: 30 minutes idle, or 12 hours at most',
  text: 'Until the session ends: 30 minutes idle or 12 hours at most',
  job: 'staff.housekeeping',
} as const satisfies Retention;

const NETWORK_RETENTION = {
  kind: 'period',
  days: KNOWN_NETWORK_DAYS,
  from: 'the network was last used',
  text: `${KNOWN_NETWORK_DAYS} days after the network was last used`,
  job: 'staff.housekeeping',
} as const satisfies Retention;

const erased: Erasure = { action: 'delete' };
const secret =
  "A secret (a password's one-way hash, a sealed two-factor key) is of no use in a copy and would help someone attack the account; it is left out.";

const staffAccount = {
  table: 'staff',
  purpose: 'To give staff their own back-office account with only the rights their job needs',
  lawfulBasis: 'contract',
  retention: STAFF_RETENTION,
  recipients: ['The shop owner'],
  erasure: erased,
} as const;

export const staffInventory: FeatureInventory = {
  feature: 'staff',
  subjects: [
    { subject: 'staff-member', table: 'staff', column: 'id', how: 'The back-office account itself' },
    { subject: 'staff-member', table: 'staff_sessions', column: 'staff_id', how: "The account's back-office sessions" },
    { subject: 'staff-member', table: 'staff_tokens', column: 'staff_id', how: "The account's set-up links" },
    { subject: 'staff-member', table: 'staff_recovery_codes', column: 'staff_id', how: "The account's two-factor recovery codes" },
    {
      subject: 'staff-member',
      table: 'staff_networks',
      column: 'staff_id',
      how: 'What the account knows of the networks it signed in from',
    },
    {
      subject: 'staff-member',
      table: 'staff_undertakings',
      column: 'staff_id',
      how: 'Each version of the confidentiality undertaking the member accepted, and when',
    },
  ],
  tables: [
    { table: 'staff', linkedBy: ['id', 'email'], rows: 'delete' },
    { table: 'staff_sessions', linkedBy: ['staff_id'], rows: 'delete' },
    { table: 'staff_tokens', linkedBy: ['staff_id'], rows: 'delete' },
    { table: 'staff_recovery_codes', linkedBy: ['staff_id'], rows: 'delete' },
    { table: 'staff_networks', linkedBy: ['staff_id'], rows: 'delete' },
    { table: 'staff_undertakings', linkedBy: ['staff_id'], rows: 'delete' },
  ],
  personal: [
    {
      ...staffAccount,
      recipients: [...staffAccount.recipients],
      column: 'email',
      category: 'contact',
      label: "A staff member's work e-mail address",
    },
    { ...staffAccount, recipients: [...staffAccount.recipients], column: 'name', category: 'identity', label: "A staff member's name" },
    {
      ...staffAccount,
      recipients: ['Nobody: stored only as a one-way hash'],
      column: 'password_hash',
      leftOutOfExport: secret,
      category: 'account',
      label: "A staff member's password, as an Argon2id hash",
    },
    {
      ...staffAccount,
      recipients: ['Nobody: stored encrypted'],
      column: 'totp_secret',
      leftOutOfExport: secret,
      category: 'account',
      label: "A staff member's two-factor secret, encrypted",
    },
    {
      table: 'staff_sessions',
      column: 'pending_totp_secret',
      category: 'account',
      label: 'A new two-factor secret waiting for its first code, encrypted',
      purpose: 'To move two-factor sign-in to a new phone without turning it off in between',
      lawfulBasis: 'contract',
      retention: {
        ...SESSION_RETENTION,
        event: 'the new key is confirmed or the session ends',
        text: 'Until the new key is confirmed or the session ends: 12 hours at most',
      },
      recipients: ['Nobody: stored encrypted'],
      erasure: erased,
      leftOutOfExport: secret,
    },
    {
      table: 'staff_networks',
      column: 'network',
      category: 'technical',
      label:
        'The network (an IPv4 /24 or IPv6 /48, never the full address) a staff member signed in from or failed to, with the count and time of failures and of the last sign-in',
      purpose:
        "To keep a stranger's wrong passwords from locking a member out of their own network, and to tell the member about a sign-in from a new network",
      lawfulBasis: 'legitimate-interests',
      retention: NETWORK_RETENTION,
      recipients: ['Nobody: used automatically'],
      erasure: erased,
    },
    {
      table: 'staff_undertakings',
      column: 'accepted_at',
      category: 'account',
      label: "When a staff member accepted each version of the shop's confidentiality undertaking",
      purpose:
        "To show that every member of staff undertook to keep customers' data confidential before the back office showed them any, and again whenever the text changed",
      lawfulBasis: 'legal-obligation',
      retention: {
        ...STAFF_RETENTION,
        text: 'With the staff account: while you work for the shop, and 6 months after your account is disabled',
      },
      recipients: ['The shop owner'],
      erasure: erased,
    },
    {
      table: 'staff_sessions',
      column: 'last_seen_at',
      category: 'technical',
      label: 'When a staff member was last active in a back-office session',
      purpose: 'To sign staff out after 30 minutes idle',
      lawfulBasis: 'legitimate-interests',
      retention: SESSION_RETENTION,
      recipients: ['Nobody: used automatically'],
      erasure: erased,
    },
  ],
  notPersonal: [
    {
      table: 'staff_undertakings',
      column: 'version',
      reason: 'A hash of the text of the confidentiality undertaking, the same for every member who accepted it; it identifies nobody.',
    },
    { table: 'staff_tokens', column: 'token_hash', reason: 'A one-way hash of a one-time set-up link; it identifies nobody.' },
    { table: 'staff_sessions', column: 'token_hash', reason: 'A one-way hash of a session cookie; it identifies nobody.' },
    {
      table: 'staff_recovery_codes',
      column: 'code_hash',
      reason: 'A one-way hash of a two-factor recovery code; it identifies nobody and is left out of a copy of the account.',
    },
  ],
  cookies: [
    {
      name: 'assay_staff',
      kind: 'strictly-necessary',
      purpose: 'Keeps a staff member signed in to the back office (sent only to /admin pages).',
      duration: 'Until the browser closes; the session itself ends after 30 minutes idle',
    },
  ],
  transient: [],
};
