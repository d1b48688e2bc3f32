import { describe, expect, it } from 'vitest';
import {
  clockOf,
  clockText,
  deadlineText,
  parseAddressList,
  parseUkDateTime,
  reportDeadline,
  ukDateTimeValue,
} from '../../src/features/breaches/breaches.domain.js';

const HOUR = 3_600_000;
// Discovered on Sunday 28 February 2027 at 14:20 (GMT): the report is due on Wednesday 3 March at 14:20.
const discovered = new Date('2027-02-28T14:20:00Z');
const open = { discovered_at: discovered.toISOString(), reported_at: null, not_reported_reason: null };
const at = (hoursAfterDiscovery: number) => new Date(discovered.getTime() + hoursAfterDiscovery * HOUR);

describe('the 72-hour clock', () => {
  it('puts the deadline 72 hours after discovery exactly', () => {
    expect(reportDeadline(discovered).toISOString()).toBe('2027-03-03T14:20:00.000Z');
    expect(deadlineText(reportDeadline(discovered))).toBe('Wed 3 March, 14:20');
  });

  it('counts the hours left, rounded down', () => {
    expect(clockText(clockOf(open, at(31)))).toBe('Report to the ICO by Wed 3 March, 14:20 (41 hours left)');
    expect(clockText(clockOf(open, at(30.5)))).toBe('Report to the ICO by Wed 3 March, 14:20 (41 hours left)');
    expect(clockText(clockOf(open, at(71)))).toBe('Report to the ICO by Wed 3 March, 14:20 (1 hour left)');
    expect(clockText(clockOf(open, at(71.75)))).toContain('(15 minutes left)');
  });

  it('is still due at the 72nd hour, and overdue a moment after', () => {
    expect(clockOf(open, at(72))).toMatchObject({ kind: 'due', msLeft: 0 });
    expect(clockOf(open, new Date(at(72).getTime() + 1))).toMatchObject({ kind: 'overdue' });
  });

  it('says how long overdue', () => {
    expect(clockText(clockOf(open, at(77)))).toBe('Overdue by 5 hours: the report to the ICO was due by Wed 3 March, 14:20');
    expect(clockText(clockOf(open, at(72.5)))).toMatch(/^Overdue by 30 minutes/);
  });

  it('stops once reported, saying whether the report was late, or once decided not to report', () => {
    const reported = clockOf({ ...open, reported_at: at(10).toISOString() }, at(100));
    expect(reported).toMatchObject({ kind: 'reported', late: false });
    expect(clockText(reported)).toBe('Reported on 1 March 2027 at 00:20');
    expect(clockOf({ ...open, reported_at: at(80).toISOString() }, at(100))).toMatchObject({ late: true });
    expect(clockText(clockOf({ ...open, not_reported_reason: 'The file was encrypted.' }, at(100)))).toBe(
      'Not reported: The file was encrypted.',
    );
  });
});

describe('UK time as staff type it', () => {
  it('reads winter and summer time, and refuses times that do not exist', () => {
    expect(parseUkDateTime('2027-01-10T09:30')?.toISOString()).toBe('2027-01-10T09:30:00.000Z');
    expect(parseUkDateTime('2027-07-01 10:00')?.toISOString()).toBe('2027-07-01T09:00:00.000Z');
    // The clocks go forward at 01:00 on 28 March 2027: 01:30 never happens.
    expect(parseUkDateTime('2027-03-28T01:30')).toBeNull();
    expect(parseUkDateTime('2027-02-31T10:00')).toBeNull();
    expect(parseUkDateTime('yesterday')).toBeNull();
  });

  it('shows an instant back as the field shows it', () => {
    expect(ukDateTimeValue('2027-07-01T09:00:00.000Z')).toBe('2027-07-01T10:00');
    expect(ukDateTimeValue(null)).toBe('');
  });
});

describe('the list of people to tell', () => {
  it('keeps each address once, whatever its capitals, and skips blank lines', () => {
    expect(parseAddressList('ann@example.org\n\n  ANN@example.org \r\nbob@example.org')).toEqual({
      ok: true,
      emails: ['ann@example.org', 'bob@example.org'],
    });
  });

  it('names the lines that are not addresses, never what is on them', () => {
    const r = parseAddressList('ann@example.org\nAnn Smith\nbob@example');
    expect(r).toEqual({ ok: false, error: expect.stringContaining('Lines 2, 3 are not an e-mail address') });
    expect(JSON.stringify(r)).not.toContain('Ann Smith');
    expect(parseAddressList(' \n ')).toMatchObject({ ok: false });
  });
});
