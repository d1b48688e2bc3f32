/**
 * The vocabulary of each feature's privacy contract. Every feature declares, in its own
 * `<feature>.inventory.ts`, whose personal data it stores (its data subjects), how to find one
 * person's rows, what each column is and why it is kept, how long (a typed rule naming the job
 * that enforces it) and what erasing the person does to it. The privacy policy, the cookie table
 * and the records of processing are rendered from these declarations; each feature's
 * `exportSubject` and `eraseSubject` (composed in `privacy/`) act on them.
 */
import type { Database } from '../../db/schema.js';
import type { Trx } from '../../db/database.js';
import type { JobName } from '../../jobs/names.js';
export type DataCategory = 'identity' | 'contact' | 'address' | 'order' | 'communication' | 'account' | 'marketing' | 'technical';

export type LawfulBasis = 'contract' | 'legal-obligation' | 'legitimate-interests' | 'consent';

export const LAWFUL_BASIS_TEXT: Record<LawfulBasis, string> = {
  contract: 'to perform our contract with you, or take steps you asked for before one',
  'legal-obligation': 'to meet a legal obligation',
  'legitimate-interests': 'our legitimate interests, balanced against your rights',
  consent: 'your consent, which you can withdraw at any time',
};

export const CATEGORY_TEXT: Record<DataCategory, string> = {
  identity: 'Identity',
  contact: 'Contact details',
  address: 'Addresses',
  order: 'Orders',
  communication: 'Messages',
  account: 'Account',
  marketing: 'Marketing choices',
  technical: 'Technical',
};

export type TableName = keyof Database & string;
export type ColumnOf<T extends TableName> = keyof Database[T] & string;
/** A table and one of its columns, checked against the schema's types. */
export type ColumnRef = { [T in TableName]: { table: T; column: ColumnOf<T> } }[TableName];

/**
 * How long data is kept, as a typed rule the named job enforces:
 * - `period`: a fixed number of days from a named event ("the order is dispatched");
 * - `until`: until an event ("you close your account"), after which the job removes it;
 * - `financial-year`: until the end of the financial year in which the event falls, plus whole years
 *   (tax records: 6 years from the end of the financial year, which ends on the configured date).
 * `text` is the period as the privacy policy publishes it.
 */
export type Retention =
  | { kind: 'period'; days: number; from: string; text: string; job: JobName }
  | { kind: 'until'; event: string; text: string; job: JobName }
  | { kind: 'financial-year'; years: number; from: string; text: string; job: JobName };

/**
 * The longest a rule can keep something, in days, to compare rules: a financial-year rule keeps up
 * to a year more than its years; a rule that lasts until an event has no fixed end.
 */
export function longestDays(rule: Retention): number {
  if (rule.kind === 'period') return rule.days;
  if (rule.kind === 'financial-year') return (rule.years + 1) * 366;
  return Number.POSITIVE_INFINITY;
}

/** The people whose data the shop holds. */
export type SubjectKind = 'customer' | 'guest-buyer' | 'newsletter-signup' | 'enquirer' | 'staff-member' | 'requester';

export const SUBJECT_TEXT: Record<SubjectKind, string> = {
  customer: 'A customer with an account',
  'guest-buyer': 'A buyer who ordered without an account, known by e-mail address',
  'newsletter-signup': 'Someone who signed up for our newsletter',
  enquirer: 'Someone who wrote to us through the contact form',
  'staff-member': 'A member of staff with a back-office account',
  requester: 'Someone who asked us, online, by e-mail or by post, to act on their rights over their data',
};

/** How one person's rows are found: the column of `table` that identifies them (`orders.customer_id`, `orders.email`). */
export type SubjectLink = ColumnRef & { subject: SubjectKind; how: string };

/**
 * What erasing a person does to a column:
 * - `delete`: the row goes (with the person's other rows of the table);
 * - `anonymise`: the value is replaced (emptied, or a neutral placeholder) and the row stays;
 * - `keep`: the value stays after the person asks for erasure, on a stated basis, until the rule's end.
 */
export type Erasure =
  { action: 'delete' } | { action: 'anonymise' } | { action: 'keep'; basis: LawfulBasis; reason: string; until: Retention };

/**
 * A table of the feature that holds personal data or is linked to a person (order lines through
 * their order, payment attempts, link columns). `linkedBy` are the columns that tie a row to a
 * person or to a parent row that does; `rows` is what erasing the person does to the rows.
 */
export type TableContract = {
  [T in TableName]: { table: T; linkedBy: ColumnOf<T>[]; rows: 'delete' | 'anonymise' | 'keep'; note?: string };
}[TableName];

