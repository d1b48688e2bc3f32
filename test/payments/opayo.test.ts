import { createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildCryptPlaintext,
  buildResultCrypt,
  decryptCrypt,
  encryptCrypt,
  formatAmount,
  newVendorTxCode,
  OpayoCryptError,
  type OpayoParty,
  type OpayoRequest,
  OpayoRequestError,
  parseAmount,
  parsePairs,
  parseRequestCrypt,
  parseResult,
  toLatin1,
} from '../../src/features/payments/opayo.js';

// The worked example of the Sage Pay Form guide (docs/opayo-form.md).
const VECTOR_PASSWORD = '55a51621a6648525';
const VECTOR_PLAINTEXT =
  'VendorTxCode=TxCode-1310917599-223087284&Amount=36.95&Currency=GBP&Description=description&CustomerName=Fname Surname&CustomerEMail=customer@example.com&BillingSurname=Surname&BillingFirstnames=Fname&BillingAddress1=BillAddress Line 1&BillingCity=BillCity&BillingPostCode=W1A 1BL&BillingCountry=GB&BillingPhone=447933000000&DeliveryFirstnames=Fname&DeliverySurname=Surname&DeliveryAddress1=BillAddress Line 1&DeliveryCity=BillCity&DeliveryPostCode=W1A 1BL&DeliveryCountry=GB&DeliveryPhone=447933000000&SuccessURL=https://example.com/success&FailureURL=https://example.com/failure';

const PASSWORD = 'Test16BytesPassw';

const vectorParty: OpayoParty = {
  firstnames: 'Fname',
  surname: 'Surname',
  address1: 'BillAddress Line 1',
  city: 'BillCity',
  postCode: 'W1A 1BL',
  country: 'GB',
  phone: '447933000000',
};
const vectorRequest: OpayoRequest = {
  vendorTxCode: 'TxCode-1310917599-223087284',
  amountPence: 3695,
  description: 'description',
  successUrl: 'https://example.com/success',
  failureUrl: 'https://example.com/failure',
  customerName: 'Fname Surname',
  customerEmail: 'customer@example.com',
  billing: vectorParty,
  delivery: vectorParty,
};

function request(overrides: Partial<OpayoRequest> = {}, party: Partial<OpayoParty> = {}): OpayoRequest {
  return { ...vectorRequest, billing: { ...vectorParty, ...party }, delivery: { ...vectorParty, ...party }, ...overrides };
}

function built(overrides: Partial<OpayoRequest> = {}, party: Partial<OpayoParty> = {}): Map<string, string> {
  return parsePairs(buildCryptPlaintext(request(overrides, party)));
}

const RESULT = {
  VPSProtocol: '4.00',
  TxType: 'PAYMENT',
  VendorTxCode: 'A1B2C3-0k3j5h2g1f0d9',
  VPSTxId: '{6FB5C5D5-7A42-4B4B-9C53-1B5F0B2B6E4A}',
  Status: 'OK',
  StatusDetail: '0000 : The Authorisation was Successful.',
  TxAuthNo: '9081726354',
  AVSCV2: 'SECURITY CODE MATCH ONLY',
  AddressResult: 'NOTMATCHED',
  PostCodeResult: 'NOTMATCHED',
  CV2Result: 'MATCHED',
  GiftAid: '0',
  '3DSecureStatus': 'NOTCHECKED',
  CardType: 'VISA',
  Last4Digits: '0006',
  ExpiryDate: '1230',
  Amount: '36.95',
  BankAuthCode: '999777',
};

/** The crypt with one bit flipped in the given byte of the cipher text. */
function flipBit(crypt: string, byteIndex: number, bit = 0): string {
  const bytes = Buffer.from(crypt.slice(1), 'hex');
  bytes[byteIndex]! ^= 1 << bit;
  return `@${bytes.toString('hex').toUpperCase()}`;
}

