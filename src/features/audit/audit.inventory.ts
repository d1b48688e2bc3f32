import type { FeatureInventory, Retention } from '../privacy/inventory.js';

/** The audit trail is evidence of who looked at personal data; it is kept for 6 years, like the order records it protects. */
export const AUDIT_RETENTION = {
  kind: 'period',
  days: 2192,
  from: 'the entry is written',
  text: '6 years, then deleted oldest first',
  job: 'audit.retention',
} as const satisfies Retention;

export const auditInventory: FeatureInventory = {
  feature: 'audit',
  personal: [
    {
      table: 'audit_log',
      column: 'network',
      category: 'technical',
      label:
        'The network a staff member worked from when they looked at or changed personal data (the address shortened to its network, never the full address)',
      purpose:
        'To keep a tamper-evident record of every look at and change to personal data, so that misuse can be detected and you can see who accessed your records',
      lawfulBasis: 'legal-obligation',
      retention: AUDIT_RETENTION,
      recipients: ['The shop owner', 'You, for the entries about your own records (staff role and time only)'],
    },
    {
      table: 'audit_log',
      column: 'actor_staff_id',
      category: 'technical',
      label: 'Which staff member looked at or changed personal data, and when',
      purpose:
        'To keep a tamper-evident record of every look at and change to personal data, so that misuse can be detected and you can see who accessed your records',
      lawfulBasis: 'legal-obligation',
      retention: AUDIT_RETENTION,
      recipients: ['The shop owner'],
    },
  ],
  notPersonal: [],
  cookies: [],
  transient: [],
};
