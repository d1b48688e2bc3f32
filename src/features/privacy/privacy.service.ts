import { createHash } from 'node:crypto';
import type { Config } from '../../config.js';
import type { Db } from '../../db/database.js';
import {
  type CookieDeclaration,
  type FeatureInventory,
  type PersonalColumn,
  type SubjectKind,
  type TransientProcessing,
  longestDays,
} from './inventory.js';
import { type PolicyItem, partOf } from './policy.topics.js';
import { recordPolicyVersion } from './privacy.repository.js';

export type { PolicyItem };

export interface PolicyModel {
  shop: Config['shop'];
  items: PolicyItem[];
  cookies: (CookieDeclaration & { feature: string })[];
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

/** What the policy says, derived only from the inventories and the shop profile. */
export function policyContent(inventories: FeatureInventory[], shop: Config['shop']) {
  const items: PolicyItem[] = [];
  for (const inv of inventories) {
    for (const c of inv.personal) {
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
  const version = createHash('sha256')
    .update(JSON.stringify({ items: said, cookies, shop }))
    .digest('hex')
    .slice(0, 12);
  return { items, cookies, version };
}

/**
 * The published policy. The version is a fingerprint of its content, so any change to what the
 * shop collects, or why, makes a new version with its own publication date.
 */
export class PrivacyService {
  private cached: PolicyModel | null = null;

  constructor(
    private readonly db: Db,
    private readonly inventories: FeatureInventory[],
    private readonly shop: Config['shop'],
  ) {}

  async policy(now: Date): Promise<PolicyModel> {
    if (this.cached) return this.cached;
    const content = policyContent(this.inventories, this.shop);
    const summary = `${content.items.length} kinds of personal data, ${content.cookies.length} cookies`;
    const history = await recordPolicyVersion(this.db, content.version, summary, now.toISOString());
    const current = history.find((h) => h.version === content.version);
    this.cached = {
      shop: this.shop,
      ...content,
      publishedAt: current?.published_at ?? now.toISOString(),
      history: history.map((h) => ({ version: h.version, publishedAt: h.published_at })),
    };
    return this.cached;
  }
}
