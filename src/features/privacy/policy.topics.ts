/**
 * How the privacy policy files each feature's inventory. Whose data an item is (customers' or
 * staff's, so that neither has to read through the other's) follows from the data subjects its
 * inventory declares for it: a feature can hold both (the outbox carries customers' e-mails and
 * staff members' security notices), and then has a section in each part. Here is only the heading
 * of each section; a test fails when a feature with data in a part has no heading for it. The
 * order here is the order of the sections.
 */
import type { PersonalColumn, SubjectKind } from './inventory.js';

export type DataSubject = 'customers' | 'staff';

export interface PolicyTopic {
  subject: DataSubject;
  title: string;
}

export const POLICY_TOPICS: Record<string, Partial<Record<DataSubject, string>>> = {
  orders: { customers: 'When you order' },
  customers: { customers: 'If you open an account' },
  consent: { customers: 'Your marketing choices' },
  partners: { customers: 'Sharing with partners' },
  mail: { customers: 'E-mails we send you', staff: 'Security e-mails to staff' },
  contact: { customers: 'When you write to us' },
  feedback: { customers: 'Your feedback' },
  bag: { customers: 'Your bag' },
  catalog: { customers: 'Browsing the shop', staff: 'Who changed the catalogue' },
  statistics: { customers: 'Counting visits' },
  preferences: { customers: 'Remembered selections' },
  security: { customers: 'Keeping the shop safe' },
  privacy: { customers: 'When you use your privacy rights' },
  backups: { customers: 'Backups' },
  audit: { customers: 'Who looked at your data', staff: 'The record of who looked at personal data' },
  breaches: { customers: 'If your data is ever breached' },
  staff: { staff: 'Staff accounts' },
};

/** Staff data only when every person it is about is a staff member; anything else is filed with customers' data. */
export function partOf(subjects: readonly SubjectKind[]): DataSubject {
  return subjects.length > 0 && subjects.every((s) => s === 'staff-member') ? 'staff' : 'customers';
}

/** The anchor of a feature's section in a part. */
export function topicId(feature: string, subject: DataSubject): string {
  return subject === 'customers' ? `topic-${feature}` : `topic-staff-${feature}`;
}

/** The heading of a section missing above (a test stops that from shipping): filed, not hidden. */
function titleOf(feature: string, subject: DataSubject): string {
  return POLICY_TOPICS[feature]?.[subject] ?? 'Other data we keep';
}

/** Items a topic keeps for one purpose, on one lawful basis. */
export interface PurposeGroup {
  purpose: string;
  lawfulBasis: PolicyItem['lawfulBasis'];
  items: PolicyItem[];
}

export interface TopicSection extends PolicyTopic {
  feature: string;
  /** The section's anchor on the page. */
  id: string;
  /** What is stored, by purpose. */
  stored: PurposeGroup[];
  /** What is used without being stored. */
  transient: PolicyItem[];
}

const isStored = (i: PolicyItem) => i.where === 'Our database';

/** The policy's items by part and topic, in the order of POLICY_TOPICS; topics with nothing to say are left out. */
export function policyTopics(items: PolicyItem[]): TopicSection[] {
  const order = Object.keys(POLICY_TOPICS);
  const rank = (t: { subject: DataSubject; feature: string }) =>
    (t.subject === 'customers' ? 0 : 1000) + Math.min(order.indexOf(t.feature) >>> 0, 999);
  const keys = [...new Map(items.map((i) => [`${i.subject} ${i.feature}`, { subject: i.subject, feature: i.feature }])).values()];
  keys.sort((a, b) => rank(a) - rank(b));
  return keys.map(({ subject, feature }) => {
    const mine = items.filter((i) => i.feature === feature && i.subject === subject);
    const stored: PurposeGroup[] = [];
    for (const item of mine.filter(isStored)) {
      const group = stored.find((g) => g.purpose === item.purpose && g.lawfulBasis === item.lawfulBasis);
      if (group) group.items.push(item);
      else stored.push({ purpose: item.purpose, lawfulBasis: item.lawfulBasis, items: [item] });
    }
    return {
      feature,
      subject,
      title: titleOf(feature, subject),
      id: topicId(feature, subject),
      stored,
      transient: mine.filter((i) => !isStored(i)),
    };
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
export function usualRetention(section: TopicSection): { text: string; others: boolean; longer: string | null } | null {
  const items = section.stored.flatMap((g) => g.items);
  if (items.length === 0) return null;
  const counts = new Map<string, number>();
  for (const i of items) counts.set(i.retention, (counts.get(i.retention) ?? 0) + 1);
  const [text] = [...counts].reduce((best, entry) => (entry[1] > best[1] ? entry : best));
  const usualDays = Math.max(...items.filter((i) => i.retention === text).map((i) => i.keptDays));
  // What is kept longer than the usual period is said in the summary too, never hidden behind "some of it".
  // (A rule that lasts until an event, such as payment, has no fixed end to compare: only fixed ends count here.)
  const fixed = items.filter((i) => Number.isFinite(i.keptDays));
  const longest = fixed.reduce<PolicyItem | null>((a, b) => (a === null || b.keptDays > a.keptDays ? b : a), null);
  const longer = longest && longest.keptDays > usualDays ? (longest.retention.split(/[:,.]/)[0] ?? longest.retention) : null;
  const shorter = items.some((i) => i.keptDays < usualDays);
  return { text, others: shorter, longer };
}

/** One line of the policy: a declared piece of personal data, as the privacy service reads it from an inventory. */
export interface PolicyItem {
  /** The feature whose inventory declares it: the policy's topic. */
  feature: string;
  /** Whose data it is: the part of the policy it is filed in. */
  subject: DataSubject;
  label: string;
  category: PersonalColumn['category'];
  purpose: string;
  lawfulBasis: PersonalColumn['lawfulBasis'];
  retention: string;
  /** The longest the retention rule can keep it, in days (to compare rules; see `longestDays`). */
  keptDays: number;
  recipients: string[];
  where: string;
}