describe('the crypt cipher', () => {
  it('encrypts the official worked example exactly', () => {
    const crypt = encryptCrypt(VECTOR_PLAINTEXT, VECTOR_PASSWORD);
    expect(crypt.startsWith('@2DCD27338114D4C39A14A855702FBAB2EF40BCAC2D76A3ABC0F660A07E9C1C92')).toBe(true);
    expect(crypt.endsWith('C7731A28A2C883A')).toBe(true);
    expect(crypt.length - 1).toBe(1184);
    expect(crypt).toMatch(/^@[0-9A-F]+$/);
    expect(decryptCrypt(crypt, VECTOR_PASSWORD)).toBe(VECTOR_PLAINTEXT);
  });

  it('builds the worked example from a request: the same pairs', () => {
    const ours = [...parsePairs(buildCryptPlaintext(vectorRequest))].sort();
    const theirs = [...parsePairs(VECTOR_PLAINTEXT)].sort();
    expect(ours).toEqual(theirs);
  });

  it('encodes the plain text as Latin-1: £ is the single byte 0xA3, accents one byte each', () => {
    const text = 'Description=£25 ring for Zoë Ångström';
    const crypt = encryptCrypt(text, PASSWORD);
    const key = Buffer.from(PASSWORD, 'latin1');
    const decipher = createDecipheriv('aes-128-cbc', key, key);
    const bytes = Buffer.concat([decipher.update(Buffer.from(crypt.slice(1), 'hex')), decipher.final()]);
    expect(bytes.length).toBe(text.length);
    expect(bytes[bytes.indexOf(0xa3)]).toBe(0xa3);
    expect(bytes.includes(Buffer.from('Zo\xeb', 'latin1'))).toBe(true);
    expect(decryptCrypt(crypt, PASSWORD)).toBe(text);
  });

  it('accepts lower-case hex when decrypting', () => {
    const crypt = encryptCrypt('Status=OK', PASSWORD);
    expect(decryptCrypt(crypt.toLowerCase(), PASSWORD)).toBe('Status=OK');
  });

  it('refuses text outside Latin-1 and passwords that are not 16 bytes', () => {
    expect(() => encryptCrypt('Description=💍', PASSWORD)).toThrow(OpayoCryptError);
    expect(() => encryptCrypt('Status=OK', 'short')).toThrow(OpayoCryptError);
    expect(() => encryptCrypt('Status=OK', 'Test16BytesPassé€')).toThrow(OpayoCryptError);
    expect(() => decryptCrypt(encryptCrypt('Status=OK', PASSWORD), 'x'.repeat(17))).toThrow(OpayoCryptError);
  });

  it('refuses a crypt without @, with non-hex characters, odd length or a partial block', () => {
    const good = encryptCrypt('Status=OK', PASSWORD);
    expect(() => decryptCrypt(good.slice(1), PASSWORD)).toThrow(/'@'/);
    expect(() => decryptCrypt(`${good.slice(0, -1)}G`, PASSWORD)).toThrow(/hexadecimal/);
    expect(() => decryptCrypt('@', PASSWORD)).toThrow(/hexadecimal/);
    expect(() => decryptCrypt(good.slice(0, -1), PASSWORD)).toThrow(/blocks/);
    expect(() => decryptCrypt(good.slice(0, -2), PASSWORD)).toThrow(/blocks/);
    expect(() => decryptCrypt(`${good}00`, PASSWORD)).toThrow(/blocks/);
  });

  it('refuses a crypt made with another password (its padding does not check out)', () => {
    const crypt = encryptCrypt(VECTOR_PLAINTEXT, VECTOR_PASSWORD);
    expect(() => decryptCrypt(crypt, PASSWORD)).toThrow(/padding/);
    expect(parseResult(crypt, PASSWORD).ok).toBe(false);
  });
});

describe('name=value pairs', () => {
  it("splits on '&' and on the first '=' only, keeping '+' and spaces", () => {
    const fields = parsePairs('StatusDetail=0000 : a+b = c&CAVV=AAAB+cd/ef==&Empty=');
    expect(fields.get('StatusDetail')).toBe('0000 : a+b = c');
    expect(fields.get('CAVV')).toBe('AAAB+cd/ef==');
    expect(fields.get('Empty')).toBe('');
  });

  it('refuses duplicate names, pairs without a name and pairs without =', () => {
    expect(() => parsePairs('Status=OK&Status=ABORT')).toThrow(OpayoCryptError);
    expect(() => parsePairs('=OK')).toThrow(OpayoCryptError);
    expect(() => parsePairs('Status')).toThrow(OpayoCryptError);
    expect(() => parsePairs('Status=OK&')).toThrow(OpayoCryptError);
    expect(() => parsePairs('')).toThrow(OpayoCryptError);
  });
});

