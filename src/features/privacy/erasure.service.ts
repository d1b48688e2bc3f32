import type { FastifyInstance } from 'fastify';
import { inTransaction } from '../../db/database.js';
import { recordAudit } from '../audit/audit.service.js';
import { enqueueMail, eraseMailFilesOf, forgetMailAbout, messageIdDomain } from '../mail/outbox.service.js';
import { type CalendarDate, type MonthDay, erasureWaitsFor, londonDate, taxRecordKeptUntil } from '../orders/orders.domain.js';
import { finishErasureOfOrders } from '../orders/orders.service.js';
import { contracts } from './contracts.registry.js';
import { erasedMail, erasureFinishedMail } from './erasure.mail.js';
import { deleteExpiredJournalEntries, noteWaitingOrders, recordErasure, unfinishedErasures } from './erasure.journal.js';
import { type ErasureReport, type Person, type SubjectExport, type SubjectKind, emailsOf } from './inventory.js';
import { type Traces, traceKeysOf } from './residue.service.js';
import { erasePerson, exportPerson } from './subjects.service.js';

/**
 * Erasure of one person, from Account Home or a staff-handled request: everything not needed for
 * a legal obligation goes in one transaction across every feature (erasePerson), the erasure is
 * journaled under keyed hashes (so a restored backup can have it applied again), the person's
 * traces are recorded as keyed hashes for a residue scan, and they are told by e-mail what was
 * kept, why and until when. An order still to be delivered, or in its returns window, is finished
 * first: it leaves the account at once and is erased by the job `privacy.erasures` afterwards.
 */

/** Who asked for the erasure: the person themselves (Account Home), or a member of staff handling a request. */
export type ErasureActor = { kind: 'person' } | { kind: 'staff'; staffId: number; role: string };

/** Something the erasure kept, as the person is told: what, why, until when. */
export interface KeptRecord {
  what: string;
  why: string;
  until: string;
}

export interface ErasureOutcome {
  report: ErasureReport;
  journalId: number;
  /** Order numbers not yet delivered or still in the returns window: finished first, erased after. */
  waitingOrders: string[];
  kept: KeptRecord[];
  /** Keyed hashes of the person's e-mail, names, phone, address lines and postcodes, for a residue scan later. */
  traceKeys: string[];
}

const longDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const dateText = (d: CalendarDate) => longDate.format(new Date(Date.UTC(d.year, d.month - 1, d.day)));

/** The last day the tax record of an order placed at this instant is kept: the end of the sixth financial year after the sale's. */
export function taxRecordUntilText(createdAt: string, yearEnd: MonthDay): string {
  return dateText(taxRecordKeptUntil(londonDate(new Date(createdAt)), yearEnd));
}

const PERSON_SUBJECTS: readonly SubjectKind[] = ['customer', 'guest-buyer', 'newsletter-signup', 'enquirer', 'requester'];

/**
 * What erasing a customer keeps, from every feature's inventory: the columns whose erasure is
 * `keep`, grouped by their reason and period, for the "Delete my account" page and the e-mail.
 * Staff members' columns (the audit trail's record of who worked) are left out: a customer is none.
 */
export function keptByInventory(): KeptRecord[] {
  const groups = new Map<string, KeptRecord & { labels: string[] }>();
  for (const { inventory } of contracts) {
    for (const column of inventory.personal) {
      if (column.erasure.action !== 'keep') continue;
      if (column.subjects && !column.subjects.some((s) => PERSON_SUBJECTS.includes(s))) continue;
      const id = `${column.erasure.reason}\u0000${column.erasure.until.text}`;
      const group = groups.get(id) ?? { what: '', why: column.erasure.reason, until: column.erasure.until.text, labels: [] };
      group.labels.push(column.label);
      groups.set(id, group);
    }
  }
  return [...groups.values()].map(({ labels, why, until }) => ({ what: labels.join('; '), why, until }));
}

/** What the erasure deletes, in words, for the person. */
export const DELETED_TEXT = [
  'your account, details and password',
  'your address book',
  'where you were signed in',
  'your shopping bag',
  'e-mails we sent you',
  'your newsletter sign-ups and stock alerts',
  'your messages through our contact form',
  'your name, e-mail address, phone number and addresses on your orders',
];

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/**
 * The person's values in their copy, to record as trace keys: every e-mail address (the account's,
 * the orders', the outbox's recipients), full names ("first surname", as an order or account
 * holds them, or a name typed in the contact form), phones, address lines and postcodes, read by
 * the column names every feature uses for them.
 */
