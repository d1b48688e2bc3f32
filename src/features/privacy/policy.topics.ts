/**
 * How the privacy policy files each feature's inventory: whose data it is (customers' or staff's,
 * so that neither has to read through the other's) and the heading of its section. A test fails
 * when a registered inventory has no topic here. The order here is the order of the sections.
 */
import type { PolicyItem } from './privacy.service.js';

export type DataSubject = 'customers' | 'staff';

export interface PolicyTopic {
  subject: DataSubject;
  title: string;
}

export const POLICY_TOPICS: Record<string, PolicyTopic> = {
  orders: { subject: 'customers', title: 'When you order' },
  customers: { subject: 'customers', title: 'If you open an account' },
  mail: { subject: 'customers', title: 'E-mails we send you' },
  contact: { subject: 'customers', title: 'When you write to us' },
  bag: { subject: 'customers', title: 'Your bag' },
  catalog: { subject: 'customers', title: 'Browsing the shop' },
  security: { subject: 'customers', title: 'Keeping the shop safe' },
  staff: { subject: 'staff', title: 'Staff accounts' },
  audit: { subject: 'staff', title: 'The record of who looked at personal data' },
};

/** The topic of a feature that is missing above (a test stops that from shipping): filed with customers' data, not hidden. */
function topicOf(feature: string): PolicyTopic {
  return POLICY_TOPICS[feature] ?? { subject: 'customers', title: 'Other data we keep' };
}

/** Items a topic keeps for one purpose, on one lawful basis. */
export interface PurposeGroup {
  purpose: string;
  lawfulBasis: PolicyItem['lawfulBasis'];
  items: PolicyItem[];
}

export interface TopicSection extends PolicyTopic {
  feature: string;
  /** What is stored, by purpose. */
  stored: PurposeGroup[];
  /** What is used without being stored. */
  transient: PolicyItem[];
}

const isStored = (i: PolicyItem) => i.where === 'Our database';

/** The policy's items by topic, in the order of POLICY_TOPICS; topics with nothing to say are left out. */
export function policyTopics(items: PolicyItem[]): TopicSection[] {
  const features = [...new Set(items.map((i) => i.feature))];
  const order = Object.keys(POLICY_TOPICS);
  features.sort((a, b) => (order.indexOf(a) >>> 0) - (order.indexOf(b) >>> 0));
  return features.map((feature) => {
    const mine = items.filter((i) => i.feature === feature);
    const stored: PurposeGroup[] = [];
    for (const item of mine.filter(isStored)) {
      const group = stored.find((g) => g.purpose === item.purpose && g.lawfulBasis === item.lawfulBasis);
      if (group) group.items.push(item);
      else stored.push({ purpose: item.purpose, lawfulBasis: item.lawfulBasis, items: [item] });
    }
    return { feature, ...topicOf(feature), stored, transient: mine.filter((i) => !isStored(i)) };
  });
}

/**
 * Each distinct value of `key` among the items, with the items it applies to — or null for one
 * that applies to all of them, so that the policy names items only where it makes a difference.
 */
export function spread(items: PolicyItem[], key: (i: PolicyItem) => string[]): { value: string; only: PolicyItem[] | null }[] {
  const values = [...new Set(items.flatMap(key))];
  return values.map((value) => {
    const having = items.filter((i) => key(i).includes(value));
    return { value, only: having.length === items.length ? null : having };
  });
}

/** The retention most of a topic's stored items have, and whether some are kept for another period. */
export function usualRetention(section: TopicSection): { text: string; others: boolean } | null {
  const items = section.stored.flatMap((g) => g.items);
  if (items.length === 0) return null;
  const counts = new Map<string, number>();
  for (const i of items) counts.set(i.retention, (counts.get(i.retention) ?? 0) + 1);
  const [text] = [...counts].reduce((best, entry) => (entry[1] > best[1] ? entry : best));
  return { text, others: counts.size > 1 };
}