describe('amounts', () => {
  it('formats pence as Opayo writes amounts', () => {
    expect(formatAmount(3695)).toBe('36.95');
    expect(formatAmount(123450)).toBe('1234.50');
    expect(formatAmount(1)).toBe('0.01');
    expect(formatAmount(10)).toBe('0.10');
    expect(formatAmount(0)).toBe('0.00');
    expect(formatAmount(10_000_000)).toBe('100000.00');
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => formatAmount(bad)).toThrow(RangeError);
  });

  it('parses only the documented format', () => {
    expect(parseAmount('1234.50')).toBe(123450);
    expect(parseAmount('36.95')).toBe(3695);
    expect(parseAmount('0.01')).toBe(1);
    expect(parseAmount('100000.00')).toBe(10_000_000);
    for (const bad of [
      '1,234.50',
      '1234.5',
      '1234',
      '1234.',
      '.50',
      '01.00',
      '-1.00',
      '+1.00',
      ' 1.00',
      '1.00 ',
      '1.000',
      '1e3',
      '£1.00',
      '',
    ]) {
      expect(parseAmount(bad), bad).toBeNull();
    }
  });

  it('round-trips every amount it formats', () => {
    for (const pence of [0, 1, 9, 10, 99, 100, 101, 3695, 99_999, 123_450, 9_999_999, 10_000_000]) {
      expect(parseAmount(formatAmount(pence))).toBe(pence);
    }
  });
});

