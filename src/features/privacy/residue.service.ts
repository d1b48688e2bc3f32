import { createReadStream } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { FastifyInstance } from 'fastify';
import { listTables, tableRows } from '../../db/scan.js';
import { deriveKey, hmacHex } from '../../shared/crypto.js';

/**
 * The residue scan: after an erasure, is anything of the person left anywhere? Every table (every
 * text value of every row, read in pages), every file under DATA_DIR/outbox and the log file (when
 * LOG_FILE is set) are searched for the person's traces. The traces were recorded before the
 * erasure only as keyed hashes (trace keys) of normalised values, so the scan compares hashes:
 * it never holds or reports the person's values, and a result says where and what kind of trace,
 * never which. Candidates are whole values, the e-mail-, postcode- and phone-like tokens in them,
 * and every run of 2 to 6 words (a full name, an address line). The declared tax record of an
 * order (date, lines, amounts, VAT, delivery country, number) holds none of the traces, so an
 * erasure done right leaves the scan clean.
 */

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

/** The person's values to look for, as the erasure reads them from their copy before erasing. */
export interface Traces {
  emails: string[];
  /** Full names, "first surname". */
  names: string[];
  phones: string[];
  /** Address lines (line 1, line 2): a town alone is no trace of anyone. */
  lines: string[];
  postcodes: string[];
}

const TRACE_KINDS: readonly TraceKind[] = ['e-mail', 'name', 'phone', 'address', 'postcode'];
/** Phone numbers shorter than this many digits are too common to be anyone's. */
const MIN_PHONE_DIGITS = 7;
const MIN_WINDOW = 2;
const MAX_WINDOW = 6;

// ——— Normalised forms: the same for a trace and for a candidate ———

export const normaliseEmail = (v: string) => v.trim().toLowerCase();
export const normalisePhone = (v: string) => v.replace(/\D/g, '');
export const normalisePostcode = (v: string) => v.replace(/\s+/g, '').toUpperCase();
/** Names and address lines: lower case, punctuation as spaces, single-spaced. */
export const normaliseWords = (v: string) =>
  v
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

type Form = 'email' | 'phone' | 'postcode' | 'words';
const FORM_OF: Record<TraceKind, Form> = { 'e-mail': 'email', name: 'words', phone: 'phone', address: 'words', postcode: 'postcode' };
const NORMALISE: Record<Form, (v: string) => string> = {
  email: normaliseEmail,
  phone: normalisePhone,
  postcode: normalisePostcode,
  words: normaliseWords,
};

/** The key trace hashes are made with: derived from SECRET_KEY for this one use. */
export function traceKeyring(secretKey: string): Buffer {
  return deriveKey(secretKey, 'erasure-traces');
}

/** The keyed hash of one normalised value, in its form ('words:…'), so that an e-mail never matches a name. */
const hashOf = (key: Buffer, form: Form, normalised: string) => hmacHex(key, `${form}:${normalised}`);

/**
 * The trace keys of a person's values: `<kind>:<keyed hash>`, each once. Values that normalise
 * to nothing (or to too short a phone number, or to one word of a name) are left out.
 */
export function traceKeysOf(secretKey: string, traces: Traces): string[] {
  const key = traceKeyring(secretKey);
  const keys = new Set<string>();
  const seen = new Set<string>();
  const add = (kind: TraceKind, value: string) => {
    const normalised = NORMALISE[FORM_OF[kind]](value);
    if (normalised === '') return;
    // The same value comes on every order: hash it once.
    if (seen.has(`${kind}\u0000${normalised}`)) return;
    seen.add(`${kind}\u0000${normalised}`);
    if (kind === 'phone' && normalised.length < MIN_PHONE_DIGITS) return;
    if (kind === 'name' && !normalised.includes(' ')) return;
    keys.add(`${kind}:${hashOf(key, FORM_OF[kind], normalised)}`);
  };
  for (const v of traces.emails) add('e-mail', v);
  for (const v of traces.names) add('name', v);
  for (const v of traces.phones) add('phone', v);
  for (const v of traces.lines) add('address', v);
  for (const v of traces.postcodes) add('postcode', v);
  return [...keys];
}

/** The trace keys as a lookup from hash to kind. */
function lookupOf(traceKeys: string[]): Map<string, TraceKind> {
  const map = new Map<string, TraceKind>();
  for (const k of traceKeys) {
    const at = k.indexOf(':');
    const kind = k.slice(0, at) as TraceKind;
    if (at > 0 && TRACE_KINDS.includes(kind)) map.set(k.slice(at + 1), kind);
  }
  return map;
}

const EMAIL_TOKEN = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
const POSTCODE_TOKEN = /\b[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}\b/g;
// Bounded, so that a long run of figures (an image's path data) is not tried from every digit to its end.
const PHONE_TOKEN = /\+?\d[\d\s().-]{5,18}\d/g;

