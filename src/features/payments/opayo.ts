import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Opayo Form, protocol 4.00: the crypt the customer's browser carries to the hosted payment page,
 * and the one it brings back. Pure functions: no HTTP, no database, no clock.
 *
 * The result is encrypted but not signed (AES-CBC, key = IV = the vendor's password). Flipping
 * bits in one cipher block changes the next plain block at will but garbles this one, so a
 * returned crypt is parsed strictly (known field names only, every value in its documented
 * shape) and the garbage fails.
 */

export const VPS_PROTOCOL = '4.00';

export const OPAYO_STATUSES = ['OK', 'NOTAUTHED', 'ABORT', 'REJECTED', 'ERROR'] as const;
export type OpayoStatus = (typeof OPAYO_STATUSES)[number];

export interface OpayoParty {
  firstnames: string;
  surname: string;
  address1: string;
  address2?: string | null;
  city: string;
  postCode: string;
  /** ISO 3166 alpha-2, e.g. GB. */
  country: string;
  /** Two-letter state code; Opayo requires it for US addresses and refuses it for others. */
  state?: string | null;
  phone?: string | null;
}

export interface OpayoRequest {
  vendorTxCode: string;
  amountPence: number;
  description: string;
  successUrl: string;
  failureUrl: string;
  customerName?: string;
  customerEmail?: string;
  billing: OpayoParty;
  delivery: OpayoParty;
}

export interface OpayoResult {
  vendorTxCode: string;
  vpsTxId: string;
  status: OpayoStatus;
  statusDetail: string;
  amountPence: number;
  txAuthNo: string | null;
  cardType: string | null;
  fields: Map<string, string>;
}

/** The crypt could not be made or read: wrong password, bad hex, bad padding, malformed pairs. */
export class OpayoCryptError extends Error {}

/** A request that cannot be sent: the field is named so the checkout can say what to fix. */
export class OpayoRequestError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

const MIN_PENCE = 1;
const MAX_PENCE = 10_000_000;

// ---------------------------------------------------------------------------------------------
// Amounts

/** Integer pence as Opayo writes amounts: 3695 -> "36.95". */
export function formatAmount(pence: number): string {
  if (!Number.isSafeInteger(pence) || pence < 0) throw new RangeError(`not a whole, non-negative number of pence: ${pence}`);
  return `${Math.floor(pence / 100)}.${String(pence % 100).padStart(2, '0')}`;
}

/** "1234.50" -> 123450. Anything else (thousands separators, one decimal, leading zeros, signs) -> null. */
export function parseAmount(text: string): number | null {
  const m = /^(0|[1-9]\d{0,11})\.(\d\d)$/.exec(text);
  return m ? Number(m[1]) * 100 + Number(m[2]) : null;
}

/**
 * Results may carry thousands commas ("1,234.50": Opayo lists commas among the Amount's
 * characters, and other integrations have met them in returned amounts). Only correctly
 * grouped commas are accepted.
 */
function parseResultAmount(text: string): number | null {
  return /^[1-9]\d{0,2}(,\d{3})+\.\d\d$/.test(text) ? parseAmount(text.replaceAll(',', '')) : parseAmount(text);
}

// ---------------------------------------------------------------------------------------------
// Request fields

const VENDOR_TX_CODE = /^[A-Za-z0-9\-_.{}]{1,40}$/;
const VPS_TX_ID = /^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$/i;

/** The accented letters of Latin-1 (À–ÿ without × and ÷). */
const ACCENTED = '\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u00FF';

/** Allowed characters of each kind of field, as the inside of a regular-expression class. */
const CHARS = {
  name: `A-Za-z${ACCENTED} '.\\-/\\\\`,
  address: `A-Za-z0-9${ACCENTED} +'/\\\\:,.\\-()`,
  postCode: 'A-Za-z0-9 \\-',
  phone: 'A-Za-z0-9 +()\\-',
  // Printable Latin-1 except '&', which would end the value.
  text: '\\x20-\\x25\\x27-\\x7E\\xA0-\\xFF',
  // The same without '<' and '>': Opayo shows the Description as HTML on its page, and ours is text.
  plain: '\\x20-\\x25\\x27-\\x3B\\x3D\\x3F-\\x7E\\xA0-\\xFF',
};

interface FieldRule {
  required?: boolean;
  /** In bytes of Latin-1, which is characters once the value is Latin-1. */
  max?: number;
  chars?: keyof typeof CHARS;
  /** The whole value's shape, where it has one. */
  format?: RegExp;
}

const partyRules = (prefix: 'Billing' | 'Delivery'): Record<string, FieldRule> => ({
  [`${prefix}Firstnames`]: { required: true, max: 20, chars: 'name' },
  [`${prefix}Surname`]: { required: true, max: 20, chars: 'name' },
  [`${prefix}Address1`]: { required: true, max: 50, chars: 'address' },
  [`${prefix}Address2`]: { max: 50, chars: 'address' },
  [`${prefix}Address3`]: { max: 50, chars: 'address' },
  [`${prefix}City`]: { required: true, max: 40, chars: 'address' },
  [`${prefix}PostCode`]: { required: true, max: 10, chars: 'postCode' },
  [`${prefix}Country`]: { required: true, format: /^[A-Z]{2}$/ },
  [`${prefix}State`]: { format: /^[A-Z]{2}$/ },
  [`${prefix}Phone`]: { max: 20, chars: 'phone' },
});

/** Every field name the Form gateway takes inside the crypt; any other name makes it fail with 5080. */
const REQUEST_RULES: Record<string, FieldRule> = {
  VendorTxCode: { required: true, format: VENDOR_TX_CODE },
  Amount: { required: true },
  Currency: { required: true, format: /^[A-Z]{3}$/ },
  Description: { required: true, max: 100, chars: 'plain' },
  SuccessURL: { required: true, max: 255 },
  FailureURL: { required: true, max: 255 },
  CustomerName: { max: 100, chars: 'plain' },
  CustomerEMail: { max: 80, chars: 'plain' },
  VendorEMail: { max: 80, chars: 'plain' },
  SendEMail: { format: /^[012]$/ },
  ...partyRules('Billing'),
  ...partyRules('Delivery'),
  Basket: { max: 7500, chars: 'text' },
  BasketXML: { max: 20000, chars: 'text' },
  ApplyAVSCV2: { format: /^[0-3]$/ },
  Apply3DSecure: { format: /^[0-3]$/ },
  COFUsage: { format: /^[A-Z]{1,20}$/ },
  InitiatedType: { format: /^(CIT|MIT)$/ },
  MITType: { format: /^[A-Z]{1,20}$/ },
};

const STRIP = Object.fromEntries(Object.entries(CHARS).map(([kind, chars]) => [kind, new RegExp(`[^${chars}]`, 'g')])) as Record<
  keyof typeof CHARS,
  RegExp
>;
const ONLY = Object.fromEntries(Object.entries(CHARS).map(([kind, chars]) => [kind, new RegExp(`^[${chars}]*$`)])) as Record<
  keyof typeof CHARS,
  RegExp
>;

/** Typographic characters with no Latin-1 byte, and the plain text that stands in for them. */
const PLAIN: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201A': "'",
  '\u201B': "'",
  '\u2032': "'",
  '\u02BC': "'",
  '\u201C': '"',
  '\u201D': '"',
  '\u201E': '"',
  '\u2033': '"',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2015': '-',
  '\u2212': '-',
  '\u2022': '-',
  '\u20AC': 'EUR',
  '\u0152': 'OE',
  '\u0153': 'oe',
  '\u0141': 'L',
  '\u0142': 'l',
  '\u0110': 'D',
  '\u0111': 'd',
  '\u0131': 'i',
};

