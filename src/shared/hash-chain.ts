import { createHmac } from 'node:crypto';
import { sameText } from './crypto.js';

/**
 * The one hash chain of the shop, used by the audit trail and by the consent ledger. Each entry
 * carries the seal of the entry before it (`prev_hash`; the all-zero link for the first) and its
 * own seal (`hash`): an HMAC-SHA-256, with a key of the chain's own, over that link and the entry's
 * content. Editing an entry breaks its seal; removing, inserting or reordering entries breaks the
 * link of the entry that follows; someone without the key cannot re-seal what follows.
 */

export const GENESIS_HASH = '0'.repeat(64);

/** What a seal covers: the link to the entry before, then the entry's content, in a fixed order. */
export function chainText(prev: string, content: readonly unknown[]): string {
  return JSON.stringify([prev, ...content]);
}

export function chainSeal(key: Buffer, prev: string, content: readonly unknown[]): string {
  return createHmac('sha256', key).update(chainText(prev, content)).digest('hex');
}

export interface ChainLink {
  id: number;
  prev_hash: string;
  hash: string;
}

export type ChainBreak = { brokenAt: number; problem: string };

/**
 * How a chain judges one entry's seal: `keyed` when it is the chain's own seal, `other` when the
 * chain accepts it for another reason (the audit trail's entries from before it was keyed), or a
 * problem in words.
 */
export type SealJudge<R> = (row: R) => 'keyed' | 'other' | string;

/** A judge that accepts only the chain's own seal over `contentOf(row)`. */
export function keyedJudge<R extends ChainLink>(key: Buffer, contentOf: (row: R) => readonly unknown[]): SealJudge<R> {
  return (row) =>
    sameText(chainSeal(key, row.prev_hash, contentOf(row)), row.hash) ? 'keyed' : `entry ${row.id} was altered after it was written`;
}

/**
 * Walks a chain, oldest first, and returns the first break, in words, or null. `first` is the link
 * the oldest entry must carry (the all-zero link, unless older entries were removed on purpose);
 * `onEntry` lets a chain add rules of its own, returning a problem to stop at that entry.
 */
export async function walkChain<R extends ChainLink>(
  rows: AsyncIterable<R> | Iterable<R>,
  judge: SealJudge<R>,
  options: { first?: (oldest: R) => string | null; onEntry?: (row: R, seal: 'keyed' | 'other') => string | null } = {},
): Promise<{ entries: number; last: R | null; broken: ChainBreak | null }> {
  let entries = 0;
  let last: R | null = null;
  for await (const row of rows) {
    entries++;
    if (last === null) {
      const problem = options.first ? options.first(row) : row.prev_hash === GENESIS_HASH ? null : missingBefore(row);
      if (problem) return { entries, last: row, broken: { brokenAt: row.id, problem } };
    } else if (row.prev_hash !== last.hash) {
      return {
        entries,
        last,
        broken: {
          brokenAt: row.id,
          problem: `entry ${row.id} does not follow entry ${last.id}: an entry was removed, reordered or altered`,
        },
      };
    }
    const seal = judge(row);
    if (seal !== 'keyed' && seal !== 'other') return { entries, last, broken: { brokenAt: row.id, problem: seal } };
    const problem = options.onEntry?.(row, seal) ?? null;
    if (problem) return { entries, last, broken: { brokenAt: row.id, problem } };
    last = row;
  }
  return { entries, last, broken: null };
}

function missingBefore(row: ChainLink): string {
  return `the entries before entry ${row.id} were removed`;
}
