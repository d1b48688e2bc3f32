import { h } from 'preact';
import { render } from 'preact-render-to-string';
import { type Executor, inTransaction } from '../../db/database.js';
import { auditedRead } from '../audit/audit.service.js';
import { CONSENT_METHODS, CONSENT_PURPOSES, familyOf } from '../consent/consent.inventory.js';
import { customerById } from '../customers/customers.service.js';
import { whenText } from '../customers/views/when.js';
import { DELIVERY_OPTIONS, STATUS_LABELS } from '../orders/orders.domain.js';
import { ROLE_LABELS } from '../staff/staff.domain.js';
import { formatPence, vatIncluded } from '../../shared/money.js';
import { contracts } from './contracts.registry.js';
import { FLAG_TEXT } from './flags.service.js';
import { CHANNEL_TEXT, KIND_TEXT, STATUS_TEXT as REQUEST_STATUS_TEXT } from './requests.domain.js';
import type { CopySection, PersonalCopy } from './copy.types.js';
import type { Person, PersonalColumn, SubjectExport, TableName } from './inventory.js';
import { exportPerson } from './subjects.service.js';
import { CopyFile } from './views/copy-file.js';
import { loadYazl, stringifyCsv as stringify } from '../../shared/lazy.js';

/**
 * A person's copy of their data, free and at once (the right of access): every row each feature's
 * exporter returns, as the data itself (JSON, CSV of the orders) and in words, section by section.
 * No row is left out of the words: a table without a section of its own gets a plain one. Columns
 * the inventories leave out of a copy (one-way fingerprints of passwords and links) are in neither.
 */

export type { CopySection, PersonalCopy };

type Row = Record<string, unknown>;

/** The features whose rows are found through a person's orders: the orders, the bags they came from, the staff looks at them. */
const ORDER_FEATURES = new Set(['orders', 'bag', 'audit']);

const personalColumns = (): PersonalColumn[] => contracts.flatMap((c) => c.inventory.personal);

/** Never in a copy, whatever an exporter returns: one-way fingerprints of secrets are no use to the person and would help a guesser. */
const SECRET_COLUMN = /password_hash|token_hash|code_hash|secret/;

/**
 * A link in a kept e-mail that still works (to confirm an address, see a guest order) is a key, like
 * the fingerprints left out: the copy keeps the link's address and drops its key, so a copy passed
 * on cannot be used to act as the person.
 */
const LINK_KEY = /([?&](?:token|key)=)[A-Za-z0-9_-]{8,}/g;
const withoutLinkKeys = (v: unknown) => (typeof v === 'string' ? v.replace(LINK_KEY, '$1(removed)') : v);

/** The data as it goes into the copy: each table's rows without the columns the inventories leave out, nor the keys of links. */
export function copyData(exported: SubjectExport): SubjectExport {
  const leftOut = new Set(personalColumns().flatMap((c) => (c.leftOutOfExport ? [`${c.table}.${c.column}`] : [])));
  const out: SubjectExport = {};
  for (const [table, rows] of Object.entries(exported) as [TableName, Row[]][]) {
    if (!rows || rows.length === 0) continue;
    // The columns to keep are the same for every row of a table: decided once, from the first row's.
    const kept = Object.keys(rows[0] ?? {}).filter((column) => !leftOut.has(`${table}.${column}`) && !SECRET_COLUMN.test(column));
    const scrub = table === 'mail_outbox';
    out[table] = rows.map((row) => {
      const copy: Row = {};
      for (const column of kept) copy[column] = scrub ? withoutLinkKeys(row[column]) : row[column];
      for (const column of Object.keys(row))
        if (!(column in copy) && !leftOut.has(`${table}.${column}`) && !SECRET_COLUMN.test(column))
          copy[column] = scrub ? withoutLinkKeys(row[column]) : row[column];
      return copy;
    });
  }
  return out;
}

/**
 * Everything the shop holds about the person, read in one transaction. Guest orders are found by
 * e-mail address; for an account whose address was never confirmed, that address is not shown
 * to be theirs, so orders (and what hangs on them) are then found by the account alone.
 */