describe('building the request', () => {
  it('sends GBP, the amount and only field names the gateway knows', () => {
    const plaintext = buildCryptPlaintext(request({ amountPence: 123450 }, { address2: 'Jewellery Quarter' }));
    const checked = parseRequestCrypt(encryptCrypt(plaintext, PASSWORD), PASSWORD);
    expect(checked).toMatchObject({ ok: true, amountPence: 123450 });
    const fields = parsePairs(plaintext);
    expect(fields.get('Currency')).toBe('GBP');
    expect(fields.get('Amount')).toBe('1234.50');
    expect(fields.get('BillingAddress2')).toBe('Jewellery Quarter');
  });

  it("never puts '&' in a value", () => {
    const fields = built(
      { description: 'Ring & chain', customerName: 'Smith&Jones' },
      { surname: 'Marks & Spencer', address1: 'Unit 3 & 4' },
    );
    expect(fields.get('Description')).toBe('Ring and chain');
    expect(fields.get('CustomerName')).toBe('Smith and Jones');
    expect(fields.get('BillingSurname')).toBe('Marks and Spencer');
    expect(fields.get('DeliveryAddress1')).toBe('Unit 3 and 4');
  });

  it('keeps names to letters (accents included), spaces and the punctuation Opayo allows', () => {
    const fields = built({}, { firstnames: 'Zoë-Anne 2nd 💍', surname: 'O’Brien (née Łukasz)' });
    expect(fields.get('BillingFirstnames')).toBe('Zoë-Anne nd');
    expect(fields.get('BillingSurname')).toBe("O'Brien née Lukasz");
  });

  it('transliterates characters with no Latin-1 byte, or drops them', () => {
    expect(toLatin1('Łódź – “Ő” ’s café')).toBe('Lódz - "O" \'s café');
    expect(toLatin1('Straße ½ £')).toBe('Straße ½ £');
    expect(toLatin1('Ring 💍 ring')).toBe('Ring  ring');
    expect(toLatin1('tab\there')).toBe('tab here');
    expect(toLatin1('ﬁne')).toBe('fine');
  });

  it('cuts an address line at 50 Latin-1 bytes, not UTF-8 bytes', () => {
    const fields = built({}, { address1: 'Château de la Forêt, '.repeat(5) });
    const line = fields.get('BillingAddress1')!;
    expect(Buffer.byteLength(line, 'latin1')).toBeLessThanOrEqual(50);
    expect(Buffer.byteLength(line, 'utf8')).toBeGreaterThan(50);
    expect(line).toBe('Château de la Forêt, Château de la Forêt, Château');
  });

  it('keeps post codes to letters, digits, spaces and hyphens, and phone numbers to their characters', () => {
    const fields = built({}, { postCode: ' b18_6nf! ', phone: '+44 (0)121 555-0100 ext. 5' });
    expect(fields.get('BillingPostCode')).toBe('b18 6nf');
    expect(fields.get('BillingPhone')).toBe('+44 (0)121 555-0100');
  });

  it('sends the Description as text: Opayo would show markup as HTML on its page', () => {
    expect(built({ description: '<img src=x>Ring' }).get('Description')).toBe('img src=x Ring');
  });

  it('limits Description to 100 bytes and CustomerName to 100', () => {
    const fields = built({ description: 'é'.repeat(150), customerName: 'a'.repeat(150) });
    expect(fields.get('Description')).toHaveLength(100);
    expect(fields.get('CustomerName')).toHaveLength(100);
  });

  it('leaves out an optional field with nothing usable, and an e-mail address it cannot send whole', () => {
    for (const email of ['not an address', `${'a'.repeat(75)}@example.com`, 'zoë@example.com', 'a&b@example.com']) {
      expect(built({ customerEmail: email }).has('CustomerEMail'), email).toBe(false);
    }
    const fields = built({ customerName: '💍' }, { phone: '☎', address2: '  ' });
    expect(fields.has('CustomerName')).toBe(false);
    expect(fields.has('BillingPhone')).toBe(false);
    expect(fields.has('BillingAddress2')).toBe(false);
  });

  it('refuses a required field with nothing usable left, naming the field', () => {
    expect(() => buildCryptPlaintext(request({}, { surname: '王' }))).toThrow(OpayoRequestError);
    expect(() => buildCryptPlaintext(request({}, { surname: '王' }))).toThrow(/BillingSurname/);
    expect(() => buildCryptPlaintext(request({ description: '💍' }))).toThrow(/Description/);
  });

  it('sends a state only for US addresses, and requires it there', () => {
    expect(built({}, { state: 'CA' }).has('BillingState')).toBe(false);
    expect(built({}, { country: 'us', state: 'ca' }).get('DeliveryState')).toBe('CA');
    expect(() => buildCryptPlaintext(request({}, { country: 'US' }))).toThrow(/BillingState/);
    expect(() => buildCryptPlaintext(request({}, { country: 'GBR' }))).toThrow(/BillingCountry/);
  });

  it('refuses return URLs that are not absolute http(s), contain & or are too long', () => {
    for (const url of [
      '/checkout/return',
      'ftp://example.com/x',
      'javascript:alert(1)',
      'https://example.com/r?a=1&b=2',
      `https://example.com/${'a'.repeat(250)}`,
    ]) {
      expect(() => buildCryptPlaintext(request({ successUrl: url })), url).toThrow(OpayoRequestError);
    }
    expect(built({ failureUrl: 'https://shop.example/payment/return?result=failure' }).get('FailureURL')).toBe(
      'https://shop.example/payment/return?result=failure',
    );
  });

  it('refuses an amount outside 0.01–100000.00 and a bad VendorTxCode', () => {
    for (const amountPence of [0, -5, 10_000_001, 12.5]) expect(() => buildCryptPlaintext(request({ amountPence }))).toThrow(/Amount/);
    for (const vendorTxCode of ['', 'has space', 'x'.repeat(41), 'semi;colon']) {
      expect(() => buildCryptPlaintext(request({ vendorTxCode }))).toThrow(/VendorTxCode/);
    }
  });
});

describe('VendorTxCode', () => {
  it('is the order number and a random part, in allowed characters, unique per attempt', () => {
    const codes = new Set(Array.from({ length: 1000 }, () => newVendorTxCode('AS-000123')));
    expect(codes.size).toBe(1000);
    for (const code of codes) expect(code).toMatch(/^AS-000123-[0-9a-z]{13}$/);
    expect(newVendorTxCode('x'.repeat(26)).length).toBe(40);
  });

  it('refuses an order number it cannot carry', () => {
    for (const bad of ['', 'has space', 'x'.repeat(27), 'é']) expect(() => newVendorTxCode(bad)).toThrow(OpayoRequestError);
  });
});

