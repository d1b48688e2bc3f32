import type { Config } from '../../config.js';
import type { JobName } from '../../jobs/names.js';
import type { KeepPolicy } from '../backups/backup.policy.js';
import { backupCopies } from '../backups/backups.inventory.js';
import { PARTNER_FIELDS, type Partner, type PartnerField, fieldsOf, receivesInWords } from '../partners/partners.service.js';
import {
  CATEGORY_TEXT,
  type DataCategory,
  type Erasure,
  type FeatureInventory,
  LAWFUL_BASIS_TEXT,
  type LawfulBasis,
  type PersonalColumn,
  type Retention,
  SUBJECT_TEXT,
  type SubjectKind,
  type TransientProcessing,
} from './inventory.js';
import { POLICY_TOPICS, partOf } from './policy.topics.js';
import { subjectsOf } from './privacy.service.js';
import { type ProcessorInUse, type ProcessorRole, SAFEGUARD_TEXT, UNITED_KINGDOM, parseProcessorSetting } from './processors.js';
import { type SecurityMeasure, securityMeasures } from './records.security.js';

/**
 * The controller's record of processing (UK GDPR Art. 30(1)), computed — never typed — from what
 * the code declares: each feature's inventory (whose data, which columns, why, on what basis, for
 * how long and by which job, who sees it, what erasure does), the processors in use
 * (`processorsInUse`), the partners declared (shared with only on consent to each by name), the
 * shop profile, and the security measures the code carries out (`records.security.ts`). The
 * back office shows it at /admin/records and gives it as CSV and JSON; a test builds it from an
 * inventory with one more column and finds that column in it.
 */

/** A kind of person: the inventory's subjects, and anyone visiting the shop for what is used without being stored. */
export type RecordSubject = SubjectKind | 'visitor';

export const VISITOR_TEXT = 'Anyone visiting the shop’s website';

const subjectText = (s: RecordSubject) => (s === 'visitor' ? VISITOR_TEXT : SUBJECT_TEXT[s]);

/** A retention rule as the record states it: the period in words, from which event, and the job that enforces it. */
export interface RecordRetention {
  text: string;
  /** The event the period runs from or ends with ("the order is dispatched"); null for data never stored. */
  from: string | null;
  /** The job that enforces it; null for data never stored (nothing to remove). */
  job: JobName | null;
}

/** One piece of data of an activity: a column of the database, or something used without being stored. */
export interface RecordItem {
  label: string;
  category: DataCategory;
  /** `table.column`, for data in the database; null for data used without being stored. */
  column: string | null;
  lawfulBasis: LawfulBasis;
  retention: RecordRetention;
  /** What erasing the person does to it; null for data never stored. */
  erasure: string | null;
  /** Where it is: "Our database", or where transient data is handled. */
  where: string;
}

/** A processing activity: one purpose of one feature, with everything Art. 30(1)(b)–(g) asks of it. */
export interface ProcessingActivity {
  id: string;
  feature: string;
  /** The heading the privacy policy files the feature under ("When you order"). */
  area: string;
  purpose: string;
  subjects: { kind: RecordSubject; text: string }[];
  categories: { category: DataCategory; text: string; labels: string[] }[];
  lawfulBases: { basis: LawfulBasis; text: string }[];
  /** Who sees or receives it, as the inventory names them (staff roles, carriers, processors). */
  recipients: string[];
  /** The processors in use that handle it, by name. */
  processors: string[];
  /** The partners it may be shared with, by name: only with the person's consent to each. */
  partners: string[];
  /** Transfers out of the United Kingdom, each with its safeguard. */
  transfers: string[];
  retention: RecordRetention[];
  items: RecordItem[];
}

export interface RecordProcessor {
  name: string;
  role: ProcessorRole;
  /** What it does for the shop ("Card payments"). */
  title: string;
  receives: string;
  why: string;
  country: string;
  safeguard: string;
  transfer: boolean;
}

export interface RecordPartner {
  name: string;
  receives: string;
  why: string;
  country: string;
  safeguard: string;
  transfer: boolean;
  policyUrl: string;
}

export interface RecordTransfer {
  to: string;
  kind: 'processor' | 'partner';
  country: string;
  safeguard: string;
}

export interface RecordsOfProcessing {
  controller: { name: string; address: string; email: string; icoNumber: string };
  /** Every kind of person whose data the shop handles. */
  subjects: { kind: RecordSubject; text: string }[];
  activities: ProcessingActivity[];
  processors: RecordProcessor[];
  partners: RecordPartner[];
  /** Transfers outside the United Kingdom, with their safeguards (empty when none). */
  transfers: RecordTransfer[];
  /** Every retention rule, each once, with its job. */
  retentionRules: RecordRetention[];
  security: SecurityMeasure[];
}

