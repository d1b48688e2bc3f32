/**
 * What the privacy policy says, as data: derived only from the inventories, the consent purposes,
 * the shop profile, the partners and the processors in use, with its fingerprint (the version).
 * Kept apart from the service, which records and serves it, so that the pages and the text that
 * render a policy depend on this and not on the service.
 */
import { createHash } from 'node:crypto';
import type { Config } from '../../config.js';
import { DEFAULT_KEEP, type KeepPolicy, backupRetentionText, keepPolicyText } from '../backups/backup.policy.js';
import { backupCopies } from '../backups/backups.inventory.js';
import { CONSENT_PURPOSES } from '../consent/consent.inventory.js';
import {
  type CookieDeclaration,
  type DataCategory,
  type FeatureInventory,
  type PersonalColumn,
  type SubjectKind,
  type TransientProcessing,
  longestDays,
} from './inventory.js';
import { type PolicyItem, partOf } from './policy.topics.js';
import type { ProcessorInUse } from './processors.js';
import { RIGHTS, type RightDeclaration } from './rights.js';

export type { PolicyItem };

/** A partner as the policy names it: who, what it would receive (in words), why, where, and its own policy. */
export interface PolicyPartner {
  id: number;
  name: string;
  receives: string;
  why: string;
  country: string;
  policyUrl: string;
}

/** What erasure keeps, for one reason until one end: the items it covers. */
export interface KeptOnErasure {
  what: string[];
  reason: string;
  until: string;
}

/** The backups as the policy states them: whether they are taken, and how long each lasts. */
export interface PolicyBackups {
  configured: boolean;
  /** "within 93 days" */
  retention: string;
  /** "the last 7 daily, 4 weekly and 3 monthly backups" */
  keep: string;
}

export interface PolicyModel {
  shop: Config['shop'];
  backups: PolicyBackups;
  items: PolicyItem[];
  /** What an erasure keeps of a customer's data, and why and until when: every column an inventory declares kept. */
  keptOnErasure: KeptOnErasure[];
  rights: RightDeclaration[];
  cookies: (CookieDeclaration & { feature: string })[];
  /** The partners in use now, each shared with only on consent to it by name. */
  partners: PolicyPartner[];
  /** The processors in use now (the shop profile's choices): who handles data for us, where, with which safeguard. */
  processors: ProcessorInUse[];
  version: string;
  publishedAt: string;
  /** Every published version, newest first. */
  history: PolicyVersion[];
}

/** A published version as the pages list it. */
export interface PolicyVersion {
  version: string;
  publishedAt: string;
  /** The owner's summary, when the change was marked material. */
  materialSummary: string | null;
  materialAt: string | null;
  /** When its storefront notice stops showing, for one marked material. */
  noticeEndsAt: string | null;
  /** When every account holder's notice of it had been queued. */
  notifiedAt: string | null;
}

/**
 * The kinds of people a column is about: those it declares, or else those the feature links to
 * its table, or else every subject the feature declares.
 */
export function subjectsOf(inv: FeatureInventory, c: PersonalColumn): SubjectKind[] {
  if (c.subjects) return c.subjects;
  const links = inv.subjects ?? [];
  const ofTable = links.filter((l) => l.table === c.table);
  return [...new Set((ofTable.length > 0 ? ofTable : links).map((l) => l.subject))];
}

/**
 * Which of the inventory's categories are special-category ("sensitive") data (UK GDPR Art. 9 and
 * 10): none. A new category must be placed here, so the policy's "we collect no sensitive data"
 * cannot stay true by accident.
 */
export const SPECIAL_CATEGORY: Record<DataCategory, boolean> = {
  identity: false,
  contact: false,
  address: false,
  order: false,
  communication: false,
  account: false,
  marketing: false,
  technical: false,
};

/** What special-category data is, in the words of the policy. */
export const SPECIAL_CATEGORY_KINDS = [
  'racial or ethnic origin',
  'political opinions',
  'religious or philosophical beliefs',
  'trade union membership',
  'genetic or biometric data',
  'health',
  'sex life or sexual orientation',
  'criminal convictions',
];

