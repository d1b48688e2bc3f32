import { type Executor, inTransaction } from '../../db/database.js';

import { addressHashOf } from '../consent/consent.service.js';
import type { ErasureReport, SubjectExport, SubjectHandlers } from './inventory.js';
import { emailsOf } from './inventory.js';
import { REQUEST_RECORD_RETENTION } from './privacy.inventory.js';
import { type RequestChannel, type RequestKind, dueDateOf, newRequestReference } from './requests.domain.js';
import {
  type RequestRow,
  anonymiseRequests,
  eventsOfRequests,
  findRequestByReference,
  insertRequest,
  insertRequestEvent,
  referenceTaken,
  requestsOfPerson,
} from './requests.repository.js';
import { exportFlags } from './flags.service.js';

/**
 * Privacy requests: from anyone (the public form), from Account Home, or recorded by staff from an
 * e-mail or a letter; the identity check, the statutory clock, the answer and the proof.
 */

export type { RequestKind } from './requests.domain.js';

export interface RequestRef {
  id: number;
  reference: string;
}

/** A reference not yet used (the alphabet has a billion of them; a clash is retried). */
export async function freshReference(db: Executor): Promise<string> {
  for (;;) {
    const reference = newRequestReference();
    if (!(await referenceTaken(db, reference))) return reference;
  }
}

/** When a closed request's record is deleted: 6 years after it closed. */
export function keepUntilOf(closedAt: Date): string {
  return new Date(closedAt.getTime() + REQUEST_RECORD_RETENTION.days * 86_400_000).toISOString();
}

/** Records a new request and its first step, in one transaction. */
export async function insertNewRequest(
  db: Executor,
  input: {
    kind: RequestKind;
    channel: RequestChannel;
    status: 'awaiting-confirmation' | 'open';
    email: string | null;
    addressKey: string;
    customerId: number | null;
    name: string | null;
    details: string | null;
    tokenHash: string | null;
    tokenExpiresAt: Date | null;
    receivedAt: Date;
    confirmedAt: Date | null;
  },
  steps: { step: string; actor: string; note: string | null }[],
  now: Date,
): Promise<RequestRef> {
  return inTransaction(db, async (trx) => {
    const reference = await freshReference(trx);
    const id = await insertRequest(trx, {
      reference,
      kind: input.kind,
      channel: input.channel,
      status: input.status,
      email: input.email,
      address_hash: input.addressKey,
      customer_id: input.customerId,
      name: input.name,
      details: input.details,
      token_hash: input.tokenHash,
      token_expires_at: input.tokenExpiresAt?.toISOString() ?? null,
      received_at: input.receivedAt.toISOString(),
      confirmed_at: input.confirmedAt?.toISOString() ?? null,
      due_at: input.confirmedAt ? dueDateOf(input.confirmedAt) : null,
    });
    for (const s of steps) await noteRequestStep(trx, id, s.step, s.actor, s.note, now);
    return { id, reference };
  });
}

/**
 * A request made from Account Home by a signed-in customer who entered their password again: the
 * identity check is done, so it is received and confirmed at once (the clock starts now).
 */
export async function recordAccountRequest(
  db: Executor,
  input: { kind: RequestKind; customerId: number; email: string; details: string | null },
  now: Date,
): Promise<RequestRef> {
  return insertNewRequest(
    db,
    {
      kind: input.kind,
      channel: 'account',
      status: 'open',
      email: input.email.trim(),
      addressKey: addressHashOf(db, input.email),
      customerId: input.customerId,
      name: null,
      details: input.details,
      tokenHash: null,
      tokenExpiresAt: null,
      receivedAt: now,
      confirmedAt: now,
    },
    [
      { step: 'received', actor: 'person', note: 'Made from Account Home' },
      { step: 'confirmed', actor: 'person', note: 'Signed in and entered the password again' },
    ],
    now,
  );
}

/** Adds a step to a request's history: what happened, by whom ('person', 'shop', or 'staff:<role>'), with a note naming no one. */
export async function noteRequestStep(
  db: Executor,
  requestId: number,
  step: string,
  actor: string,
  note: string | null,
  now: Date,
): Promise<void> {
  await insertRequestEvent(db, { request_id: requestId, at: now.toISOString(), step, actor, note });
}

/** A request as staff handle it (by its reference), or null: what the correction page needs to find the person. */
export interface RequestForStaff {
  id: number;
  reference: string;
  kind: RequestKind;
  status: string;
  email: string | null;
  customerId: number | null;
  details: string | null;
}

export async function requestForStaff(db: Executor, reference: string): Promise<RequestForStaff | null> {
  const row = await findRequestByReference(db, reference.trim().toUpperCase());
  if (!row) return null;
  return {
    id: row.id,
    reference: row.reference,
    kind: row.kind as RequestKind,
    status: row.status,
    email: row.email,
    customerId: row.customer_id,
    details: row.details,
  };
}

/** A request as a person's copy shows it: never a token's hash. */
function requestForCopy(r: RequestRow): Record<string, unknown> {
  const { token_hash: _t, answer_token_hash: _a, residue_scan: _s, ...rest } = r;
  return rest;
}

/** The privacy feature's own exporter and eraser: a person's requests, flags and journal entries. */
export const privacySubjects: SubjectHandlers = {
  async exportSubject(trx, person) {
    const emails = emailsOf(person);
    const requests = await requestsOfPerson(trx, {
      emails,
      hashes: emails.map((e) => addressHashOf(trx, e)),
      customerId: person.customerId,
    });
    const events = await eventsOfRequests(
      trx,
      requests.map((r) => r.id),
    );
    const out: SubjectExport = {
      privacy_requests: requests.map(requestForCopy),
      privacy_request_events: events.map((e) => ({ ...e })),
    };
    return { ...out, ...(await exportFlags(trx, person)) };
  },
  /** The record stays as the proof that the request was answered; the address, name, details and account go. */
  async eraseSubject(trx, person, now) {
    const emails = emailsOf(person);
    const requests = await requestsOfPerson(trx, {
      emails,
      hashes: emails.map((e) => addressHashOf(trx, e)),
      customerId: person.customerId,
    });
    const anonymised = await anonymiseRequests(
      trx,
      requests.map((r) => r.id),
      now.toISOString(),
    );
    const report: ErasureReport = { privacy_requests: { deleted: 0, anonymised } };
    return report;
  },
};
