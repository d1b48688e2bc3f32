/**
 * The vocabulary of the personal-data inventory. Every feature declares, in its own
 * `<feature>.inventory.ts`, what personal data it stores and why; the privacy policy, the cookie
 * table and (later) the records of processing are rendered from these declarations.
 */

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

export interface Retention {
  /** Plain-English period as published, e.g. "12 months from when you send it". */
  text: string;
  /** The period in days that the feature's retention job enforces. */
  days: number;
}

/** A column that holds personal data. */
export interface PersonalColumn {
  table: string;
  column: string;
  category: DataCategory;
  /** What the data is, for people: "Your e-mail address". */
  label: string;
  purpose: string;
  lawfulBasis: LawfulBasis;
  retention: Retention;
  /** Who sees or receives it. Staff roles and processors by name; never "third parties" in general. */
  recipients: string[];
}

/** A column whose name looks personal but is not (a product's name), with the reason. */
export interface NotPersonalColumn {
  table: string;
  column: string;
  reason: string;
}

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
  retention: Retention;
  where: string;
}

export interface FeatureInventory {
  feature: string;
  personal: PersonalColumn[];
  notPersonal: NotPersonalColumn[];
  cookies: CookieDeclaration[];
  transient: TransientProcessing[];
}