export function tracesOfCopy(copy: SubjectExport, person: Person, shopAddresses: string[] = []): Traces {
  const traces: Traces = { emails: [...emailsOf(person)], names: [], phones: [], lines: [], postcodes: [] };
  // An enquiry the person sent went to the shop's own inbox: the shop's address is no trace of them.
  const shop = new Set(shopAddresses.map((a) => a.trim().toLowerCase()));
  for (const [table, rows] of Object.entries(copy)) {
    if (!rows || rows.length === 0) continue;
    // What each column holds is the same on every row of a table: sorted once, from the first row's columns.
    const columns = Object.keys(rows[0] ?? {}).flatMap((column): [string, keyof Traces, string | null][] => {
      if (/(^|_)email$/.test(column) || column === 'to_address' || column === 'reply_to') return [[column, 'emails', null]];
      if (column === 'phone') return [[column, 'phones', null]];
      if (/line[12]$/.test(column)) return [[column, 'lines', null]];
      if (/postcode$/.test(column)) return [[column, 'postcodes', null]];
      if (column === 'name' && table === 'contact_messages') return [[column, 'names', null]];
      if (/(^|_)first_name$/.test(column)) return [[column, 'names', column.replace(/first_name$/, 'surname')]];
      return [];
    });
    for (const row of rows)
      for (const [column, kind, surnameColumn] of columns) {
        const v = text(row[column]);
        if (v === null) continue;
        if (surnameColumn === null) traces[kind].push(v);
        else {
          const surname = text(row[surnameColumn]);
          if (surname) traces[kind].push(`${v} ${surname}`);
        }
      }
  }
  traces.emails = traces.emails.filter((e) => !shop.has(e.trim().toLowerCase()));
  return traces;
}

/** What an exported order says about when its erasure can happen and how long its tax record is kept. */
type OrderFacts = Parameters<typeof erasureWaitsFor>[0] & { number: string; created_at: string };

/** The person's first name, to greet them, from their account or an order. */
function firstNameIn(copy: SubjectExport): string | null {
  return text(copy.customers?.[0]?.first_name) ?? text(copy.orders?.at(-1)?.first_name);
}

