import { describe, expect, it } from 'vitest';
import { normalisePhone, normalisePostcode } from '../../src/shared/uk-address.js';

describe('UK postcodes', () => {
  it.each([
    ['sw1a1aa', 'SW1A 1AA'],
    [' SW1A  1AA ', 'SW1A 1AA'],
    ['ba12hn', 'BA1 2HN'],
    ['M1 1AE', 'M1 1AE'],
    ['cr26xh', 'CR2 6XH'],
    ['gir0aa', 'GIR 0AA'],
  ])('tidies %j to %j', (typed, tidy) => {
    expect(normalisePostcode(typed)).toBe(tidy);
  });

  it.each(['', '12345', 'SW1A', 'Q1 1AA', 'SW1A 1AI', '10115 Berlin'])('refuses %j', (typed) => {
    expect(normalisePostcode(typed)).toBeNull();
  });
});

describe('UK phone numbers', () => {
  it.each([
    ['07700 900123', '07700 900123'],
    ['07700900123', '07700 900123'],
    ['+44 7700 900123', '07700 900123'],
    ['+44 (0)7700 900123', '07700 900123'],
    ['0044 7700 900123', '07700 900123'],
    ['(0121) 496 0000', '01214 960000'],
    ['0121-496-0000', '01214 960000'],
  ])('tidies %j to %j', (typed, tidy) => {
    expect(normalisePhone(typed)).toBe(tidy);
  });

  it.each(['', 'call me', '12345', '+33 1 23 45 67 89', '07700 900123 ext 4', '077009001234567'])('refuses %j', (typed) => {
    expect(normalisePhone(typed)).toBeNull();
  });
});
