import type { FeatureInventory, NotPersonalColumn, Retention } from '../privacy/inventory.js';

/**
 * The breach register's privacy contract. The register itself (`breaches`) names no one: it
 * describes what happened and who is affected in words, and names staff by number. The people a
 * breach affects are listed apart (`breach_people`), by e-mail address and account number, only
 * so that they can be told (UK GDPR Art. 34) and so that the shop can show whom it told.
 */

/** Days the people of a breach are kept after it is closed: time to answer their questions and the ICO's, then deleted. */
export const BREACH_PEOPLE_RETENTION_DAYS = 90;

export const BREACH_PEOPLE_RETENTION = {
  kind: 'period',
  days: BREACH_PEOPLE_RETENTION_DAYS,
  from: 'we close our record of the breach',
  text: `${BREACH_PEOPLE_RETENTION_DAYS} days after we close our record of the breach, then deleted`,
  job: 'breaches.retention',
} as const satisfies Retention;

const person = {
  table: 'breach_people',
  purpose: 'To tell you about a breach of your data',
  lawfulBasis: 'legal-obligation',
  retention: BREACH_PEOPLE_RETENTION,
  /**
   * Erasure deletes the rows. The register keeps what Art. 33(5) asks of it (the facts, the
   * effects, the action taken, how many were told and when) without them; keeping an address
   * only to e-mail someone who has asked us to erase them is not necessary, as our answer to
   * that request can tell them; and an erasure then leaves nothing of them behind.
   */
  erasure: { action: 'delete' },
  recipients: [
    'Our owner and managers, who keep the breach register',
    "Our e-mail delivery provider, the SMTP service that carries the shop's e-mail to your inbox",
  ],
} as const;

const describedInWords =
  'Staff describe the breach in words and are told on the form to name no one; an e-mail address typed into it is refused';
const staffNumber = 'A staff number, kept as the register’s record of who acted (Art. 33(5)); the staff feature holds who it is';
const registerFact = 'A fact about the breach or the shop’s handling of it (a time, a level, a reference), not about a person';

const notPersonal: NotPersonalColumn[] = [
  { table: 'breaches', column: 'title', reason: describedInWords },
  { table: 'breaches', column: 'what_happened', reason: describedInWords },
  { table: 'breaches', column: 'data_affected', reason: describedInWords },
  { table: 'breaches', column: 'people_affected', reason: `${describedInWords} ("customers who ordered on 1 March")` },
  { table: 'breaches', column: 'risk_assessment', reason: describedInWords },
  { table: 'breaches', column: 'actions', reason: describedInWords },
  { table: 'breaches', column: 'not_reported_reason', reason: describedInWords },
  { table: 'breaches', column: 'late_reason', reason: describedInWords },
  { table: 'breaches', column: 'people_not_told_reason', reason: describedInWords },
  {
    table: 'breaches',
    column: 'notice_subject',
    reason: 'The one notice every affected person is sent, the same for all: it names no one (their address is added as it is sent)',
  },
  {
    table: 'breaches',
    column: 'notice_body',
    reason: 'The one notice every affected person is sent, the same for all: it names no one (their address is added as it is sent)',
  },
  { table: 'breaches', column: 'recorded_by', reason: staffNumber },
  { table: 'breaches', column: 'notice_reviewed_by', reason: staffNumber },
  { table: 'breaches', column: 'categories', reason: 'The kinds of data affected, from the inventory’s list' },
  { table: 'breaches', column: 'people_count', reason: 'A count of people, naming none of them' },
  ...(
    [
      'occurred_at',
      'discovered_at',
      'recorded_at',
      'risk',
      'reported_at',
      'ico_reference',
      'notice_reviewed_at',
      'people_told_at',
      'closed_at',
      'updated_at',
    ] as const
  ).map((column) => ({ table: 'breaches' as const, column, reason: registerFact })),
];

export const breachesInventory: FeatureInventory = {
  feature: 'breaches',
  subjects: [
    { subject: 'customer', table: 'breach_people', column: 'customer_id', how: 'The account number, when the address is an account’s' },
    {
      subject: 'customer',
      table: 'breach_people',
      column: 'email',
      how: 'The e-mail address staff list as affected, compared without regard to capitals',
    },
    { subject: 'guest-buyer', table: 'breach_people', column: 'email', how: 'The e-mail address of their orders, as staff list it' },
    { subject: 'newsletter-signup', table: 'breach_people', column: 'email', how: 'The address they signed up with, as staff list it' },
    { subject: 'enquirer', table: 'breach_people', column: 'email', how: 'The address they wrote from, as staff list it' },
  ],
  tables: [
    {
      table: 'breach_people',
      linkedBy: ['email', 'customer_id'],
      rows: 'delete',
    },
  ],
  personal: [
    {
      ...person,
      recipients: [...person.recipients],
      column: 'email',
      category: 'contact',
      label: 'Your e-mail address, when a breach of your data means we must tell you about it',
    },
    {
      ...person,
      recipients: [...person.recipients],
      column: 'customer_id',
      category: 'account',
      label: 'Your account number, beside that address',
    },
    {
      ...person,
      recipients: [...person.recipients],
      column: 'told_at',
      category: 'communication',
      label: 'When we told you about the breach',
    },
  ],
  notPersonal,
  cookies: [],
  transient: [],
};
