import type { Erasure, FeatureInventory, PersonalColumn, Retention } from '../privacy/inventory.js';

/** The audit trail is evidence of who looked at personal data; it is kept for 6 years, like the order records it protects. */
export const AUDIT_RETENTION = {
  kind: 'period',
  days: 2192,
  from: 'the entry is written',
  text: '6 years, then deleted oldest first',
  job: 'audit.retention',
} as const satisfies Retention;

/**
 * Erasure keeps the trail: it is the evidence of who looked at personal data, and the database
 * refuses to change an entry. An entry names a staff member by number and a record by its number
 * (an account's id, an order's number), never a customer's details.
 */
const keptAsEvidence: Erasure = {
  action: 'keep',
  basis: 'legal-obligation',
  reason:
    'The trail is the evidence of who looked at or changed personal data (that a staff member viewed an order, for example); it holds record numbers, never your details, and cannot be changed',
  until: AUDIT_RETENTION,
};

/** What the two columns that say which staff member did what, and from where, have in common. */
const staffMemberTrail = {
  table: 'audit_log',
  category: 'technical',
  purpose:
    'To keep a tamper-evident record of every look at and change to personal data, so that misuse can be detected and you can see who accessed your records',
  lawfulBasis: 'legal-obligation',
  retention: AUDIT_RETENTION,
  recipients: ['The shop owner'],
  erasure: keptAsEvidence,
  subjects: ['staff-member'],
} satisfies Partial<PersonalColumn>;

export const auditInventory: FeatureInventory = {
  feature: 'audit',
  subjects: [
    {
      subject: 'staff-member',
      table: 'audit_log',
      column: 'actor_staff_id',
      how: 'The entries a staff member wrote, by their staff number',
    },
    {
      subject: 'staff-member',
      table: 'audit_log',
      column: 'subject_id',
      how: "The entries about a staff member's account (subject type staff)",
    },
    {
      subject: 'customer',
      table: 'audit_log',
      column: 'subject_id',
      how: "The entries about a customer's account (subject type customer), and those of the customer taking their own copy of their data (subject type own-copy, no staff member)",
    },
    {
      subject: 'guest-buyer',
      table: 'audit_log',
      column: 'subject_id',
      how: "The entries about an order (subject type order), by the order's number",
    },
  ],
  tables: [
    {
      table: 'audit_log',
      linkedBy: ['actor_staff_id', 'subject_id'],
      rows: 'keep',
      note: 'Append-only and sealed: see the erasure of each column.',
    },
  ],
  personal: [
    {
      ...staffMemberTrail,
      column: 'network',
      label:
        'The network a staff member worked from when they looked at or changed personal data (the address shortened to its network, never the full address)',
    },
    { ...staffMemberTrail, column: 'actor_staff_id', label: 'Which staff member looked at or changed personal data, and when' },
    {
      table: 'audit_log',
      column: 'subject_id',
      category: 'technical',
      label: 'When our staff looked at or changed your account or your orders, by their number, with the staff role and what was done',
      purpose: 'To show you and the owner who looked at or changed your records',
      lawfulBasis: 'legal-obligation',
      retention: AUDIT_RETENTION,
      recipients: ['The shop owner', 'You, for the entries about your own records (staff role and time only)'],
      erasure: keptAsEvidence,
      subjects: ['customer', 'guest-buyer'],
    },
  ],
  notPersonal: [],
  cookies: [],
  transient: [],
};