/** One person, by everything the shop may know them by; exporters and erasers find their rows with it. */
export interface Person {
  customerId: number | null;
  /** Every e-mail address they are known by (account, guest orders, sign-ups, enquiries), as typed; compared case-insensitively. */
  emails: string[];
  staffId: number | null;
}

/** One feature's rows about a person, table by table, as plain values. */
export type SubjectExport = Partial<Record<TableName, Record<string, unknown>[]>>;

/** What an erasure did, table by table. */
export type ErasureReport = Partial<Record<TableName, { deleted: number; anonymised: number }>>;

/** Someone a feature's rows name: by address, account number or staff number (any may be missing). */
export interface KnownPerson {
  email: string | null;
  customerId: number | null;
  staffId: number | null;
}

/** The functions each feature with personal data provides over its own tables, inside the caller's transaction. */
export interface SubjectHandlers {
  exportSubject(trx: Trx, person: Person): Promise<SubjectExport>;
  eraseSubject(trx: Trx, person: Person, now: Date): Promise<ErasureReport>;
  /**
   * Everyone the feature's tables name by address, account or staff number, each once: what the
   * erasure journal's re-apply hashes and compares with its keys, to find erased people in a
   * database restored from a backup without reading another feature's tables. Given by the
   * features whose rows find a person by those (accounts, orders, consent, enquiries, staff).
   */
  knownPeople?(trx: Trx): Promise<KnownPerson[]>;
}

/** A column that holds personal data. */
export type PersonalColumn = ColumnRef & {
  category: DataCategory;
  /** What the data is, for people: "Your e-mail address". */
  label: string;
  purpose: string;
  lawfulBasis: LawfulBasis;
  retention: Retention;
  /** Who sees or receives it. Staff roles and processors by name; never "third parties" in general. */
  recipients: string[];
  /** What erasing the person does to it. */
  erasure: Erasure;
  /**
   * Whose data it is, when its table holds more than one kind of person's (the outbox holds
   * customers' e-mails and staff members' security notices). Without it, the column is the data
   * of every subject the feature links to its table.
   */
  subjects?: SubjectKind[];
  /** Why the column is left out of a person's copy of their data (a password's one-way hash is of no use to them and would help a guesser). */
  leftOutOfExport?: string;
};

/** A column whose name looks personal but is not (a product's name), with the reason. */
export type NotPersonalColumn = ColumnRef & { reason: string };

export type CookieKind = 'strictly-necessary' | 'statistics' | 'preferences' | 'marketing';

export interface CookieDeclaration {
  name: string;
  kind: CookieKind;
  purpose: string;
  /** How long it lasts, in words: "Until you close your browser". */
  duration: string;
}

/** Personal data handled without being stored in the database (in memory, in transit). */
export interface TransientProcessing {
  label: string;
  category: DataCategory;
  purpose: string;
  lawfulBasis: LawfulBasis;
  retention: Retention | NotStored;
  where: string;
}

/** Data that is never written down (held in memory, or never received), so no job has anything to remove. */
export interface NotStored {
  kind: 'not-stored';
  text: string;
}

export interface FeatureInventory {
  feature: string;
  /** Whose data the feature holds, and how one person's rows are found (none for a feature that stores nothing about anyone). */
  subjects: SubjectLink[];
  /** Every table with personal data or linked to a person; a test fails when a table with a personal column is missing. */
  tables: TableContract[];
  personal: PersonalColumn[];
  notPersonal: NotPersonalColumn[];
  cookies: CookieDeclaration[];
  transient: TransientProcessing[];
}

/** A person's e-mail addresses as the exporters and erasers compare them: trimmed, in lower case, each once. */
export function emailsOf(person: Person): string[] {
  return [...new Set(person.emails.map((e) => e.trim().toLowerCase()).filter((e) => e !== ''))];
}

/** A feature's export, without the tables in which the person has no rows. */
export function exportOf(tables: { [T in TableName]?: Record<string, unknown>[] }): SubjectExport {
  return Object.fromEntries(Object.entries(tables).filter(([, rows]) => rows !== undefined && rows.length > 0)) as SubjectExport;
}

/** A report of rows deleted and anonymised, table by table. */
export function reportOf(deleted: { [T in TableName]?: number }, anonymised: { [T in TableName]?: number } = {}): ErasureReport {
  const report: ErasureReport = {};
  for (const table of new Set([...Object.keys(deleted), ...Object.keys(anonymised)]) as Set<TableName>)
    report[table] = { deleted: deleted[table] ?? 0, anonymised: anonymised[table] ?? 0 };
  return report;
}