/** A partner as the record needs it. */
export type RecordsPartnerInput = Pick<Partner, 'name' | 'receives' | 'why' | 'country' | 'policyUrl'>;

const ONLY_WITH_CONSENT = 'only with the person’s consent to it by name';

export function retentionOf(rule: Retention | { kind: 'not-stored'; text: string }): RecordRetention {
  if (rule.kind === 'not-stored') return { text: rule.text, from: null, job: null };
  return { text: rule.text, from: rule.kind === 'until' ? rule.event : rule.from, job: rule.job };
}

export function erasureText(e: Erasure): string {
  if (e.action === 'delete') return 'Deleted';
  if (e.action === 'anonymise') return 'Anonymised (the value is removed, the row stays)';
  return `Kept (${LAWFUL_BASIS_TEXT[e.basis]}): ${e.reason}; until: ${e.until.text}`;
}

/** Where a partner is, and how sending it data out of the UK is made lawful. */
function partnerSafeguard(country: string): { country: string; safeguard: string; transfer: boolean } {
  const parsed = parseProcessorSetting(`partner; ${country}`);
  if (parsed.ok)
    return {
      country: parsed.value.country,
      safeguard: SAFEGUARD_TEXT[parsed.value.safeguard],
      transfer: parsed.value.country !== UNITED_KINGDOM,
    };
  return {
    country,
    safeguard: `No UK adequacy for ${country}: shared ${ONLY_WITH_CONSENT}, given after being told where the partner is based; a transfer agreement (the IDTA or the Addendum) is needed with the partner`,
    transfer: true,
  };
}

/** What a partner field is, as a category. */
const PARTNER_FIELD_CATEGORY: Record<PartnerField, DataCategory> = {
  first_name: 'identity',
  surname: 'identity',
  email: 'contact',
  postcode: 'address',
  town: 'address',
};

const areaOf = (feature: string, subjects: RecordSubject[]) => {
  const kinds = subjects.filter((s): s is SubjectKind => s !== 'visitor');
  const part = partOf(kinds);
  return POLICY_TOPICS[feature]?.[part] ?? POLICY_TOPICS[feature]?.customers ?? POLICY_TOPICS[feature]?.staff ?? feature;
};

const addOnce = <T>(list: T[], value: T, same: (a: T, b: T) => boolean = (a, b) => a === b) => {
  if (!list.some((v) => same(v, value))) list.push(value);
};

const sameRetention = (a: RecordRetention, b: RecordRetention) => a.text === b.text && a.job === b.job && a.from === b.from;

/**
 * The processors that handle an activity's data: the hosting (and backup) provider holds all that
 * is stored; the payment provider what its recipients say it receives (Opayo); the e-mail provider
 * what goes out by e-mail.
 */
function processorsFor(stored: boolean, text: string, processors: ProcessorInUse[]): ProcessorInUse[] {
  return processors.filter((p) => {
    if (p.role === 'hosting' || p.role === 'backups') return stored;
    if (p.role === 'payments') return /opayo|payment provider/i.test(text);
    return /e-mail delivery provider|smtp/i.test(text);
  });
}

/**
 * The record of processing, from the inventories, the shop profile, the processors in use and the
 * active partners. Pure: the back office passes what it has read; a test passes its own.
 */