/**
 * Text Opayo can take: every character one Latin-1 byte. Characters outside Latin-1 become their
 * plain equivalent (’ -> ', – -> -), lose their accent when the letter without it is Latin-1
 * (ő -> o, Ş -> S), or are dropped (emoji, other scripts). Control characters become spaces.
 */
export function toLatin1(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const plain = PLAIN[ch];
    if (ch.codePointAt(0)! <= 0xff) out += ch;
    else if (plain !== undefined) out += plain;
    else if (/\s/u.test(ch)) out += ' ';
    else {
      const base = ch.normalize('NFKD').replace(/\p{M}/gu, '');
      if (/^[\x20-\x7E\xA0-\xFF]+$/.test(base)) out += base;
    }
  }
  return out.replace(/\p{Cc}/gu, ' ');
}

/** A value made fit for its field: Latin-1, no '&', only the allowed characters, cut to the limit. */
function cleanValue(text: string, rule: FieldRule): string {
  let value = toLatin1(text).replace(/\s*&\s*/g, ' and ');
  if (rule.chars) value = value.replace(STRIP[rule.chars], ' ');
  value = value.replace(/\s+/g, ' ').trim();
  // Every character is one byte now, so the byte limit is a character limit.
  return rule.max ? value.slice(0, rule.max).trimEnd() : value;
}

