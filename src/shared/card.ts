/**
 * Card numbers: the shop never accepts one. Payment details go to Opayo's page only, so any
 * field that looks like a card number (13–19 digits, spaces or dashes allowed, Luhn-valid) is
 * refused before it can be stored or logged.
 */

/** The Luhn checksum over a string of digits. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

// A run of digits with single spaces or dashes between them, not part of a longer word or token
// (so the hex of an Opayo crypt, or a random token, is not mistaken for a card number).
const CANDIDATE = /(?<![0-9A-Za-z])\d(?:[ -]?\d){12,18}(?![0-9A-Za-z])/g;

/** True when the text holds something that is a card number by its shape and checksum. */
export function containsCardNumber(text: string): boolean {
  if (text.length < 13) return false;
  for (const match of text.matchAll(CANDIDATE)) {
    const digits = match[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) return true;
  }
  return false;
}
