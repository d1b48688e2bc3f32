import { createHash } from 'node:crypto';
import type { Config } from '../../config.js';
import type { Db } from '../../db/database.js';
import { DEFAULT_KEEP, type KeepPolicy, backupRetentionText, keepPolicyText } from '../backups/backup.policy.js';
import { backupCopies } from '../backups/backups.inventory.js';
import { CONSENT_PURPOSES } from '../consent/consent.inventory.js';
import { activePartners, receivesInWords } from '../partners/partners.service.js';
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
import { recordPolicyVersion } from './privacy.repository.js';
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
  version: string;
  publishedAt: string;
  history: { version: string; publishedAt: string }[];
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
    keptOnErasure,
    rights: RIGHTS,
    version: policyVersionOf({ said, keptOnErasure, rights: RIGHTS, backups: policyBackups }, cookies, shop, partners),
  };
}

function policyVersionOf(said: unknown, cookies: unknown, shop: Config['shop'], partners: PolicyPartner[]): string {
  return createHash('sha256')
    .update(JSON.stringify({ items: said, cookies, shop, purposes: CONSENT_PURPOSES, partners }))
    .digest('hex')
    .slice(0, 12);
}

/**
 * The published policy. The version is a fingerprint of its content, so any change to what the
 * shop collects, or why, or to the partners it may share with, makes a new version with its own
 * publication date. The partners are read from the database on every call (one small query), so
 * every process of the shop publishes the same version the moment one of them changes a partner.
 */
export class PrivacyService {
  private cached: PolicyModel | null = null;
  /** The partners the cached policy was made with: the inventories never change while the shop runs, the partners may. */
  private cachedPartners = '';

  constructor(
    private readonly db: Db,
    private readonly inventories: FeatureInventory[],
    private readonly shop: Config['shop'],
    /** The backups (config.backups): whether they are set up, and the keep policy whose longest age the policy states. */
    private readonly backups: { configured: boolean; keep: KeepPolicy } = { configured: false, keep: DEFAULT_KEEP },
  ) {}

  async policy(now: Date): Promise<PolicyModel> {
    const partners = (await activePartners(this.db)).map((p) => ({
      id: p.id,
      name: p.name,
      receives: receivesInWords(p),
      why: p.why,
      country: p.country,
      policyUrl: p.policyUrl,
    }));
    // Asked on every checkout and sign-up (for the version a consent is given under): made again only when the partners changed.
    const partnersKey = JSON.stringify(partners);
    if (this.cached && partnersKey === this.cachedPartners) return this.cached;
    const content = policyContent(this.inventories, this.shop, partners, this.backups);
    if (this.cached?.version === content.version) {
      this.cachedPartners = partnersKey;
      return this.cached;
    }
    const summary = `${content.items.length} kinds of personal data, ${content.cookies.length} cookies, ${content.partners.length} partners`;
    const history = await recordPolicyVersion(this.db, content.version, summary, now.toISOString());
    const current = history.find((h) => h.version === content.version);
    this.cached = {
      shop: this.shop,
      ...content,
      publishedAt: current?.published_at ?? now.toISOString(),
      history: history.map((h) => ({ version: h.version, publishedAt: h.published_at })),
    };
    this.cachedPartners = partnersKey;
    return this.cached;
  }
}
