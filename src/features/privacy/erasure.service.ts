import type { FastifyInstance } from 'fastify';
import type { ErasureReport, Person } from './inventory.js';

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

/**
 * Erases the person across every feature in one transaction, journals it, and tells them by e-mail
 * what was kept, why and until when.
 */
export async function eraseSomeone(
  _app: FastifyInstance,
  _person: Person,
  _now: Date,
  _by: { requestId: number | null; actor: ErasureActor },
): Promise<ErasureOutcome> {
  throw new Error('eraseSomeone is being built');
}
