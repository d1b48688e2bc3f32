import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FINANCIAL_YEAR_END,
  financialYearEndOf,
  londonDate,
  orderDetailsKeptUntil,
  startOfLondonDay,
  taxRecordKeptUntil,
  taxRecordsEndedBefore,
} from '../../src/features/orders/orders.domain.js';

/** The date arithmetic of order retention, as pure functions of a date and the financial year end. */
const march31 = DEFAULT_FINANCIAL_YEAR_END;
const d = (year: number, month: number, day: number) => ({ year, month, day });

describe('the tax record: the end of its financial year plus 6 years', () => {
  it('keeps an order of 31 March 2026 until 31 March 2032, and one of 1 April 2026 until 31 March 2033', () => {
    expect(taxRecordKeptUntil(d(2026, 3, 31), march31)).toEqual(d(2032, 3, 31));
    expect(taxRecordKeptUntil(d(2026, 4, 1), march31)).toEqual(d(2033, 3, 31));
    expect(taxRecordKeptUntil(d(2026, 1, 1), march31)).toEqual(d(2032, 3, 31));
    expect(taxRecordKeptUntil(d(2026, 12, 31), march31)).toEqual(d(2033, 3, 31));
  });

  it('follows another year end: 31 December, and 28 February across leap years', () => {
    const december = { month: 12, day: 31 };
    expect(taxRecordKeptUntil(d(2026, 12, 31), december)).toEqual(d(2032, 12, 31));
    expect(taxRecordKeptUntil(d(2027, 1, 1), december)).toEqual(d(2033, 12, 31));
    const february = { month: 2, day: 28 };
    // 29 February 2028 comes after the year end of 28 February 2028, so it is in the year to February 2029.
    expect(financialYearEndOf(d(2028, 2, 29), february)).toEqual(d(2029, 2, 28));
    expect(taxRecordKeptUntil(d(2028, 2, 28), february)).toEqual(d(2034, 2, 28));
    expect(taxRecordKeptUntil(d(2028, 2, 29), february)).toEqual(d(2035, 2, 28));
    // With the default year end a leap day is an ordinary day of the year to 31 March.
    expect(taxRecordKeptUntil(d(2028, 2, 29), march31)).toEqual(d(2034, 3, 31));
  });

  it('reads the order date in UK time: 00:30 BST on 1 April is 1 April, though it is 31 March in UTC', () => {
    expect(londonDate(new Date('2026-03-31T23:30:00Z'))).toEqual(d(2026, 4, 1));
    expect(londonDate(new Date('2026-03-31T22:59:59Z'))).toEqual(d(2026, 3, 31));
    expect(londonDate(new Date('2026-12-31T23:59:59Z'))).toEqual(d(2026, 12, 31));
    expect(startOfLondonDay(d(2026, 4, 1)).toISOString()).toBe('2026-03-31T23:00:00.000Z');
    expect(startOfLondonDay(d(2026, 1, 1)).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    // The clocks go forward on 29 March 2026 at 01:00 UTC: that day still begins at midnight GMT.
    expect(startOfLondonDay(d(2026, 3, 29)).toISOString()).toBe('2026-03-29T00:00:00.000Z');
    expect(startOfLondonDay(d(2026, 3, 30)).toISOString()).toBe('2026-03-29T23:00:00.000Z');
  });

  it('ends the records of a financial year at the start of the UK day after their last day kept', () => {
    // Until the end of 31 March 2032 (23:00 UTC, BST), the records of the year to 31 March 2026 are kept.
    expect(taxRecordsEndedBefore(new Date('2032-03-31T22:59:59Z'), march31).toISOString()).toBe('2025-03-31T23:00:00.000Z');
    // From 1 April 2032 they have ended: every order changed before 1 April 2026 (UK time) goes.
    expect(taxRecordsEndedBefore(new Date('2032-03-31T23:00:00Z'), march31).toISOString()).toBe('2026-03-31T23:00:00.000Z');
    expect(taxRecordsEndedBefore(new Date('2032-11-23T10:00:00Z'), march31).toISOString()).toBe('2026-03-31T23:00:00.000Z');
    expect(taxRecordsEndedBefore(new Date('2033-03-31T12:00:00Z'), march31).toISOString()).toBe('2026-03-31T23:00:00.000Z');
    expect(taxRecordsEndedBefore(new Date('2033-04-01T12:00:00Z'), march31).toISOString()).toBe('2027-03-31T23:00:00.000Z');
    const december = { month: 12, day: 31 };
    expect(taxRecordsEndedBefore(new Date('2033-01-01T00:00:00Z'), december).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(taxRecordsEndedBefore(new Date('2032-12-31T23:59:59Z'), december).toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });
});

describe("a finished order's details", () => {
  it('are kept 180 days from its last change', () => {
    expect(orderDetailsKeptUntil(new Date('2026-11-23T10:00:00Z')).toISOString()).toBe('2027-05-22T10:00:00.000Z');
  });
});
