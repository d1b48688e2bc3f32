import type { Executor } from '../../db/database.js';
import type { SubjectHandlers } from './inventory.js';

/**
 * Privacy requests: from anyone (the public form), from Account Home, or recorded by staff from an
 * e-mail or a letter; the identity check, the statutory clock, the answer and the proof.
 */

export type RequestKind = 'access' | 'rectification' | 'erasure' | 'objection' | 'restriction' | 'complaint';

export interface RequestRef {
  id: number;
  reference: string;
}

/**
 * A request made from Account Home by a signed-in customer who entered their password again: the
 * identity check is done, so it is received and confirmed at once (the clock starts now).
 */
export async function recordAccountRequest(
  _db: Executor,
  _input: { kind: RequestKind; customerId: number; email: string; details: string | null },
  _now: Date,
): Promise<RequestRef> {
  throw new Error('recordAccountRequest is being built');
}

/** Adds a step to a request's history: what happened, by whom ('person', 'shop', or 'staff:<role>'), with a note naming no one. */
export async function noteRequestStep(
  _db: Executor,
  _requestId: number,
  _step: string,
  _actor: string,
  _note: string | null,
  _now: Date,
): Promise<void> {
  throw new Error('noteRequestStep is being built');
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

export async function requestForStaff(_db: Executor, _reference: string): Promise<RequestForStaff | null> {
  throw new Error('requestForStaff is being built');
}

/** The privacy feature's own exporter and eraser: a person's requests, flags and journal entries. */
export const privacySubjects: SubjectHandlers = {
  async exportSubject() {
    return {};
  },
  async eraseSubject() {
    return {};
  },
};
