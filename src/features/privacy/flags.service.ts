import type { Executor } from '../../db/database.js';
import type { Person, SubjectExport } from './inventory.js';

/** What a person objects to, or that they asked for restriction (which holds back everything but keeping the data and the legal minimum). */
export type FlagKind = 'objection-marketing' | 'objection-feedback' | 'objection-sharing' | 'objection-statistics' | 'restriction';

/** The processing paths that ask before they act. */
export type ProcessingUse = 'marketing' | 'feedback' | 'sharing' | 'statistics' | 'alerts';

/** Sets the flags for the address (once each), inside the caller's transaction. */
export async function setFlags(_db: Executor, _email: string, _kinds: FlagKind[], _now: Date, _requestId: number | null): Promise<void> {
  throw new Error('setFlags is being built');
}

/** Lifts the flags for the address (the person no longer objects, or the restriction ends). */
export async function liftFlags(_db: Executor, _email: string, _kinds: FlagKind[]): Promise<void> {
  throw new Error('liftFlags is being built');
}

/** The flags set for the address. */
export async function flagsFor(_db: Executor, _email: string): Promise<FlagKind[]> {
  throw new Error('flagsFor is being built');
}

/** Whether a use of the address's data is held back by an objection to it or by a restriction. */
export async function isHeldBack(_db: Executor, _email: string, _use: ProcessingUse): Promise<boolean> {
  throw new Error('isHeldBack is being built');
}

/** The person's flags, for their copy. */
export async function exportFlags(_db: Executor, _person: Person): Promise<SubjectExport> {
  throw new Error('exportFlags is being built');
}
