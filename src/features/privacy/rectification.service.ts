import { type Executor, inTransaction } from '../../db/database.js';
import { type AuditActor, entryBy, recordAudit } from '../audit/audit.service.js';
import { historyOfAccount } from '../consent/consent.service.js';
import {
  type AddressInput,
  type AddressRow,
  type CustomerOrderListRow,
  type CustomerRow,
  type PersonDetails,
  addressOf,
  addressesOf,
  customerById,
  editAddress,
  ordersOf,
  updateDetails,
} from '../customers/customers.service.js';
import { partnerById } from '../partners/partners.service.js';
import { eventsOfRequest } from './requests.repository.js';
import { type RequestForStaff, noteRequestStep, requestForStaff, staffStep } from './requests.service.js';
import { findPerson } from './subjects.service.js';

/**
 * Staff correcting a person's data on their request (rectification): the account's details and
 * addresses are corrected with the customers feature's own functions, each save audited as a
 * staff change to the customer's data and noted as a step of the request by the names of the
 * fields (never their values). The law asks that a correction is passed on to each recipient of
 * the data: the partners the consent ledger records as having received it are listed, and staff
 * note when each has been told.
 */

/** The step noted when staff correct the person's data, and when they tell a partner. */
export const CORRECTED_STEP = 'corrected';
export const PARTNER_TOLD_STEP = 'partner-told';

const OPEN_ORDER_STATUSES = ['awaiting_payment', 'paid', 'dispatched'];

export interface PartnerToTell {
  id: number;
  name: string;
  /** When their data was last passed to this partner. */
  lastSharedAt: string;
  /** When staff noted telling the partner of the correction, or null. */
  toldAt: string | null;
}

export interface Correction {
  request: RequestForStaff;
  customer: CustomerRow | null;
  addresses: AddressRow[];
  openOrders: CustomerOrderListRow[];
  partners: PartnerToTell[];
  corrections: { at: string; note: string | null }[];
}

type Refusal = { ok: false; status: 404 | 409; message: string };
export type CorrectionLookup = { ok: true; correction: Correction } | Refusal;

const partnerNote = (p: { id: number; name: string }) => `Told ${p.name} (partner ${p.id}) of the correction`;

async function requestToCorrect(db: Executor, reference: string): Promise<Refusal | RequestForStaff> {
  const request = await requestForStaff(db, reference);
  if (!request) return { ok: false, status: 404, message: "We couldn't find a privacy request with that reference." };
  if (request.kind !== 'rectification')
    return { ok: false, status: 409, message: 'That request is not a correction request, so there is nothing to correct here.' };
  return request;
}

async function customerOf(db: Executor, request: RequestForStaff): Promise<CustomerRow | null> {
  const customerId =
    request.customerId ?? (request.email === null ? null : ((await findPerson(db, { email: request.email }))?.customerId ?? null));
  return customerId === null ? null : customerById(db as never, customerId);
}