export async function makeCopy(db: Executor, person: Person, now: Date): Promise<PersonalCopy> {
  const exported = await inTransaction(db, async (trx) => {
    const account = person.customerId === null ? null : await customerById(trx, person.customerId);
    if (!account || account.email_verified_at !== null) return exportPerson(trx, person);
    const unconfirmed = account.email.trim().toLowerCase();
    const byAccount: Person = { ...person, emails: person.emails.filter((e) => e.trim().toLowerCase() !== unconfirmed) };
    const orderSide = contracts.filter((c) => ORDER_FEATURES.has(c.inventory.feature));
    const rest = contracts.filter((c) => !ORDER_FEATURES.has(c.inventory.feature));
    return { ...(await exportPerson(trx, byAccount, orderSide)), ...(await exportPerson(trx, person, rest)) };
  });
  const data = copyData(exported);
  return { madeAt: now.toISOString(), emails: person.emails, sections: sectionsOf(data, person), data };
}

/** How the copy was taken: read on the page, or downloaded as a zip. */
export type CopyForm = 'page' | 'zip';

/**
 * A signed-in customer's own copy, recorded in the audit trail in the same transaction that reads
 * it: the entry says that the account's data left the shop, in which form and which tables, never
 * what they held. The actor is the customer (no staff member), under its own subject type so that
 * it is not listed among the staff looks at the account.
 */
export function customerCopy(db: Executor, customerId: number, person: Person, form: CopyForm, now: Date): Promise<PersonalCopy> {
  return auditedRead(
    db,
    now,
    (trx) => makeCopy(trx, person, now),
    (copy) => ({
      actor: { staffId: null, role: 'customer' },
      action: 'export',
      subject: { type: 'own-copy', id: customerId },
      fields: Object.keys(copy.data),
      reason:
        form === 'zip' ? 'The customer downloaded their data as a zip from Account Home' : 'The customer read their data in Account Home',
      network: null,
    }),
  );
}

// ——— In words ———

const text = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
const when = (v: unknown): string => (v ? whenText(String(v), true) : '');
const money = (v: unknown): string => (typeof v === 'number' ? formatPence(v) : text(v));
const yesNo = (v: unknown): string => (v === 1 || v === true || v === '1' ? 'Yes' : 'No');
const roleText = (role: unknown): string => (ROLE_LABELS as Record<string, string | undefined>)[text(role)] ?? 'Shop staff';
const statusText = (s: unknown): string => (STATUS_LABELS as Record<string, string | undefined>)[text(s)] ?? text(s);
const deliveryText = (m: unknown): string => (DELIVERY_OPTIONS as Record<string, { label: string } | undefined>)[text(m)]?.label ?? text(m);
const purposeText = (p: unknown): string => {
  const key = text(p);
  const name = (CONSENT_PURPOSES as Record<string, { name: string } | undefined>)[familyOf(key)]?.name ?? key;
  const number = key.split(':')[1];
  return number ? `${name} (number ${number})` : name;
};
const ACTION_TEXT: Record<string, string> = {
  view: 'Looked at',
  change: 'Changed',
  export: 'Exported',
  delete: 'Deleted',
  create: 'Created',
};
const lookup = (labels: Record<string, string>, v: unknown): string => labels[text(v)] ?? text(v);
const methodText = (m: unknown): string => (CONSENT_METHODS as Record<string, string | undefined>)[text(m)] ?? text(m);

type Field = { label: string; value: string };
/** Labelled values, without the empty ones. */
const fields = (pairs: [string, string][]): Field[] => pairs.filter(([, v]) => v !== '').map(([label, value]) => ({ label, value }));
const names = (...parts: unknown[]) =>
  parts
    .map(text)
    .filter((p) => p !== '')
    .join(' ');
const lines = (...parts: unknown[]) =>
  parts
    .map(text)
    .filter((p) => p !== '')
    .join(', ');

