import type { FastifyInstance } from 'fastify';

export type TraceKind = 'e-mail' | 'name' | 'phone' | 'address' | 'postcode';

/** Where a trace of the person was found: a table's column, an outbox file, the log; how many times. Never the value. */
export interface ResidueHit {
  where: string;
  what: TraceKind;
  count: number;
}

export interface ResidueResult {
  scannedAt: string;
  clean: boolean;
  tables: number;
  rows: number;
  files: number;
  logLines: number;
  hits: ResidueHit[];
}

/** Scans every table, the outbox files and the log for the traces an erasure recorded (as keyed hashes). */
export async function scanResidue(_app: FastifyInstance, _traceKeys: string[], _now: Date): Promise<ResidueResult> {
  throw new Error('scanResidue is being built');
}
