/**
 * The shop delivers within the UK only; these are the rules for the UK postcodes and phone numbers
 * that checkout and the account's address book both take, kept in the tidy form they are stored in.
 */

// The UK postcode format (outward code, space optional, inward code), and GIR 0AA.
const POSTCODE = /^(GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})$/i;

/** "sw1a1aa" → "SW1A 1AA"; null when it is not a UK postcode. */
export function normalisePostcode(input: string): string | null {
  const compact = input.replace(/\s+/g, '').toUpperCase();
  if (!POSTCODE.test(compact)) return null;
  return `${compact.slice(0, -3)} ${compact.slice(-3)}`;
}

/** A UK number, written as people do ("07700 900123", "+44 7700 900123", "(0121) 496 0000"), kept in a tidy form. */
export function normalisePhone(input: string): string | null {
  const trimmed = input.trim();
  // The area code may come first in brackets, as in (0121) 496 0000.
  if (!/^[+(\d][\d\s().-]*$/.test(trimmed)) return null;
  let digits = trimmed.replace(/[\s().-]/g, '');
  if (digits.startsWith('+44')) digits = `0${digits.slice(3).replace(/^0/, '')}`;
  else if (digits.startsWith('0044')) digits = `0${digits.slice(4).replace(/^0/, '')}`;
  if (!/^0\d{9,10}$/.test(digits)) return null;
  return digits.length === 11 ? `${digits.slice(0, 5)} ${digits.slice(5)}` : `${digits.slice(0, 4)} ${digits.slice(4)}`;
}