/**
 * Encoded media, not text anyone typed: an image stored as SVG (the catalogue's pictures) or as
 * base64. Its path data would be hundreds of thousands of candidates naming no one, so it is passed by.
 */
export function isEncodedMedia(text: string): boolean {
  const start = text.slice(0, 200).trimStart().toLowerCase();
  if (start.startsWith('<svg') || start.startsWith('<?xml') || start.startsWith('data:')) return true;
  return text.length > 2000 && !/\s/.test(text.slice(0, 2000));
}

/** The kinds of trace found in one text, by the keyed hashes of its candidates; each kind once per text. */
function tracesIn(text: string, key: Buffer, lookup: Map<string, TraceKind>): Set<TraceKind> {
  const found = new Set<TraceKind>();
  if (isEncodedMedia(text)) return found;
  const check = (form: Form, raw: string) => {
    const normalised = NORMALISE[form](raw);
    if (normalised === '') return;
    const kind = lookup.get(hashOf(key, form, normalised));
    if (kind) found.add(kind);
  };
  if (text.length <= 300) for (const form of ['email', 'phone', 'postcode', 'words'] as const) check(form, text);
  for (const m of text.matchAll(EMAIL_TOKEN)) check('email', m[0]);
  for (const m of text.matchAll(POSTCODE_TOKEN)) check('postcode', m[0]);
  for (const m of text.matchAll(PHONE_TOKEN)) check('phone', m[0]);
  const words = normaliseWords(text).split(' ');
  // A name or an address line has a word with letters in it: runs of figures alone are not tried.
  const lettered = words.map((w) => /\p{L}/u.test(w));
  for (let i = 0; i < words.length; i++) {
    let hasLetters = false;
    for (let n = 1; n <= MAX_WINDOW && i + n <= words.length; n++) {
      hasLetters ||= lettered[i + n - 1] === true;
      if (n >= MIN_WINDOW && hasLetters) check('words', words.slice(i, i + n).join(' '));
    }
  }
  return found;
}

/** A stored e-mail as a person reads it: quoted-printable soft breaks and escapes undone, and the common HTML entities. */
function readableMail(raw: string): string {
  return raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)))
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

class Tally {
  private counts = new Map<string, ResidueHit>();
  add(where: string, kinds: Set<TraceKind>) {
    for (const what of kinds) {
      const id = `${where}\u0000${what}`;
      const hit = this.counts.get(id) ?? { where, what, count: 0 };
      hit.count++;
      this.counts.set(id, hit);
    }
  }
  get hits(): ResidueHit[] {
    return [...this.counts.values()].sort((a, b) => a.where.localeCompare(b.where) || a.what.localeCompare(b.what));
  }
}

/** Scans every table, the outbox files and the log for the traces an erasure recorded (as keyed hashes). */
export async function scanResidue(app: FastifyInstance, traceKeys: string[], now: Date): Promise<ResidueResult> {
  const key = traceKeyring(app.config.secretKey);
  const lookup = lookupOf(traceKeys);
  const tally = new Tally();
  let rows = 0;
  const tables = await listTables(app.db);
  for (const table of tables) {
    for await (const page of tableRows(app.db, table)) {
      rows += page.length;
      if (lookup.size === 0) continue;
      for (const row of page) {
        for (const [column, value] of Object.entries(row)) {
          if (typeof value !== 'string' || value === '') continue;
          const kinds = tracesIn(value, key, lookup);
          if (kinds.size > 0) tally.add(`${table}.${column}`, kinds);
        }
      }
    }
  }

  let files = 0;
  const outboxDir = app.config.outboxDir;
  const names = await readdir(outboxDir).catch(() => [] as string[]);
  for (const name of names.sort()) {
    const raw = await readFile(join(outboxDir, name), 'utf8').catch(() => null);
    if (raw === null) continue;
    files++;
    const kinds = lookup.size === 0 ? new Set<TraceKind>() : tracesIn(readableMail(raw), key, lookup);
    if (kinds.size > 0) tally.add(`outbox file ${name}`, kinds);
  }

  let logLines = 0;
  const logFile = app.config.logFile;
  if (logFile) {
    const input = createReadStream(logFile, { encoding: 'utf8' });
    const found = await new Promise<boolean>((resolve) => {
      input.once('error', () => resolve(false));
      input.once('open', () => resolve(true));
    });
    if (found) {
      for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
        logLines++;
        if (lookup.size === 0) continue;
        const kinds = tracesIn(line, key, lookup);
        if (kinds.size > 0) tally.add('log', kinds);
      }
    }
  }

  const hits = tally.hits;
  return { scannedAt: now.toISOString(), clean: hits.length === 0, tables: tables.length, rows, files, logLines, hits };
}