const rowsOf = (data: SubjectExport, table: TableName): Row[] => (data[table] ?? []) as Row[];

/** Rows grouped by the order they belong to, in their order. */
function byOrder(rows: Row[]): Map<unknown, Row[]> {
  const out = new Map<unknown, Row[]>();
  for (const r of rows) {
    const list = out.get(r.order_id);
    if (list) list.push(r);
    else out.set(r.order_id, [r]);
  }
  return out;
}

/** The plain words for a column with no section of its own: the inventory's label, or its name made readable. */
function columnLabel(table: string, column: string): string {
  const declared = personalColumns().find((c) => c.table === table && c.column === column);
  if (declared) return declared.label;
  const words = column.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function genericValue(column: string, v: unknown): string {
  if (typeof v === 'string' && /(_at|^at)$/.test(column) && !Number.isNaN(Date.parse(v))) return when(v);
  if (/_pence$/.test(column)) return money(v);
  return text(v);
}

/** Titles for tables that have no section of their own but a name people know. */
const TABLE_TITLES: Partial<Record<TableName, string>> = {
  bags: 'Shopping bags',
  bag_items: 'Pieces in your shopping bags',
  stock_movements: 'Stock changes you made',
  price_changes: 'Price changes you made',
  staff_networks: 'Networks you signed in to the back office from',
  staff_tokens: 'Back-office links we e-mailed you',
};

function genericSection(table: TableName, rows: Row[]): CopySection {
  const contract = contracts.flatMap((c) => c.inventory.tables).find((t) => t.table === table);
  const feature = contracts.find((c) => c.inventory.tables.some((t) => t.table === table))?.inventory.feature;
  return {
    id: `table-${table.replace(/_/g, '-')}`,
    title: TABLE_TITLES[table] ?? `Other records: ${table.replace(/_/g, ' ')}`,
    intro: [`What we keep in our ${feature ?? 'shop'} records (the ${table} table) about you.`, contract?.note ?? ''].join(' ').trim(),
    items: rows.map((row) => ({
      fields: fields(Object.entries(row).map(([c, v]) => [columnLabel(table, c), genericValue(c, v)])),
    })),
  };
}

/** The readable sections, in the order a person looks for them; every table of the data appears in one. */
function sectionsOf(data: SubjectExport, person: Person): CopySection[] {
  const used = new Set<TableName>();
  const take = (table: TableName) => {
    used.add(table);
    return rowsOf(data, table);
  };
  const sections: CopySection[] = [];

  const customers = take('customers');
  const staff = take('staff');
  sections.push({
    id: 'profile',
    title: 'Your profile',
    intro: 'The details of your account with us.',
    items: [
      ...customers.map((c) => ({
        heading: 'Your account',
        fields: fields([
          ['First name', text(c.first_name)],
          ['Surname', text(c.surname)],
          ['E-mail address', text(c.email)],
          ['Phone', text(c.phone)],
          ['E-mail address confirmed', c.email_verified_at ? when(c.email_verified_at) : 'Not yet'],
          ['Account opened', when(c.created_at)],
          ['Last changed', when(c.updated_at)],
        ]),
      })),
      ...staff.map((s) => ({
        heading: 'Your back-office account',
        fields: fields(Object.entries(s).map(([k, v]) => [columnLabel('staff', k), genericValue(k, v)])),
      })),
    ],
  });

  sections.push({
    id: 'addresses',
    title: 'Addresses',
    intro: 'Your address book.',
    items: take('customer_addresses').map((a) => ({
      heading: names(a.first_name, a.surname),
      fields: fields([
        ['Name', names(a.first_name, a.surname)],
        ['Address line 1', text(a.line1)],
        ['Address line 2', text(a.line2)],
        ['Town or city', text(a.city)],
        ['Postcode', text(a.postcode)],
        ['Default for delivery', yesNo(a.is_default)],
        ['Added', when(a.created_at)],
      ]),
    })),
  });

  // Each order's lines, history and payments, found by its id at once rather than by reading every row for each order.
  const lineRows = byOrder(take('order_lines'));
  const events = byOrder(take('order_events'));
  const payments = byOrder(take('payment_attempts'));
  sections.push({
    id: 'orders',
    title: 'Orders',
    intro:
      'Every order you placed, signed in or as a guest with your e-mail address: what you bought, what it cost, and what happened to it.',
    items: take('orders').map((o) => ({
      heading: `Order ${text(o.number)}`,
      fields: fields([
        ['Order number', text(o.number)],
        ['Placed', when(o.created_at)],
        ['Status', statusText(o.status)],
        ['Placed as', o.customer_id === null ? 'A guest' : 'Signed in to your account'],
        ['Name', names(o.first_name, o.surname)],
        ['E-mail address', text(o.email)],
        ['Phone', text(o.phone)],
        ['Billing address', lines(o.billing_line1, o.billing_line2, o.billing_city, o.billing_postcode)],
        ['Delivery name', names(o.delivery_first_name, o.delivery_surname)],
        ['Delivery address', lines(o.delivery_line1, o.delivery_line2, o.delivery_city, o.delivery_postcode, o.delivery_country)],
        ['Delivery', deliveryText(o.delivery_method)],
        ['Gift message', text(o.gift_message)],
        ...(lineRows.get(o.id) ?? []).map((l): [string, string] => [
          'Piece',
          `${text(l.product_name)} — ${text(l.variant_label)} (${text(l.sku)}), ${text(l.quantity)} × ${money(l.unit_pence)}`,
        ]),
        ['Pieces', money(o.subtotal_pence)],
        ['Delivery charge', money(o.delivery_pence)],
        ['Total', money(o.total_pence)],
        ['Of which VAT (20 %)', typeof o.total_pence === 'number' ? formatPence(vatIncluded(o.total_pence)) : ''],
        ['Refunded', typeof o.refunded_pence === 'number' && o.refunded_pence > 0 ? money(o.refunded_pence) : ''],
        ['Tracking number', text(o.tracking_number)],
        ...(events.get(o.id) ?? []).map((e): [string, string] => ['History', `${when(e.at)}: ${text(e.detail) || text(e.kind)}`]),
        ...(payments.get(o.id) ?? []).map((p): [string, string] => [
          'Payment',
          lines(
            when(p.created_at),
            money(p.amount_pence),
            text(p.status),
            text(p.status_detail),
            p.tx_auth_no ? `authorisation ${text(p.tx_auth_no)}` : '',
          ),
        ]),
      ]),
    })),
  });

  const isAlert = (r: Row) => familyOf(text(r.purpose)) === 'stock-alert';
  const state = take('consent_state');
  const ledger = take('consent_ledger');
  const asked = take('consent_requests');
  const suppressed = take('marketing_suppressions');
  const legacy = take('consent_legacy_ticks');
  sections.push({
    id: 'choices',
    title: 'Your choices now',
    intro: 'What you have said yes or no to, as it stands today.',
    items: [
      ...state
        .filter((r) => !isAlert(r))
        .map((r) => ({
          heading: purposeText(r.purpose),
          fields: fields([
            ['Choice', purposeText(r.purpose)],
            ['Your answer', r.given === 1 || r.given === true ? 'Yes' : 'No'],
            ['Since', when(r.changed_at)],
            ['For the address', text(r.email)],
          ]),
        })),
      ...asked
        .filter((r) => !isAlert(r))
        .map((r) => ({
          heading: `${purposeText(r.purpose)}: waiting for your confirmation`,
          fields: fields([
            ['Asked', when(r.created_at)],
            ['How', methodText(r.method)],
            ['For the address', text(r.email)],
            ['Policy version', text(r.policy_version)],
          ]),
        })),
      ...suppressed.map((r) => ({
        heading: 'Never to be sent marketing',
        fields: fields(Object.entries(r).map(([k, v]) => [columnLabel('marketing_suppressions', k), genericValue(k, v)])),
      })),
      ...legacy.map((r) => ({
        heading: 'A tick from before our consent records began',
        fields: fields(Object.entries(r).map(([k, v]) => [columnLabel('consent_legacy_ticks', k), genericValue(k, v)])),
      })),
    ],
  });

  sections.push({
    id: 'consent-history',
    title: 'Consent history',
    intro: 'Every time you gave or withdrew a consent: when, to what, how, and the version of our privacy policy in force.',
    items: ledger.map((r) => ({
      heading: `${when(r.at)}: ${purposeText(r.purpose)}`,
      fields: fields([
        ['When', when(r.at)],
        ['What', purposeText(r.purpose)],
        ['Given or withdrawn', text(r.action) === 'given' ? 'Given' : text(r.action) === 'withdrawn' ? 'Withdrawn' : text(r.action)],
        ['How', methodText(r.method)],
        ['The words you were shown', text(r.wording)],
        ['Policy version', text(r.policy_version)],
        ['For the address', text(r.email)],
        ['Recorded by our staff', r.staff_id === null || r.staff_id === undefined ? '' : 'Yes'],
        ['Reason', text(r.reason)],
        ['Detail', text(r.detail)],
      ]),
    })),
  });

  sections.push({
    id: 'alerts',
    title: 'Back-in-stock alerts',
    intro: 'The pieces you asked us to tell you about when they are back.',
    items: [
      ...state.filter(isAlert).map((r) => ({
        heading: purposeText(r.purpose),
        fields: fields([
          ['Alert', purposeText(r.purpose)],
          ['What you asked', text(ledger.findLast((e) => e.purpose === r.purpose && e.wording)?.wording)],
          ['Active', r.given === 1 || r.given === true ? 'Yes' : 'No'],
          ['Since', when(r.changed_at)],
          ['For the address', text(r.email)],
        ]),
      })),
      ...asked.filter(isAlert).map((r) => ({
        heading: `${purposeText(r.purpose)}: waiting for your confirmation`,
        fields: fields([
          ['Asked', when(r.created_at)],
          ['For the address', text(r.email)],
          ['Policy version', text(r.policy_version)],
        ]),
      })),
    ],
  });

  const staffSessions = take('staff_sessions');
  sections.push({
    id: 'sessions',
    title: 'Signed-in sessions',
    intro: 'The devices and browsers signed in to your account, when each session started and when it was last used.',
    items: [
      ...take('customer_sessions').map((s) => ({
        heading: text(s.device) || 'A browser we could not name',
        fields: fields([
          ['Device and browser', text(s.device) || 'Not known'],
          ['Started', when(s.created_at)],
          ['Last seen', when(s.last_seen_at)],
          ['Ends', when(s.expires_at)],
          ['Remembered on this device', yesNo(s.remember)],
        ]),
      })),
      ...staffSessions.map((s) => ({
        heading: 'Back-office session',
        fields: fields(Object.entries(s).map(([k, v]) => [columnLabel('staff_sessions', k), genericValue(k, v)])),
      })),
    ],
  });

  sections.push({
    id: 'links',
    title: 'Links we e-mailed you',
    intro:
      'The one-time links we sent (to confirm an address or reset a password); we keep only a fingerprint of each link, never the link.',
    items: take('customer_tokens').map((t) => ({
      heading: text(t.purpose).replace(/-/g, ' '),
      fields: fields([
        ['For', text(t.purpose).replace(/-/g, ' ')],
        ['To the address', text(t.email)],
        ['Sent', when(t.created_at)],
        ['Valid until', when(t.expires_at)],
        ['Used', t.used_at ? when(t.used_at) : 'No'],
      ]),
    })),
  });

  sections.push({
    id: 'emails',
    title: 'E-mails we sent you that are still kept',
    intro: 'Each e-mail we sent you, or are about to send, that our records still hold.',
    items: take('mail_outbox').map((m) => ({
      heading: `${when(m.created_at)}: ${text(m.subject)}`,
      fields: fields([
        ['Date', when(m.created_at)],
        ['Subject', text(m.subject)],
        ['Kind', text(m.kind).replace(/-/g, ' ')],
        ['Our reference', text(m.reference)],
        ['To', text(m.to_address)],
        ['Reply to', text(m.reply_to)],
        ['Sent', m.sent_at ? when(m.sent_at) : 'Not yet'],
        ['Text', text(m.text_body)],
      ]),
    })),
  });

  const audit = take('audit_log');
  const byThem = audit.filter((r) => person.staffId !== null && r.actor_staff_id === person.staffId);
  sections.push({
    id: 'staff-looks',
    title: 'Who at the shop looked at your data',
    intro: 'Each time one of our staff opened or changed your account or your orders: their role and the time.',
    items: audit
      .filter((r) => !byThem.includes(r))
      .map((r) => ({
        heading: `${when(r.at)}: ${roleText(r.actor_role)}`,
        fields: fields([
          ['When', when(r.at)],
          ['Who (role)', roleText(r.actor_role)],
          [
            'What',
            r.subject_type === 'order'
              ? `Order ${text(r.subject_id)}`
              : r.subject_type === 'customer'
                ? 'Your account'
                : text(r.subject_type),
          ],
          ['Action', ACTION_TEXT[text(r.action)] ?? text(r.action)],
          ['Details seen or changed', text(r.fields).replace(/_/g, ' ').replace(/,/g, ', ')],
        ]),
      })),
  });
  if (byThem.length > 0)
    sections.push({
      id: 'staff-actions',
      title: 'What you did in the back office',
      intro: 'The audit trail entries you wrote as a member of staff.',
      items: byThem.map((r) => ({
        heading: `${when(r.at)}: ${text(r.action)} ${text(r.subject_type)} ${text(r.subject_id)}`,
        fields: fields(Object.entries(r).map(([k, v]) => [columnLabel('audit_log', k), genericValue(k, v)])),
      })),
    });

  const requestEvents = take('privacy_request_events');
  sections.push({
    id: 'privacy-requests',
    title: 'Your privacy requests',
    intro: 'The requests you made about your data, and each step we took.',
    items: take('privacy_requests').map((r) => ({
      heading: `Request ${text(r.reference)}`,
      fields: fields([
        ['Reference', text(r.reference)],
        ['What you asked', lookup(KIND_TEXT, r.kind)],
        ['How it came', lookup(CHANNEL_TEXT, r.channel)],
        ['Status', lookup(REQUEST_STATUS_TEXT, r.status)],
        ['E-mail address', text(r.email)],
        ['Name', text(r.name)],
        ['Details you gave', text(r.details)],
        ['Received', when(r.received_at)],
        ['Confirmed', when(r.confirmed_at)],
        ['Due', when(r.due_at)],
        ['Extended to', when(r.extended_due_at)],
        ['Why it was extended', text(r.extension_reason)],
        ['Acknowledged', when(r.acknowledged_at)],
        ['Closed', when(r.closed_at)],
        ['Outcome', text(r.outcome)],
        ...requestEvents
          .filter((e) => e.request_id === r.id)
          .map((e): [string, string] => ['Step', lines(when(e.at), text(e.step).replace(/-/g, ' '), text(e.note))]),
      ]),
    })),
  });

  sections.push({
    id: 'flags',
    title: 'Your objections and restrictions',
    intro: 'What you asked us to stop doing with your data; every part of the shop checks these before using it.',
    items: take('privacy_flags').map((f) => ({
      heading: lookup(FLAG_TEXT, f.kind),
      fields: fields([
        ['What', lookup(FLAG_TEXT, f.kind)],
        ['Since', when(f.set_at)],
      ]),
    })),
  });

  sections.push({
    id: 'enquiries',
    title: 'Enquiries',
    intro: 'The messages you sent us through the contact form.',
    items: take('contact_messages').map((m) => ({
      heading: `${when(m.created_at)}: ${text(m.subject)}`,
      fields: fields(
        Object.entries(m)
          .filter(([k]) => k !== 'id')
          .map(([k, v]) => [k === 'created_at' ? 'Sent' : columnLabel('contact_messages', k), genericValue(k, v)]),
      ),
    })),
  });

  // Everything else any exporter returned: a plain section per table, so nothing is left out of the words.
  for (const [table, rows] of Object.entries(data) as [TableName, Row[]][])
    if (!used.has(table) && rows.length > 0) sections.push(genericSection(table, rows));
  return sections;
}

// ——— As files ———

/** The date of the copy in its file names (UK day). */
export function copyDay(copy: PersonalCopy): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date(copy.madeAt));
}

