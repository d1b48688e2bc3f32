import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** E-mail as a mail client reads it: the .eml files the shop's outbox writes without SMTP_URL. */

export interface Mail {
  headers: Map<string, string>;
  /** The decoded text/plain part. */
  text: string;
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?= / =?UTF-8?B?…?=) in a header value. */
function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[BQ]\?[^?]*\?=)\s+(?==\?)/gi, '$1')
    .replace(/=\?([^?]+)\?([BQ])\?([^?]*)\?=/gi, (_, charset: string, enc: string, data: string) => {
      const bytes =
        enc.toUpperCase() === 'B'
          ? Buffer.from(data, 'base64')
          : Buffer.from(
              data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
              'latin1',
            );
      return new TextDecoder(charset).decode(bytes);
    });
}

/** Quoted-printable: soft line breaks (=CRLF) joined, =XX turned back into bytes, then read in the part's charset. */
function decodeQuotedPrintable(body: string, charset: string): string {
  const joined = body.replace(/=\r?\n/g, '');
  const bytes = Buffer.from(
    joined.replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  );
  return new TextDecoder(charset).decode(bytes);
}

function splitEntity(raw: string): { headers: Map<string, string>; body: string } {
  const at = raw.search(/\r?\n\r?\n/);
  const head = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? '' : raw.slice(at).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  // Folded header lines continue with white space.
  for (const line of head.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), decodeWords(line.slice(colon + 1).trim()));
  }
  return { headers, body };
}

const param = (header: string | undefined, name: string) => header?.match(new RegExp(`;\\s*${name}="?([^";]+)"?`, 'i'))?.[1];

function decodeBody(headers: Map<string, string>, body: string): string {
  const charset = param(headers.get('content-type'), 'charset') ?? 'utf-8';
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body, charset);
  if (encoding === 'base64') return new TextDecoder(charset).decode(Buffer.from(body.replace(/\s+/g, ''), 'base64'));
  return body;
}

/** The message's headers and its text/plain part, through any multipart nesting. */
export function parseMail(raw: string): Mail {
  const { headers, body } = splitEntity(raw);
  const textOf = (h: Map<string, string>, b: string): string | null => {
    const type = h.get('content-type') ?? 'text/plain';
    if (/^multipart\//i.test(type)) {
      const boundary = param(type, 'boundary');
      if (!boundary) return null;
      const parts = b.split(`--${boundary}`).slice(1);
      for (const part of parts) {
        if (part.startsWith('--')) break;
        const inner = splitEntity(part.replace(/^\r?\n/, ''));
        const text = textOf(inner.headers, inner.body.replace(/\r?\n$/, ''));
        if (text !== null) return text;
      }
      return null;
    }
    return /^text\/plain/i.test(type) ? decodeBody(h, b) : null;
  };
  return { headers, text: textOf(headers, body) ?? '' };
}

/** The outbox's e-mails (in `dataDir`/outbox) to an address whose subject starts with `subject`; the worker writes them within ~10 s. */
export function mailsIn(dataDir: string, address: string, subject: string): Mail[] {
  const outbox = join(dataDir, 'outbox');
  let files: string[] = [];
  try {
    files = readdirSync(outbox).filter((f) => f.endsWith('.eml'));
  } catch {} // no outbox folder yet
  return files
    .map((f) => parseMail(readFileSync(join(outbox, f), 'utf8')))
    .filter((m) => (m.headers.get('to') ?? '').includes(address) && (m.headers.get('subject') ?? '').startsWith(subject));
}