/** The policy's items that are special-category data (the policy lists them, if there ever were any). */
export function specialCategoryItems(items: PolicyItem[]): PolicyItem[] {
  return items.filter((i) => SPECIAL_CATEGORY[i.category]);
}

/**
 * What the policy says, derived only from the inventories, the consent purposes, the shop profile
 * and the partners in use.
 */
export function policyContent(
  inventories: FeatureInventory[],
  shop: Config['shop'],
  partners: PolicyPartner[] = [],
  backups: { configured: boolean; keep: KeepPolicy } = { configured: false, keep: DEFAULT_KEEP },
  processors: ProcessorInUse[] = [],
) {
  const items: PolicyItem[] = [];
  // The backups' period comes from the keep policy in force, so it is added here rather than
  // declared once in the backups inventory; a shop without backups set up says nothing of them.
  const withBackups = backups.configured
    ? inventories.map((inv) => (inv.feature === 'backups' ? { ...inv, transient: [...inv.transient, backupCopies(backups.keep)] } : inv))
    : inventories;
  const kept = new Map<string, KeptOnErasure>();
  for (const inv of withBackups) {
    for (const c of inv.personal) {
      if (c.erasure.action === 'keep' && partOf(subjectsOf(inv, c)) === 'customers') {
        const key = `${c.erasure.reason}\u0000${c.erasure.until.text}`;
        const entry = kept.get(key) ?? { what: [], reason: c.erasure.reason, until: c.erasure.until.text };
        if (!entry.what.includes(c.label)) entry.what.push(c.label);
        kept.set(key, entry);
      }
      items.push({
        feature: inv.feature,
        subject: partOf(subjectsOf(inv, c)),
        label: c.label,
        category: c.category,
        purpose: c.purpose,
        lawfulBasis: c.lawfulBasis,
        retention: c.retention.text,
        keptDays: longestDays(c.retention),
        recipients: c.recipients,
        where: 'Our database',
      });
    }
    for (const t of inv.transient as TransientProcessing[]) {
      items.push({
        feature: inv.feature,
        subject: 'customers',
        label: t.label,
        category: t.category,
        purpose: t.purpose,
        lawfulBasis: t.lawfulBasis,
        retention: t.retention.text,
        keptDays: 0,
        recipients: ['Nobody: it is used automatically and never seen by staff'],
        where: t.where,
      });
    }
  }
  const cookies = inventories.flatMap((inv) => inv.cookies.map((c) => ({ ...c, feature: inv.feature })));
  // The fingerprint is of what is said, not of how it is laid out: where an item is filed is left out.
  const said = items.map(({ feature: _feature, ...rest }) => rest);
  const keptOnErasure = [...kept.values()];
  const policyBackups: PolicyBackups = {
    configured: backups.configured,
    retention: backupRetentionText(backups.keep),
    keep: keepPolicyText(backups.keep),
  };
  return {
    items,
    backups: policyBackups,
    cookies,
    partners,
    processors,
    keptOnErasure,
    rights: RIGHTS,
    version: policyVersionOf({ said, keptOnErasure, rights: RIGHTS, backups: policyBackups }, cookies, shop, partners, processors),
  };
}

function policyVersionOf(
  said: unknown,
  cookies: unknown,
  shop: Config['shop'],
  partners: PolicyPartner[],
  processors: ProcessorInUse[],
): string {
  // The processors are part of what is said: naming another company, country or safeguard is a new version.
  return createHash('sha256')
    .update(JSON.stringify({ items: said, cookies, shop, purposes: CONSENT_PURPOSES, partners, processors }))
    .digest('hex')
    .slice(0, 12);
}

/** How long a storefront notice of a material change shows (and an account holder's e-mail is about). */
export const MATERIAL_NOTICE_DAYS = 30;
/** The longest a material change's summary may be: a few plain sentences. */
export const MATERIAL_SUMMARY_MAX = 500;
/** Account holders' addresses read, and their notices queued, this many to a transaction. */
export const NOTICE_BATCH = 500;
/**
 * How often a process reads the notice again from the database, for one another process marked:
 * at most one small query this often, never one per page (the process that marks refreshes at once).
 */
export const NOTICE_REFRESH_MS = 30_000;