/** Erases the person across every feature in one transaction, journals it, and tells them by e-mail what was kept, why and until when. */
export async function eraseSomeone(
  app: FastifyInstance,
  person: Person,
  now: Date,
  by: { requestId: number | null; actor: ErasureActor },
): Promise<ErasureOutcome> {
  const emails = emailsOf(person);
  const outcome = await inTransaction(app.db, async (trx) => {
    const copy = await exportPerson(trx, person);
    const traceKeys = traceKeysOf(app.config.secretKey, tracesOfCopy(copy, person, [app.config.shop.email]));
    // Which orders wait, and each one's date, from the orders just read for the traces: the same rows, in the same transaction.
    const rows = (copy.orders ?? []) as OrderFacts[];
    const waitingOrders = rows.filter((o) => erasureWaitsFor(o, now)).map((o) => o.number);
    const orders = rows.map((o) => ({ number: o.number, createdAt: o.created_at, paid: o.paid_at !== null }));
    const firstName = firstNameIn(copy);
    // The address to tell: the account's, else the one the request or the orders came from.
    const to = text(copy.customers?.[0]?.email) ?? person.emails[0] ?? null;

    const report = await erasePerson(trx, person, now);
    const journalId = await recordErasure(trx, { person, requestId: by.requestId, waitingOrders }, now);

    const kept: KeptRecord[] = [];
    // One line per end date, naming its orders: a customer with 500 orders gets a readable e-mail, not 500 paragraphs.
    const waiting = new Set(waitingOrders);
    const byEnd = new Map<string, string[]>();
    for (const o of orders.filter((x) => x.paid && !waiting.has(x.number))) {
      const until = taxRecordUntilText(o.createdAt, app.config.financialYearEnd);
      byEnd.set(until, [...(byEnd.get(until) ?? []), o.number]);
    }
    for (const [until, numbers] of byEnd) {
      kept.push({
        what: `The tax record of ${numbers.length === 1 ? 'order' : 'orders'} ${numbers.join(', ')}: the date, what was bought, the amounts, VAT and the delivery country — without your name, contact details or addresses`,
        why: 'tax law requires us to keep sales records',
        until,
      });
    }
    for (const n of waitingOrders) {
      kept.push({
        what: `Order ${n}, with the delivery name and address and your e-mail address`,
        why: 'we need them to deliver it and to take it back if you return it',
        until: '30 days after it is delivered; then only its tax record is kept',
      });
    }
    if (emails.length > 0) {
      kept.push({
        what: 'A keyed fingerprint of your e-mail address on our marketing suppression list (never the address itself)',
        why: 'so that we never send you marketing again',
        until: 'for as long as we send marketing e-mail',
      });
    }

    if (to) {
      const mail = erasedMail(
        { shopName: app.config.shop.name, shopEmail: app.config.shop.email, backupKeep: app.config.backups.keep },
        { to, firstName, deleted: DELETED_TEXT, kept, waitingOrders, reference: `erasure-${journalId}` },
      );
      await enqueueMail(trx, mail, now, messageIdDomain(app.config.publicUrl));
    }
    await recordAudit(
      trx,
      {
        actor: by.actor.kind === 'staff' ? { staffId: by.actor.staffId, role: by.actor.role } : { staffId: null, role: 'customer' },
        action: 'delete',
        subject: { type: 'erasure', id: journalId },
        fields: [],
        reason: by.requestId === null ? 'erasure asked for from Account Home' : `erasure request ${by.requestId}`,
      },
      now,
    );
    return { report, journalId, waitingOrders, kept, traceKeys };
  });
  // Files are outside the transaction: the development mailer's copies go once the erasure is committed.
  await eraseMailFilesOf(app.config.outboxDir, emails);
  return outcome;
}

/**
 * Policy (job `privacy.erasures`): an erasure waiting for open orders is finished once each is
 * delivered (or dispatched) and past the 30-day returns window, or cancelled or refunded: the order
 * keeps only its tax record, its e-mails go from the outbox, and the person is told (at the
 * order's address, read before it is emptied). Journal entries are deleted JOURNAL_RETENTION_DAYS
 * (120) after their erasure finished.
 */
export async function finishWaitingErasures(
  app: FastifyInstance,
  now: Date,
): Promise<{ orders: number; finished: number; deleted: number }> {
  let orders = 0;
  let finished = 0;
  const told: string[] = [];
  for (const entry of await unfinishedErasures(app.db)) {
    const done = await inTransaction(app.db, async (trx) => {
      const result = await finishErasureOfOrders(trx, entry.waitingOrders, now);
      const stillWaiting = entry.waitingOrders.filter((n) => result.stillWaiting.includes(n));
      if (result.finished.length === 0 && stillWaiting.length === entry.waitingOrders.length) return { orders: 0, finished: false };
      await forgetMailAbout(
        trx,
        result.finished.map((o) => o.number),
      );
      for (const o of result.finished) {
        if (o.email.trim() === '') continue;
        const mail = erasureFinishedMail(
          { shopName: app.config.shop.name, shopEmail: app.config.shop.email, backupKeep: app.config.backups.keep },
          {
            to: o.email,
            firstName: text(o.firstName),
            number: o.number,
            taxRecordUntil: taxRecordUntilText(o.createdAt, app.config.financialYearEnd),
          },
        );
        await enqueueMail(trx, mail, now, messageIdDomain(app.config.publicUrl));
      }
      await noteWaitingOrders(trx, entry.id, stillWaiting, now);
      return { orders: result.finished.length, finished: stillWaiting.length === 0, emails: result.finished.map((o) => o.email) };
    });
    orders += done.orders;
    if (done.finished) finished++;
    told.push(...(done.emails ?? []));
  }
  // As for the erasure itself: the development mailer's copies of the orders' e-mails go once the rows have.
  await eraseMailFilesOf(app.config.outboxDir, told);
  const deleted = await deleteExpiredJournalEntries(app.db, now);
  return { orders, finished, deleted };
}