const ORDER_COLUMNS = [
  'number',
  'created_at',
  'status',
  'first_name',
  'surname',
  'email',
  'phone',
  'billing_line1',
  'billing_line2',
  'billing_city',
  'billing_postcode',
  'delivery_first_name',
  'delivery_surname',
  'delivery_line1',
  'delivery_line2',
  'delivery_city',
  'delivery_postcode',
  'delivery_country',
  'delivery_method',
  'gift_message',
  'subtotal_pence',
  'delivery_pence',
  'total_pence',
  'refunded_pence',
  'tracking_number',
  'paid_at',
  'dispatched_at',
  'delivered_at',
  'cancelled_at',
];
const LINE_COLUMNS = ['order_number', 'sku', 'product_name', 'variant_label', 'quantity', 'unit_pence'];

/** CSV with a header; a value a spreadsheet would run as a formula is escaped. */
const csvOf = (rows: Row[], columns: string[]) =>
  // Rows as arrays, the header first: csv-stringify then need not look each column up by name (four times faster).
  stringify([columns, ...rows.map((r) => columns.map((c) => r[c] ?? ''))], { escape_formulas: true, bom: true });

/** The copy as a zip a person can take elsewhere: the readable page, JSON of every table, CSV of the orders, a README. */
export async function zipOfCopy(copy: PersonalCopy, shopName: string): Promise<Buffer> {
  const orders = (copy.data.orders ?? []) as Row[];
  const numberOf = new Map(orders.map((o) => [o.id, o.number]));
  const orderLines = ((copy.data.order_lines ?? []) as Row[]).map((l) => ({ ...l, order_number: numberOf.get(l.order_id) ?? '' }));
  const made = whenText(copy.madeAt, true);
  const readme = [
    `Your data from ${shopName}`,
    '',
    `A copy of everything ${shopName} holds about you, made ${made} (UK time), for ${copy.emails.join(', ')}.`,
    '',
    'The files:',
    '- README.txt: this note.',
    '- copy.html: the same copy to read, section by section; open it in any web browser.',
    '- data.json: every record we hold about you, table by table, as the data itself, to take elsewhere.',
    '- orders.csv: your orders, one a line (amounts in pence), for a spreadsheet.',
    '- order-lines.csv: the pieces of each order, one a line, with the order number (amounts in pence).',
    '',
    'One-way fingerprints of your password and of the links we e-mailed you are not included: they are of no use to you and would help someone guessing them.',
    'This copy is free. Times in data.json and the CSV files are in UTC.',
  ].join('\r\n');
  const html = `<!doctype html>${render(h(CopyFile, { copy, shopName }))}`;
  // Added in this order, so the same copy always makes the same zip; deflated by the runtime's own zlib.
  const files: [string, string][] = [
    ['README.txt', readme],
    ['copy.html', html],
    // Compact: the data is for programs (the readable copy is copy.html), and half the bytes to check and deflate.
    ['data.json', JSON.stringify(copy.data)],
    ['orders.csv', csvOf(orders, ORDER_COLUMNS)],
    ['order-lines.csv', csvOf(orderLines, LINE_COLUMNS)],
  ];
  const mtime = new Date(copy.madeAt);
  const zip = new (loadYazl().ZipFile)();
  for (const [name, content] of files) zip.addBuffer(Buffer.from(content, 'utf8'), name, { mtime, compressionLevel: 1 });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