export function recordsOfProcessing(
  inventories: readonly FeatureInventory[],
  profile: Config['shop'],
  processors: readonly ProcessorInUse[],
  partners: readonly RecordsPartnerInput[],
): RecordsOfProcessing {
  const inUse = [...processors];
  const activities: ProcessingActivity[] = [];
  const transfersOf = (ps: ProcessorInUse[]) => ps.filter((p) => p.transfer).map((p) => `${p.name}: ${p.country} — ${p.safeguardText}`);

  for (const inv of inventories) {
    const groups = new Map<string, { columns: PersonalColumn[]; transient: TransientProcessing[] }>();
    const groupOf = (purpose: string) => {
      let g = groups.get(purpose);
      if (!g) groups.set(purpose, (g = { columns: [], transient: [] }));
      return g;
    };
    for (const c of inv.personal) groupOf(c.purpose).columns.push(c);
    for (const t of inv.transient) groupOf(t.purpose).transient.push(t);
    let n = 0;
    for (const [purpose, g] of groups) {
      n++;
      const subjects: RecordSubject[] = [];
      for (const c of g.columns) for (const s of subjectsOf(inv, c)) addOnce(subjects, s);
      if (g.transient.length > 0) {
        const declared = inv.subjects.map((l) => l.subject);
        for (const s of declared.length > 0 ? declared : (['visitor'] as const)) addOnce<RecordSubject>(subjects, s);
      }
      const items: RecordItem[] = [
        ...g.columns.map((c): RecordItem => ({
          label: c.label,
          category: c.category,
          column: `${c.table}.${c.column}`,
          lawfulBasis: c.lawfulBasis,
          retention: retentionOf(c.retention),
          erasure: erasureText(c.erasure),
          where: 'Our database',
        })),
        ...g.transient.map((t): RecordItem => ({
          label: t.label,
          category: t.category,
          column: null,
          lawfulBasis: t.lawfulBasis,
          retention: retentionOf(t.retention),
          erasure: null,
          where: t.where,
        })),
      ];
      const categories: ProcessingActivity['categories'] = [];
      for (const i of items) {
        const entry = categories.find((c) => c.category === i.category);
        if (entry) addOnce(entry.labels, i.label);
        else categories.push({ category: i.category, text: CATEGORY_TEXT[i.category], labels: [i.label] });
      }
      const lawfulBases: ProcessingActivity['lawfulBases'] = [];
      for (const i of items)
        addOnce(lawfulBases, { basis: i.lawfulBasis, text: LAWFUL_BASIS_TEXT[i.lawfulBasis] }, (a, b) => a.basis === b.basis);
      const recipients: string[] = [];
      for (const c of g.columns) for (const r of c.recipients) addOnce(recipients, r);
      const retention: RecordRetention[] = [];
      for (const i of items) addOnce(retention, i.retention, sameRetention);
      const stored = g.columns.length > 0 || g.transient.some((t) => t.retention.kind !== 'not-stored');
      const handling = processorsFor(stored, [...recipients, ...g.transient.flatMap((t) => [t.where, t.retention.text])].join('\n'), inUse);
      activities.push({
        id: `${inv.feature}-${n}`,
        feature: inv.feature,
        area: areaOf(inv.feature, subjects),
        purpose,
        subjects: subjects.map((kind) => ({ kind, text: subjectText(kind) })),
        categories,
        lawfulBases,
        recipients,
        processors: handling.map((p) => p.name),
        partners: [],
        transfers: transfersOf(handling),
        retention,
        items,
      });
    }
  }

  const recordPartners: RecordPartner[] = partners.map((p) => ({
    name: p.name,
    receives: receivesInWords(p),
    why: p.why,
    policyUrl: p.policyUrl,
    ...partnerSafeguard(p.country),
  }));

  if (partners.length > 0) {
    const fields = [...new Set(partners.flatMap((p) => fieldsOf(p)))];
    const categories: ProcessingActivity['categories'] = [];
    for (const f of fields) {
      const category = PARTNER_FIELD_CATEGORY[f];
      const entry = categories.find((c) => c.category === category);
      if (entry) entry.labels.push(PARTNER_FIELDS[f]);
      else categories.push({ category, text: CATEGORY_TEXT[category], labels: [PARTNER_FIELDS[f]] });
    }
    const retention: RecordRetention = {
      text: 'Each partner keeps what it receives under its own privacy policy; the shop keeps the record of each sharing in its consent ledger',
      from: 'the details are shared',
      job: null,
    };
    activities.push({
      id: 'partners-1',
      feature: 'partners',
      area: areaOf('partners', ['customer']),
      purpose: `To share a customer’s details with a partner, ${ONLY_WITH_CONSENT}`,
      subjects: [{ kind: 'customer', text: SUBJECT_TEXT.customer }],
      categories,
      lawfulBases: [{ basis: 'consent', text: LAWFUL_BASIS_TEXT.consent }],
      recipients: recordPartners.map((p) => `${p.name}, ${ONLY_WITH_CONSENT}`),
      processors: [],
      partners: recordPartners.map((p) => p.name),
      transfers: recordPartners.filter((p) => p.transfer).map((p) => `${p.name}: ${p.country} — ${p.safeguard}`),
      retention: [retention],
      items: fields.map((f) => ({
        label: `Your ${PARTNER_FIELDS[f]}`,
        category: PARTNER_FIELD_CATEGORY[f],
        column: null,
        lawfulBasis: 'consent',
        retention,
        erasure: null,
        where: 'Sent to the partner in the partner export, only for the customers who consent to it',
      })),
    });
  }

  // Customers' (and visitors') data first, in the privacy policy's order of topics; staff members' after.
  const topics = Object.keys(POLICY_TOPICS);
  const rank = (a: ProcessingActivity) => {
    const staffOnly = partOf(a.subjects.map((s) => s.kind).filter((s): s is SubjectKind => s !== 'visitor')) === 'staff';
    return (staffOnly ? 1000 : 0) + Math.min(topics.indexOf(a.feature) >>> 0, 999);
  };
  activities.sort((a, b) => rank(a) - rank(b));

  const subjects: RecordSubject[] = [];
  for (const inv of inventories) for (const l of inv.subjects) addOnce(subjects, l.subject);
  for (const a of activities) for (const s of a.subjects) addOnce(subjects, s.kind);

  const retentionRules: RecordRetention[] = [];
  for (const a of activities) for (const r of a.retention) if (r.job !== null) addOnce(retentionRules, r, sameRetention);

  return {
    controller: { name: profile.name, address: profile.address, email: profile.email, icoNumber: profile.icoNumber },
    subjects: subjects.map((kind) => ({ kind, text: subjectText(kind) })),
    activities,
    processors: inUse.map((p) => ({
      name: p.name,
      role: p.role,
      title: p.title,
      receives: p.receives,
      why: p.why,
      country: p.country,
      safeguard: p.safeguardText,
      transfer: p.transfer,
    })),
    partners: recordPartners,
    transfers: [
      ...inUse
        .filter((p) => p.transfer)
        .map((p) => ({ to: p.name, kind: 'processor' as const, country: p.country, safeguard: p.safeguardText })),
      ...recordPartners
        .filter((p) => p.transfer)
        .map((p) => ({ to: p.name, kind: 'partner' as const, country: p.country, safeguard: p.safeguard })),
    ],
    retentionRules,
    security: securityMeasures({ backupsConfigured: inUse.some((p) => p.role === 'backups') }),
  };
}