describe('reading the result', () => {
  const crypt = (fields: Record<string, string> = RESULT) => buildResultCrypt(fields, PASSWORD);
  const without = (name: string) => Object.fromEntries(Object.entries(RESULT).filter(([k]) => k !== name));

  it('reads a genuine result', () => {
    const parsed = parseResult(crypt(), PASSWORD);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.result).toMatchObject({
      vendorTxCode: RESULT.VendorTxCode,
      vpsTxId: RESULT.VPSTxId,
      status: 'OK',
      statusDetail: RESULT.StatusDetail,
      amountPence: 3695,
      txAuthNo: '9081726354',
      cardType: 'VISA',
    });
    expect(parsed.result.fields.get('3DSecureStatus')).toBe('NOTCHECKED');
  });

  it('reads each of the five statuses, and a result with only the essential fields', () => {
    for (const Status of ['OK', 'NOTAUTHED', 'ABORT', 'REJECTED', 'ERROR']) {
      expect(parseResult(crypt({ ...RESULT, Status }), PASSWORD)).toMatchObject({ ok: true, result: { status: Status } });
    }
    const minimal = { VendorTxCode: 'A1', VPSTxId: RESULT.VPSTxId, Status: 'ABORT', Amount: '1.00' };
    expect(parseResult(crypt(minimal), PASSWORD)).toMatchObject({ ok: true, result: { txAuthNo: null, cardType: null, statusDetail: '' } });
  });

  it('accepts a correctly grouped thousands comma in the returned Amount, and nothing looser', () => {
    expect(parseResult(crypt({ ...RESULT, Amount: '1,234.50' }), PASSWORD)).toMatchObject({ ok: true, result: { amountPence: 123450 } });
    expect(parseResult(crypt({ ...RESULT, Amount: '12,345,678.00' }), PASSWORD)).toMatchObject({
      ok: true,
      result: { amountPence: 1234567800 },
    });
    for (const Amount of ['1,23.50', '12,34.50', ',123.00', '1234,567.00', '36.9', '36,95', 'free']) {
      expect(parseResult(crypt({ ...RESULT, Amount }), PASSWORD).ok, Amount).toBe(false);
    }
  });

  it('keeps spaces, + and = inside values', () => {
    const parsed = parseResult(crypt({ ...RESULT, StatusDetail: '2000 : Declined + retried = no', CAVV: 'AAAB+x/y==' }), PASSWORD);
    expect(parsed).toMatchObject({ ok: true, result: { statusDetail: '2000 : Declined + retried = no' } });
    if (parsed.ok) expect(parsed.result.fields.get('CAVV')).toBe('AAAB+x/y==');
  });

  it('rejects unknown field names', () => {
    expect(parseResult(crypt({ ...RESULT, Paid: 'yes' }), PASSWORD)).toEqual({ ok: false, reason: 'unknown field "Paid"' });
    expect(parseResult(crypt({ ...RESULT, status: 'OK' }), PASSWORD).ok).toBe(false);
  });

  it('rejects a result without VendorTxCode, VPSTxId, Status or Amount', () => {
    for (const name of ['VendorTxCode', 'VPSTxId', 'Status', 'Amount']) {
      expect(parseResult(crypt(without(name)), PASSWORD), name).toEqual({ ok: false, reason: `${name} is missing` });
    }
  });

  it('rejects a VPSTxId that is not a {GUID}', () => {
    for (const VPSTxId of [
      '6FB5C5D5-7A42-4B4B-9C53-1B5F0B2B6E4A',
      '{6FB5C5D5-7A42-4B4B-9C53-1B5F0B2B6E4}',
      '{ZZB5C5D5-7A42-4B4B-9C53-1B5F0B2B6E4A}',
      '',
    ]) {
      expect(parseResult(crypt({ ...RESULT, VPSTxId }), PASSWORD).ok, VPSTxId).toBe(false);
    }
  });

  it('rejects an unknown Status and a malformed VendorTxCode', () => {
    for (const Status of ['PENDING', 'ok', 'OK ', 'MALFORMED', '']) {
      expect(parseResult(crypt({ ...RESULT, Status }), PASSWORD).ok, Status).toBe(false);
    }
    for (const VendorTxCode of ['x'.repeat(41), 'has space', '']) {
      expect(parseResult(crypt({ ...RESULT, VendorTxCode }), PASSWORD).ok, VendorTxCode).toBe(false);
    }
  });

  it('rejects duplicate fields', () => {
    const plaintext = `${Object.entries(RESULT)
      .map(([k, v]) => `${k}=${v}`)
      .join('&')}&Status=OK`;
    expect(parseResult(encryptCrypt(plaintext, PASSWORD), PASSWORD)).toEqual({ ok: false, reason: 'the field Status appears twice' });
  });

  it('rejects a bit flipped in the last block: the padding breaks', () => {
    const good = crypt();
    const bytes = (good.length - 1) / 2;
    for (let i = bytes - 16; i < bytes; i++) {
      const parsed = parseResult(flipBit(good, i), PASSWORD);
      expect(parsed.ok, `byte ${i}`).toBe(false);
    }
    expect(parseResult(flipBit(good, bytes - 1), PASSWORD)).toEqual({ ok: false, reason: 'the crypt has invalid padding' });
  });

  it('rejects a bit flipped in any earlier block: the block it garbles fails the strict parse', () => {
    const good = crypt();
    const bytes = (good.length - 1) / 2;
    for (let i = 0; i < bytes - 16; i++) {
      for (const bit of [0, 3, 7]) expect(parseResult(flipBit(good, i, bit), PASSWORD).ok, `byte ${i} bit ${bit}`).toBe(false);
    }
  });

  it('rejects the attack CBC allows: changing the Amount by flipping bits in the block before it', () => {
    const good = crypt();
    const plaintext = Buffer.from(decryptCrypt(good, PASSWORD), 'latin1');
    const at = plaintext.indexOf('Amount=36.95') + 'Amount='.length;
    expect(at).toBeGreaterThanOrEqual(16);
    // '3' -> '9' in the plain text, at the price of garbling the previous block.
    const forged = flipBit(flipBit(good, at - 16, 1), at - 16, 3);
    const tampered = decryptCrypt(forged, PASSWORD);
    expect(tampered).toContain('=96.95&');
    expect(parseResult(forged, PASSWORD).ok).toBe(false);
  });

  it('never throws, whatever it is given', () => {
    const inputs = [
      '',
      '@',
      '@@',
      'crypt',
      `@${'0'.repeat(32)}`,
      `@${'F'.repeat(64)}`,
      encryptCrypt('', PASSWORD),
      encryptCrypt('=', PASSWORD),
    ];
    for (const input of inputs) expect(parseResult(input, PASSWORD).ok, input).toBe(false);
    expect(parseResult(crypt(), 'not sixteen').ok).toBe(false);
  });
});