async function partnersOf(db: Executor, customer: CustomerRow, requestId: number): Promise<PartnerToTell[]> {
  const history = await historyOfAccount(db, { customerId: customer.id, email: customer.email });
  const lastShared = new Map<number, string>();
  for (const e of history) {
    const m = /^partner:(\d+)$/.exec(e.purpose);
    if (e.action === 'shared' && m) lastShared.set(Number(m[1]), e.at);
  }
  const events = await eventsOfRequest(db, requestId);
  const out: PartnerToTell[] = [];
  for (const [id, at] of lastShared) {
    const partner = await partnerById(db, id);
    if (!partner) continue;
    const told = events.filter((ev) => ev.step === PARTNER_TOLD_STEP && ev.note === partnerNote(partner)).at(-1);
    out.push({ id, name: partner.name, lastSharedAt: at, toldAt: told?.at ?? null });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** A staff look at or change to the account's data on a correction request, audited as one of the customer's data. */
function auditCustomer(
  trx: Executor,
  actor: AuditActor,
  action: 'view' | 'change',
  customer: CustomerRow,
  fields: string[],
  request: RequestForStaff,
  now: Date,
): Promise<void> {
  return recordAudit(
    trx,
    entryBy(actor, { action, subject: { type: 'customer', id: customer.id }, fields, reason: `Correction request ${request.reference}` }),
    now,
  );
}

/**
 * One step on a correction request, in one transaction: the request found by its reference (and a
 * correction request), with the account it is about, or null when it has none.
 */
function onCorrection<R>(
  db: Executor,
  reference: string,
  act: (trx: Executor, request: RequestForStaff, customer: CustomerRow | null) => Promise<R>,
): Promise<R | Refusal> {
  return inTransaction(db, async (trx): Promise<R | Refusal> => {
    const found = await requestToCorrect(trx, reference);
    if ('ok' in found) return found;
    return act(trx, found, await customerOf(trx, found));
  });
}

/** A correction of the account's data: refused when the request has no account to correct. */
function correctAccount(
  db: Executor,
  reference: string,
  act: (trx: Executor, request: RequestForStaff, customer: CustomerRow) => Promise<CorrectionResult>,
): Promise<CorrectionResult> {
  return onCorrection(db, reference, (trx, request, customer) =>
    customer
      ? act(trx, request, customer)
      : Promise.resolve<CorrectionResult>({ ok: false, status: 409, message: 'This request has no account to correct.' }),
  );
}

/** What the correction page shows; the look at the person's data is audited in the same transaction. */
export function openCorrection(db: Executor, reference: string, actor: AuditActor, now: Date): Promise<CorrectionLookup> {
  return onCorrection(db, reference, async (trx, found, customer): Promise<CorrectionLookup> => {
    const [addresses, orders, partners, events] = customer
      ? await Promise.all([
          addressesOf(trx as never, customer.id),
          ordersOf(trx as never, customer.id),
          partnersOf(trx, customer, found.id),
          eventsOfRequest(trx, found.id),
        ])
      : [[], [], [], await eventsOfRequest(trx, found.id)];
    if (customer)
      await auditCustomer(trx, actor, 'view', customer, ['first_name', 'surname', 'phone', 'email', 'addresses', 'orders'], found, now);
    return {
      ok: true,
      correction: {
        request: found,
        customer,
        addresses,
        openOrders: orders.filter((o) => OPEN_ORDER_STATUSES.includes(o.status)),
        partners,
        corrections: events.filter((e) => e.step === CORRECTED_STEP).map((e) => ({ at: e.at, note: e.note })),
      },
    };
  });
}

export type CorrectionResult = { ok: true; changed: string[] } | Refusal;

async function recordCorrection(
  trx: Executor,
  request: RequestForStaff,
  customer: CustomerRow,
  columns: string[],
  words: string[],
  actor: AuditActor,
  now: Date,
): Promise<void> {
  await auditCustomer(trx, actor, 'change', customer, columns, request, now);
  await noteRequestStep(trx, request.id, CORRECTED_STEP, staffStep(actor), `corrected: ${words.join(', ')}`, now);
}

/** Corrects the account's name and phone; only what changed is audited and noted. */
export function correctDetails(
  db: Executor,
  reference: string,
  details: PersonDetails,
  actor: AuditActor,
  now: Date,
): Promise<CorrectionResult> {
  return correctAccount(db, reference, async (trx, found, customer) => {
    const columns = [
      ...(customer.first_name !== details.firstName ? ['first_name'] : []),
      ...(customer.surname !== details.surname ? ['surname'] : []),
      ...(customer.phone !== details.phone ? ['phone'] : []),
    ];
    if (columns.length === 0) return { ok: true, changed: [] };
    await updateDetails(trx as never, customer.id, details, now);
    const words = [...new Set(columns.map((c) => (c === 'phone' ? 'phone' : 'name')))];
    await recordCorrection(trx, found, customer, columns, words, actor, now);
    return { ok: true, changed: words };
  });
}

/** Corrects one of the account's addresses. */
export function correctAddress(
  db: Executor,
  reference: string,
  addressId: number,
  address: AddressInput,
  actor: AuditActor,
  now: Date,
): Promise<CorrectionResult> {
  return correctAccount(db, reference, async (trx, found, customer) => {
    const before = await addressOf(trx as never, customer.id, addressId);
    if (!before) return { ok: false, status: 404, message: "We couldn't find that address in the person's address book." };
    const after = {
      first_name: address.firstName,
      surname: address.surname,
      line1: address.line1,
      line2: address.line2,
      city: address.city,
      postcode: address.postcode,
    };
    const columns = (Object.keys(after) as (keyof typeof after)[]).filter((k) => (before[k] ?? null) !== (after[k] ?? null));
    if (columns.length === 0) return { ok: true, changed: [] };
    await editAddress(trx as never, customer.id, addressId, address, now);
    await recordCorrection(
      trx,
      found,
      customer,
      columns.map((c) => `address.${c}`),
      ['address'],
      actor,
      now,
    );
    return { ok: true, changed: ['address'] };
  });
}

/** Notes that staff told a partner who received the person's data of the correction (audited). */
export function notePartnerTold(
  db: Executor,
  reference: string,
  partnerId: number,
  actor: AuditActor,
  now: Date,
): Promise<CorrectionResult> {
  return onCorrection(db, reference, async (trx, found, customer): Promise<CorrectionResult> => {
    const partner = customer ? (await partnersOf(trx, customer, found.id)).find((p) => p.id === partnerId) : undefined;
    if (!partner) return { ok: false, status: 404, message: "That partner didn't receive this person's data." };
    await noteRequestStep(trx, found.id, PARTNER_TOLD_STEP, staffStep(actor), partnerNote(partner), now);
    await recordAudit(
      trx,
      entryBy(actor, {
        action: 'change',
        subject: { type: 'privacy_request', id: found.reference },
        fields: [PARTNER_TOLD_STEP],
        reason: partnerNote(partner),
      }),
      now,
    );
    return { ok: true, changed: [] };
  });
}
