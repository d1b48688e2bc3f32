import { describe, expect, it } from 'vitest';
import { formatPence, parsePounds } from '../../src/shared/money.js';

describe('pounds typed by staff and shoppers', () => {
  it.each([
    ['250', 25_000],
    ['249.99', 24_999],
    ['12.5', 1_250],
    ['£1,250.00', 125_000],
    ['£ 12,500', 1_250_000],
    ['  0.29 ', 29],
    ['1000000', 100_000_000],
  ])('reads %j as %i pence, without floating-point drift', (typed, pence) => {
    expect(parsePounds(typed)).toEqual({ ok: true, pence });
  });

  it.each([
    ['', 'empty', 'Please enter the price in pounds'],
    ['   ', 'empty', 'Please enter the price in pounds'],
    ['-1', 'negative', 'A price cannot be below zero'],
    ['£-12.50', 'negative', 'A price cannot be below zero'],
    ['12.505', 'past_the_penny', 'Prices go to the penny: please use no more than two decimal places'],
    ['abc', 'not_pounds', 'Please enter the price as a number of pounds'],
    ['1,25', 'not_pounds', 'Please enter the price as a number of pounds'],
    ['12.', 'not_pounds', 'Please enter the price as a number of pounds'],
    ['1e3', 'not_pounds', 'Please enter the price as a number of pounds'],
    ['0', 'zero', 'Please enter a price above £0.'],
    ['1000000.01', 'too_large', 'That price is higher than anything the shop can sell'],
    ['99999999999999999999', 'too_large', 'That price is higher than anything the shop can sell'],
  ])('refuses %j as %s, saying what to type instead', (typed, problem, message) => {
    const r = parsePounds(typed, { noun: 'price' });
    expect(r).toMatchObject({ ok: false, problem });
    expect(r.ok ? '' : r.message).toContain(message);
  });

  it('names the amount and gives the example it is told to', () => {
    const r = parsePounds('ten', { noun: 'amount', example: '12.50' });
    expect(r).toEqual({
      ok: false,
      problem: 'not_pounds',
      message: 'Please enter the amount as a number of pounds, such as 12.50.',
    });
    expect(parsePounds('0', { noun: 'amount' })).toMatchObject({ message: 'Please enter an amount above £0.' });
  });

  it('takes £0 when allowed, and a lower ceiling when given one', () => {
    expect(parsePounds('0', { allowZero: true })).toEqual({ ok: true, pence: 0 });
    expect(parsePounds('10.01', { maxPence: 1_000 })).toMatchObject({ ok: false, problem: 'too_large' });
    expect(parsePounds('10.00', { maxPence: 1_000 })).toEqual({ ok: true, pence: 1_000 });
  });

  it('renders back what it reads', () => {
    const r = parsePounds('£1,250.05');
    expect(r.ok && formatPence(r.pence)).toBe('£1,250.05');
  });
});