describe('reading the request (the sandbox side)', () => {
  const crypt = (plaintext: string) => encryptCrypt(plaintext, PASSWORD);
  const replaceField = (name: string, value: string | null) =>
    [...parsePairs(VECTOR_PLAINTEXT)]
      .filter(([k]) => k !== name || value !== null)
      .map(([k, v]) => `${k}=${k === name ? value : v}`)
      .join('&');

  it('reads the worked example', () => {
    expect(parseRequestCrypt(crypt(VECTOR_PLAINTEXT), PASSWORD)).toMatchObject({ ok: true, amountPence: 3695 });
  });

  it('names what is wrong', () => {
    const cases: [string, string][] = [
      [`${VECTOR_PLAINTEXT}&Colour=gold`, 'unknown field "Colour"'],
      [replaceField('Currency', null), 'the Currency field is missing'],
      [replaceField('BillingSurname', ''), 'the BillingSurname field is missing'],
      [replaceField('BillingSurname', 'x'.repeat(21)), 'the BillingSurname field is longer than 20'],
      [replaceField('BillingSurname', 'Sm1th'), 'the BillingSurname field has characters that are not allowed'],
      [replaceField('BillingCountry', 'gb'), 'the BillingCountry field is not valid'],
      [replaceField('Amount', '1,234.50'), 'the Amount field is not in the 1234.50 format'],
      [replaceField('Amount', '0.00'), 'the Amount is not from 0.01 to 100000.00'],
      [replaceField('Amount', '100000.01'), 'the Amount is not from 0.01 to 100000.00'],
      [replaceField('SuccessURL', 'example.com/success'), 'the SuccessURL field is not an absolute http(s) URL'],
      [`${VECTOR_PLAINTEXT}&BillingState=CA`, 'the BillingState field must be given for US addresses only'],
      [replaceField('DeliveryCountry', 'US'), 'the DeliveryState field must be given for US addresses only'],
    ];
    for (const [plaintext, reason] of cases) expect(parseRequestCrypt(crypt(plaintext), PASSWORD)).toEqual({ ok: false, reason });
    expect(parseRequestCrypt('@0123', PASSWORD)).toEqual({ ok: false, reason: 'the crypt is not a whole number of AES blocks' });
  });
});