function ruleOf(name: string): FieldRule {
  const rule = REQUEST_RULES[name];
  if (!rule) throw new Error(`${name} is not an Opayo Form field`);
  return rule;
}

/** An absolute http(s) URL that survives the crypt: no '&' (it would end the value), at most 255 bytes. */
function returnUrl(name: string, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new OpayoRequestError(name, 'not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OpayoRequestError(name, 'not an http(s) URL');
  if (url.href.includes('&')) throw new OpayoRequestError(name, "an '&' would end the value in the crypt");
  if (url.href.length > 255) throw new OpayoRequestError(name, 'longer than 255 characters');
  return url.href;
}

function partyPairs(prefix: 'Billing' | 'Delivery', party: OpayoParty): [string, string][] {
  const country = party.country.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) throw new OpayoRequestError(`${prefix}Country`, 'not an ISO 3166 two-letter code');
  const pairs: [string, string | null | undefined][] = [
    [`${prefix}Firstnames`, party.firstnames],
    [`${prefix}Surname`, party.surname],
    [`${prefix}Address1`, party.address1],
    [`${prefix}Address2`, party.address2],
    [`${prefix}City`, party.city],
    [`${prefix}PostCode`, party.postCode],
    [`${prefix}Country`, country],
  ];
  if (country === 'US') {
    const state = (party.state ?? '').trim().toUpperCase();
    if (!/^[A-Z]{2}$/.test(state)) throw new OpayoRequestError(`${prefix}State`, 'a US address needs its two-letter state code');
    pairs.push([`${prefix}State`, state]);
  }
  pairs.push([`${prefix}Phone`, party.phone]);
  return pairs.flatMap(([name, raw]) => {
    const rule = ruleOf(name);
    const value = raw == null ? '' : cleanValue(raw, rule);
    if (value) return [[name, value]];
    if (rule.required) throw new OpayoRequestError(name, 'nothing left that Opayo accepts (Latin letters are needed)');
    return [];
  });
}

/**
 * The crypt's plain text for a payment. Values are cleaned to what Opayo accepts rather than
 * refused, except where cleaning would change their meaning (URLs, amount, codes): those throw
 * OpayoRequestError.
 */