/**
 * The inventories as the record and the retention schedule read them: with the backups' copies of
 * the database as processing outside it when backups are set up, their period from the keep
 * policy in force (as the privacy policy states it).
 */
export function inventoriesInForce(
  inventories: readonly FeatureInventory[],
  backups: { repository: string | null; keep: KeepPolicy },
): FeatureInventory[] {
  if (backups.repository === null) return [...inventories];
  return inventories.map((inv) =>
    inv.feature === 'backups' ? { ...inv, transient: [...inv.transient, backupCopies(backups.keep)] } : inv,
  );
}

/** The CSV's columns: one row per piece of data, then the controller, processors, partners and security measures. */
export const RECORDS_CSV_COLUMNS = [
  'Section',
  'Area',
  'Purpose',
  'Data subjects',
  'Category',
  'Data',
  'Lawful basis',
  'Recipients',
  'Processors',
  'Transfers outside the UK',
  'Retention',
  'From',
  'Enforced by',
  'Erasure',
  'Where',
] as const;

type CsvCells = Partial<Record<(typeof RECORDS_CSV_COLUMNS)[number], string>>;

/** The record as CSV rows (the header first), each a list of cells in RECORDS_CSV_COLUMNS order. */
export function recordsCsvRows(record: RecordsOfProcessing): string[][] {
  const rows: CsvCells[] = [
    { Section: 'Controller', Purpose: 'Name', Data: record.controller.name },
    { Section: 'Controller', Purpose: 'Address', Data: record.controller.address },
    { Section: 'Controller', Purpose: 'Privacy contact', Data: record.controller.email },
    { Section: 'Controller', Purpose: 'ICO registration number', Data: record.controller.icoNumber },
  ];
  for (const a of record.activities)
    for (const i of a.items)
      rows.push({
        Section: 'Processing',
        Area: a.area,
        Purpose: a.purpose,
        'Data subjects': a.subjects.map((s) => s.text).join('; '),
        Category: CATEGORY_TEXT[i.category],
        Data: i.column ? `${i.label} (${i.column})` : i.label,
        'Lawful basis': LAWFUL_BASIS_TEXT[i.lawfulBasis],
        Recipients: a.recipients.join('; '),
        Processors: a.processors.join('; '),
        'Transfers outside the UK': a.transfers.join('; ') || 'None',
        Retention: i.retention.text,
        From: i.retention.from ?? '',
        'Enforced by': i.retention.job ?? '',
        Erasure: i.erasure ?? '',
        Where: i.where,
      });
  for (const p of record.processors)
    rows.push({
      Section: 'Processor',
      Area: p.title,
      Purpose: p.why,
      Data: p.receives,
      Recipients: p.name,
      'Transfers outside the UK': `${p.country}: ${p.safeguard}`,
    });
  for (const p of record.partners)
    rows.push({
      Section: 'Partner',
      Purpose: p.why,
      Data: p.receives,
      Recipients: `${p.name}, ${ONLY_WITH_CONSENT}`,
      'Transfers outside the UK': `${p.country}: ${p.safeguard}`,
      Where: p.policyUrl,
    });
  for (const m of record.security) rows.push({ Section: 'Security measure', Purpose: m.title, Data: m.detail, Where: m.where.join('; ') });
  return [[...RECORDS_CSV_COLUMNS], ...rows.map((r) => RECORDS_CSV_COLUMNS.map((c) => r[c] ?? ''))];
}
