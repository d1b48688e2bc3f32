import { describe, expect, it } from 'vitest';
import {
  addCalendarMonths,
  checkExtension,
  dueDateOf,
  isRequestReference,
  newRequestReference,
  urgencyOf,
  acknowledgeByOf,
} from '../../src/features/privacy/requests.domain.js';

describe('the statutory clock', () => {
  it('is one calendar month from confirmation, the last day of a shorter month when the day does not exist', () => {
    expect(dueDateOf(new Date('2027-01-31T10:00:00Z'))).toBe('2027-02-28');
    expect(dueDateOf(new Date('2028-01-31T10:00:00Z'))).toBe('2028-02-29');
    expect(dueDateOf(new Date('2027-03-15T10:00:00Z'))).toBe('2027-04-15');
    expect(dueDateOf(new Date('2027-12-31T12:00:00Z'))).toBe('2028-01-31');
    // 23:30 UTC on 31 March is 1 April in the UK (summer time).
    expect(dueDateOf(new Date('2027-03-31T23:30:00Z'))).toBe('2027-05-01');
    expect(addCalendarMonths({ year: 2027, month: 8, day: 31 }, 1)).toEqual({ year: 2027, month: 9, day: 30 });
  });

  it('acknowledges a complaint within 30 days of receipt', () => {
    expect(acknowledgeByOf(new Date('2027-01-10T09:00:00Z'))).toBe('2027-02-09');
  });

  it('marks due soon within 7 days and overdue after the day', () => {
    expect(urgencyOf('2027-02-28', new Date('2027-02-21T09:00:00Z'))).toBe('due-soon');
    expect(urgencyOf('2027-02-28', new Date('2027-02-20T09:00:00Z'))).toBe('on-time');
    expect(urgencyOf('2027-02-28', new Date('2027-02-28T20:00:00Z'))).toBe('due-soon');
    expect(urgencyOf('2027-02-28', new Date('2027-03-01T09:00:00Z'))).toBe('overdue');
  });

  it('extends by one or two months, with a reason, only within the first month, once', () => {
    const r = { status: 'open', confirmed_at: '2027-01-31T10:00:00Z', due_at: '2027-02-28', extended_due_at: null };
    const within = new Date('2027-02-20T10:00:00Z');
    expect(checkExtension(r, 2, 'Many records to gather', within)).toEqual({ ok: true, extendedDue: '2027-04-30' });
    expect(checkExtension(r, 1, 'Many records to gather', within)).toEqual({ ok: true, extendedDue: '2027-03-31' });
    expect(checkExtension(r, 3, 'Many records to gather', within)).toMatchObject({ ok: false, reason: 'months' });
    expect(checkExtension(r, 2, ' ', within)).toMatchObject({ ok: false, reason: 'reason-needed' });
    expect(checkExtension(r, 2, 'Many records', new Date('2027-03-01T10:00:00Z'))).toMatchObject({ ok: false, reason: 'too-late' });
    expect(checkExtension({ ...r, extended_due_at: '2027-03-31' }, 1, 'Again please', within)).toMatchObject({
      ok: false,
      reason: 'already-extended',
    });
    expect(checkExtension({ ...r, status: 'completed' }, 1, 'Many records', within)).toMatchObject({ ok: false, reason: 'not-live' });
  });

  it('gives references like PR-7K2M9Q', () => {
    for (let i = 0; i < 50; i++) expect(isRequestReference(newRequestReference())).toBe(true);
    expect(isRequestReference('PR-7K2M9I')).toBe(false);
  });
});