export function buildCryptPlaintext(req: OpayoRequest): string {
  if (!VENDOR_TX_CODE.test(req.vendorTxCode)) throw new OpayoRequestError('VendorTxCode', 'at most 40 of A-Z a-z 0-9 - _ . { }');
  if (!Number.isSafeInteger(req.amountPence) || req.amountPence < MIN_PENCE || req.amountPence > MAX_PENCE) {
    throw new OpayoRequestError('Amount', 'must be from 0.01 to 100000.00');
  }
  const description = cleanValue(req.description, ruleOf('Description'));
  if (!description) throw new OpayoRequestError('Description', 'empty');
  const pairs: [string, string][] = [
    ['VendorTxCode', req.vendorTxCode],
    ['Amount', formatAmount(req.amountPence)],
    ['Currency', 'GBP'],
    ['Description', description],
  ];
  const customerName = req.customerName ? cleanValue(req.customerName, ruleOf('CustomerName')) : '';
  if (customerName) pairs.push(['CustomerName', customerName]);
  // An address cut short or altered would send the receipt elsewhere, so an unusable one is left out.
  const email = req.customerEmail?.trim() ?? '';
  if (/^[^\s@&]+@[^\s@&]+\.[^\s@&]+$/.test(email) && /^[\x21-\x7E]+$/.test(email) && email.length <= 80) {
    pairs.push(['CustomerEMail', email]);
  }
  pairs.push(...partyPairs('Billing', req.billing), ...partyPairs('Delivery', req.delivery));
  pairs.push(['SuccessURL', returnUrl('SuccessURL', req.successUrl)], ['FailureURL', returnUrl('FailureURL', req.failureUrl)]);
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

/** A fresh VendorTxCode for each attempt to pay an order: "<order number>-<13 random base-36 digits>". */
export function newVendorTxCode(orderNumber: string): string {
  if (!/^[A-Za-z0-9\-_.{}]{1,26}$/.test(orderNumber)) {
    throw new OpayoRequestError('VendorTxCode', 'the order number must be 1 to 26 of A-Z a-z 0-9 - _ . { }');
  }
  const random = randomBytes(8).readBigUInt64BE().toString(36).padStart(13, '0');
  return `${orderNumber}-${random}`;
}

// ---------------------------------------------------------------------------------------------
// The cipher

/** Any UTF-16 code unit above 0xFF (surrogates included): a character with no Latin-1 byte. */
const BEYOND_LATIN1 = /[\u0100-\uFFFF]/;

function keyOf(password: string): Buffer {
  // A 16-character password is 16 bytes only if every character has a Latin-1 byte.
  if (password.length !== 16 || BEYOND_LATIN1.test(password)) throw new OpayoCryptError('the encryption password must be 16 bytes');
  return Buffer.from(password, 'latin1');
}

/** '@' + upper-case hex of AES-128-CBC (PKCS#7), key = IV = the password, over the Latin-1 bytes. */
export function encryptCrypt(plaintext: string, password: string): string {
  if (BEYOND_LATIN1.test(plaintext)) throw new OpayoCryptError('the plain text has characters outside Latin-1');
  const key = keyOf(password);
  const cipher = createCipheriv('aes-128-cbc', key, key);
  return `@${Buffer.concat([cipher.update(Buffer.from(plaintext, 'latin1')), cipher.final()])
    .toString('hex')
    .toUpperCase()}`;
}

/** The plain text of a crypt; throws OpayoCryptError unless it is '@' + hex of whole blocks with valid padding. */
export function decryptCrypt(crypt: string, password: string): string {
  const key = keyOf(password);
  if (!crypt.startsWith('@')) throw new OpayoCryptError("the crypt does not start with '@'");
  const hex = crypt.slice(1);
  if (!/^[0-9A-Fa-f]+$/.test(hex)) throw new OpayoCryptError('the crypt is not hexadecimal');
  if (hex.length % 32 !== 0) throw new OpayoCryptError('the crypt is not a whole number of AES blocks');
  const decipher = createDecipheriv('aes-128-cbc', key, key).setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(Buffer.from(hex, 'hex')), decipher.final()]);
  const pad = padded[padded.length - 1]!;
  let badPadding = pad === 0 || pad > 16 ? 1 : 0;
  for (let i = 1; i <= 16; i++) badPadding |= i <= pad && padded[padded.length - i] !== pad ? 1 : 0;
  if (badPadding) throw new OpayoCryptError('the crypt has invalid padding');
  return padded.subarray(0, padded.length - pad).toString('latin1');
}

