import { CHAIN_LENGTHS_IN, isMetal, RING_SIZES, type VariantRow } from '../catalog/catalog.domain.js';

/**
 * The remembered selections (the preferences cookie) and the visitor's answer (the choice
 * cookie), as plain values: how they are written into a cookie and read back, strictly, so that
 * a tampered cookie is simply ignored.
 */

/** The preferences cookie: recently viewed pieces and the last metal, ring size and chain length. */
export const PREFS_COOKIE = 'assay_prefs';
/** The strictly necessary choice cookie: the answer itself and the random id it is filed under. */
export const CHOICE_COOKIE = 'assay_choice';
/** How long both cookies last, in days (about 6 months, as the question says). */
export const COOKIE_DAYS = 183;
/** How many recently viewed pieces are kept. */
export const RECENT_MAX = 6;

export interface Selections {
  metal?: string;
  size?: string;
  length?: number;
  /** Product slugs, newest first. */
  recent: string[];
}

export const NO_SELECTIONS: Selections = { recent: [] };

const SLUG = /^[a-z0-9][a-z0-9-]{0,119}$/;

/** Reads a preferences cookie; anything not exactly as we write it is dropped. */
export function readSelections(text: string | undefined): Selections | null {
  if (text === undefined || text.length > 1200) return null;
  const params = new URLSearchParams(text);
  const out: Selections = { recent: [] };
  const metal = params.get('m');
  if (metal && isMetal(metal)) out.metal = metal;
  const size = params.get('s');
  if (size && RING_SIZES.includes(size)) out.size = size;
  const length = Number(params.get('l'));
  if ((CHAIN_LENGTHS_IN as readonly number[]).includes(length)) out.length = length;
  const recent = params.get('r');
  if (recent) out.recent = [...new Set(recent.split(',').filter((s) => SLUG.test(s)))].slice(0, RECENT_MAX);
  return out;
}

export function writeSelections(s: Selections): string {
  const params = new URLSearchParams();
  if (s.metal) params.set('m', s.metal);
  if (s.size) params.set('s', s.size);
  if (s.length !== undefined) params.set('l', String(s.length));
  if (s.recent.length > 0) params.set('r', s.recent.join(','));
  return params.toString();
}

/** The selections after looking at a piece: it goes first, once, and the oldest beyond six drop off. */
export function withView(s: Selections, slug: string): Selections {
  if (!SLUG.test(slug)) return s;
  return { ...s, recent: [slug, ...s.recent.filter((r) => r !== slug)].slice(0, RECENT_MAX) };
}

/** The selections after choosing options (adding a piece to the bag). */
export function withChoice(s: Selections, choice: { metal?: string; size?: string; length?: number }): Selections {
  const next = { ...s };
  if (choice.metal && isMetal(choice.metal)) next.metal = choice.metal;
  if (choice.size && RING_SIZES.includes(choice.size)) next.size = choice.size;
  if (choice.length !== undefined && (CHAIN_LENGTHS_IN as readonly number[]).includes(choice.length)) next.length = choice.length;
  return next;
}

export type Answer = 'yes' | 'no';

export interface ChoiceCookie {
  visitorId: string;
  answer: Answer;
}

const VISITOR_ID = /^[A-Za-z0-9_-]{43}$/;

export function readChoice(text: string | undefined): ChoiceCookie | null {
  const m = text === undefined ? null : /^([A-Za-z0-9_-]{43})\.(y|n)$/.exec(text);
  if (!m) return null;
  return { visitorId: m[1] as string, answer: m[2] === 'y' ? 'yes' : 'no' };
}

export function writeChoice(c: ChoiceCookie): string {
  return `${c.visitorId}.${c.answer === 'yes' ? 'y' : 'n'}`;
}

export function isVisitorId(text: string): boolean {
  return VISITOR_ID.test(text);
}

/** What the question after a size offers to remember: a ring size or a chain length. */
export type Remembered = { kind: 'size'; size: string } | { kind: 'length'; length: number };

/** Reads the prompt's `remember` field ("size:N", "length:18"); null when it is not one. */
export function readRemembered(text: string | undefined): Remembered | null {
  if (!text) return null;
  const [kind, value = ''] = text.split(':', 2);
  if (kind === 'size' && RING_SIZES.includes(value)) return { kind: 'size', size: value };
  const length = Number(value);
  if (kind === 'length' && (CHAIN_LENGTHS_IN as readonly number[]).includes(length)) return { kind: 'length', length };
  return null;
}

export function rememberedField(r: Remembered): string {
  return r.kind === 'size' ? `size:${r.size}` : `length:${r.length}`;
}

/** The choice in words, as the question asks it: "UK size N", "an 18″ chain length". */
export function rememberedWords(r: Remembered): string {
  return r.kind === 'size' ? `UK size ${r.size}` : `an ${r.length}″ chain length`.replace(/^an (16|20|22)/, 'a $1');
}

/**
 * The product-page options the remembered selections preselect, where this piece offers them:
 * the metal, then a ring size or chain length made in that metal. Empty when nothing applies.
 */
export function preferredOptions(variants: VariantRow[], s: Selections): { metal?: string; size?: string; length?: string } {
  const out: { metal?: string; size?: string; length?: string } = {};
  const metal = s.metal && variants.some((v) => v.metal === s.metal) ? s.metal : variants[0]?.metal;
  if (metal === undefined) return out;
  if (metal === s.metal) out.metal = metal;
  const forMetal = variants.filter((v) => v.metal === metal);
  if (s.size && forMetal.some((v) => v.ringSize === s.size)) out.size = s.size;
  if (s.length !== undefined && forMetal.some((v) => v.chainLengthIn === s.length)) out.length = String(s.length);
  return out;
}
