/** The one place that renders money. All amounts are integer pence. */
const gbp = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });

export function formatPence(pence: number): string {
  return gbp.format(pence / 100);
}

/** VAT contained in a VAT-inclusive UK price at the standard 20 % rate, rounded to the penny. */
export function vatIncluded(pence: number): number {
  return Math.round(pence / 6);
}

/** The most the shop takes or gives back in one amount: £1,000,000. */
export const MAX_AMOUNT_PENCE = 100_000_000;

export type PoundsProblem = 'empty' | 'negative' | 'not_pounds' | 'past_the_penny' | 'too_large' | 'zero';
export type ParsedPounds = { ok: true; pence: number } | { ok: false; problem: PoundsProblem; message: string };

export interface PoundsRules {
  /** What the amount is, for the messages: "price" gives "Please enter the price…", "A price cannot…". */
  noun?: string;
  /** The example the messages give. */
  example?: string;
  maxPence?: number;
  /** £0 is refused unless allowed (a price or a refund of nothing is a slip; a "from £0" filter is not). */
  allowZero?: boolean;
}

/**
 * Pounds as people type them ("250", "249.99", "£1,250.00", "12.5") to integer pence, read as
 * digits and never through floating point, so 0.29 is 29 pence and not 28.999…; or the problem
 * with a message that says what to type instead. More than two decimal places is refused rather
 * than rounded: a price of 12.505 is a typing slip, not half a penny.
 */
export function parsePounds(text: string, rules: PoundsRules = {}): ParsedPounds {
  const noun = rules.noun ?? 'amount';
  const example = rules.example ?? '250 or 249.99';
  const a = /^[aeiou]/i.test(noun) ? 'An' : 'A';
  const refuse = (problem: PoundsProblem, message: string): ParsedPounds => ({ ok: false, problem, message });
  let t = text.trim().replace(/^£\s*/, '');
  if (t === '') return refuse('empty', `Please enter the ${noun} in pounds, such as ${example}.`);
  if (t.startsWith('-')) {
    return refuse('negative', `${a} ${noun} cannot be below zero. Please enter the ${noun} in pounds, such as ${example}.`);
  }
  // Thousands separators only where they belong: "1,250" and "12,500.00", never "1,25".
  if (/^\d{1,3}(,\d{3})+(\.\d*)?$/.test(t)) t = t.replace(/,/g, '');
  if (!/^\d+(\.\d+)?$/.test(t)) return refuse('not_pounds', `Please enter the ${noun} as a number of pounds, such as ${example}.`);
  const [whole = '', fraction = ''] = t.split('.');
  if (fraction.length > 2) {
    return refuse(
      'past_the_penny',
      `${noun[0]!.toUpperCase()}${noun.slice(1)}s go to the penny: please use no more than two decimal places, such as 12.35.`,
    );
  }
  const pence = whole.length > 12 ? Infinity : Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  if (pence > (rules.maxPence ?? MAX_AMOUNT_PENCE)) {
    return refuse('too_large', `That ${noun} is higher than anything the shop can sell. Please check it.`);
  }
  if (pence === 0 && !rules.allowZero) return refuse('zero', `Please enter ${a.toLowerCase()} ${noun} above £0.`);
  return { ok: true, pence };
}