/** Name=Value pairs joined by '&', each split on its first '='. No URL-decoding: '+' stays '+'. */
export function parsePairs(plaintext: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const pair of plaintext.split('&')) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new OpayoCryptError('a pair has no name');
    const name = pair.slice(0, eq);
    if (fields.has(name)) throw new OpayoCryptError(`the field ${name} appears twice`);
    fields.set(name, pair.slice(eq + 1));
  }
  return fields;
}

// ---------------------------------------------------------------------------------------------
// The result

/**
 * Field names a Form 4.00 result may carry. Garbled names are what a tampered block produces, so
 * anything else rejects the result; a forged name matching one of these by chance is negligible.
 */
const RESULT_FIELDS = new Set([
  'VPSProtocol',
  'TxType',
  'VendorTxCode',
  'VPSTxId',
  'Status',
  'StatusDetail',
  'TxAuthNo',
  'AVSCV2',
  'AddressResult',
  'PostCodeResult',
  'CV2Result',
  'GiftAid',
  '3DSecureStatus',
  'CAVV',
  'AddressStatus',
  'PayerStatus',
  'CardType',
  'Last4Digits',
  'DeclineCode',
  'ExpiryDate',
  'Amount',
  'BankAuthCode',
  'Surcharge',
  'FraudResponse',
]);

/** Shapes of the result fields that have one; the rest need only be printable Latin-1. */
const RESULT_FORMATS: Record<string, RegExp> = {
  VPSProtocol: /^4\.00$/,
  TxType: /^[A-Z]{1,15}$/,
  VendorTxCode: VENDOR_TX_CODE,
  VPSTxId: VPS_TX_ID,
  TxAuthNo: /^\d{1,10}$/,
  AVSCV2: /^[A-Z ]{1,50}$/,
  AddressResult: /^[A-Z]{1,20}$/,
  PostCodeResult: /^[A-Z]{1,20}$/,
  CV2Result: /^[A-Z]{1,20}$/,
  GiftAid: /^[01]$/,
  '3DSecureStatus': /^[A-Z]{1,50}$/,
  CardType: /^[A-Z]{1,15}$/,
  Last4Digits: /^\d{4}$/,
  DeclineCode: /^\d{2}$/,
  ExpiryDate: /^\d{4}$/,
  BankAuthCode: /^[A-Za-z0-9]{1,6}$/,
};

const PRINTABLE = /^[\x20-\x7E\xA0-\xFF]*$/;

/** A crypt's fields, decrypted, or why it could not be read (for the log only). */
function readCrypt(crypt: string, password: string): { ok: true; fields: Map<string, string> } | { ok: false; reason: string } {
  try {
    return { ok: true, fields: parsePairs(decryptCrypt(crypt, password)) };
  } catch (err) {
    return { ok: false, reason: err instanceof OpayoCryptError ? err.message : 'the crypt could not be read' };
  }
}

/**
 * The customer's returned crypt, checked strictly. Never throws. The reason is for the log only:
 * show the customer the same page for every failure, or the reply becomes a padding oracle that
 * can recover the password (with key = IV, one known first block gives it away).
 */
export function parseResult(crypt: string, password: string): { ok: true; result: OpayoResult } | { ok: false; reason: string } {
  const read = readCrypt(crypt, password);
  if (!read.ok) return read;
  const { fields } = read;
  for (const [name, value] of fields) {
    if (!RESULT_FIELDS.has(name)) return { ok: false, reason: `unknown field ${JSON.stringify(name.slice(0, 40))}` };
    if (!PRINTABLE.test(value)) return { ok: false, reason: `${name} has unprintable characters` };
    const format = RESULT_FORMATS[name];
    if (format && !format.test(value)) return { ok: false, reason: `${name} is not in its documented format` };
  }
  const vendorTxCode = fields.get('VendorTxCode');
  const vpsTxId = fields.get('VPSTxId');
  const status = fields.get('Status');
  const amount = fields.get('Amount');
  if (vendorTxCode === undefined) return { ok: false, reason: 'VendorTxCode is missing' };
  if (vpsTxId === undefined) return { ok: false, reason: 'VPSTxId is missing' };
  if (status === undefined) return { ok: false, reason: 'Status is missing' };
  if (!isStatus(status)) return { ok: false, reason: `unknown Status ${JSON.stringify(status.slice(0, 20))}` };
  if (amount === undefined) return { ok: false, reason: 'Amount is missing' };
  const amountPence = parseResultAmount(amount);
  if (amountPence === null) return { ok: false, reason: 'Amount is not in the 1234.50 format' };
  return {
    ok: true,
    result: {
      vendorTxCode,
      vpsTxId,
      status,
      statusDetail: fields.get('StatusDetail') ?? '',
      amountPence,
      txAuthNo: fields.get('TxAuthNo') ?? null,
      cardType: fields.get('CardType') ?? null,
      fields,
    },
  };
}

function isStatus(text: string): text is OpayoStatus {
  return (OPAYO_STATUSES as readonly string[]).includes(text);
}

// ---------------------------------------------------------------------------------------------
// The gateway's side, for the sandbox

/** A request crypt as the gateway reads it: known names, required fields present, every value valid. */
export function parseRequestCrypt(
  crypt: string,
  password: string,
): { ok: true; fields: Map<string, string>; amountPence: number } | { ok: false; reason: string } {
  const read = readCrypt(crypt, password);
  if (!read.ok) return read;
  const { fields } = read;
  for (const [name, value] of fields) {
    const rule = REQUEST_RULES[name];
    if (!rule) return { ok: false, reason: `unknown field ${JSON.stringify(name.slice(0, 40))}` };
    if (rule.max !== undefined && value.length > rule.max) return { ok: false, reason: `the ${name} field is longer than ${rule.max}` };
    if (rule.chars && !ONLY[rule.chars].test(value)) return { ok: false, reason: `the ${name} field has characters that are not allowed` };
    if (rule.format && !rule.format.test(value)) return { ok: false, reason: `the ${name} field is not valid` };
  }
  for (const [name, rule] of Object.entries(REQUEST_RULES)) {
    if (rule.required && !fields.get(name)) return { ok: false, reason: `the ${name} field is missing` };
  }
  for (const name of ['SuccessURL', 'FailureURL']) {
    if (!isHttpUrl(fields.get(name)!)) return { ok: false, reason: `the ${name} field is not an absolute http(s) URL` };
  }
  for (const prefix of ['Billing', 'Delivery']) {
    const us = fields.get(`${prefix}Country`) === 'US';
    if (us !== fields.has(`${prefix}State`)) return { ok: false, reason: `the ${prefix}State field must be given for US addresses only` };
  }
  if (fields.has('Basket') && fields.has('BasketXML')) return { ok: false, reason: 'Basket and BasketXML cannot both be given' };
  const amountPence = parseAmount(fields.get('Amount')!);
  if (amountPence === null) return { ok: false, reason: 'the Amount field is not in the 1234.50 format' };
  if (amountPence < MIN_PENCE || amountPence > MAX_PENCE) return { ok: false, reason: 'the Amount is not from 0.01 to 100000.00' };
  return { ok: true, fields, amountPence };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The crypt the gateway returns on the customer's redirect. */
export function buildResultCrypt(fields: Record<string, string>, password: string): string {
  for (const [name, value] of Object.entries(fields)) {
    if (name.includes('=') || name.includes('&') || value.includes('&')) throw new OpayoCryptError(`the field ${name} cannot be encoded`);
  }
  const plaintext = Object.entries(fields)
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  return encryptCrypt(plaintext, password);
}
