import { z } from 'zod';
import { CATEGORY_TEXT, type DataCategory } from '../privacy/inventory.js';
import { whenText } from '../customers/views/when.js';
import { fromLondonTime, londonWallClock } from '../campaigns/campaigns.domain.js';

/**
 * The rules of the breach register, without a database: the risk levels and what each obliges
 * the shop to do, the ICO's 72-hour clock (UK GDPR Art. 33(1)), the record's form and its checks.
 * Times are instants (ISO text in UTC); people read and type them in UK time.
 */

/** The ICO must be told within this many hours of the shop becoming aware of a breach (Art. 33(1)). */
export const REPORT_WITHIN_HOURS = 72;
const HOUR = 3_600_000;

export const RISKS = ['unassessed', 'unlikely', 'risk', 'high'] as const;
export type Risk = (typeof RISKS)[number];

/** Each risk level in a few words, and what it means the shop must do. */
export const RISK_TEXT: Record<Risk, { label: string; explanation: string }> = {
  unassessed: {
    label: 'Not assessed yet',
    explanation: 'Assess it now: the 72 hours to report to the ICO are already running.',
  },
  unlikely: {
    label: 'Unlikely to result in a risk to people',
    explanation: 'No report to the ICO is needed, but the breach stays in this register with the reason for not reporting it.',
  },
  risk: {
    label: 'A risk to people’s rights and freedoms',
    explanation: 'Report it to the ICO within 72 hours of discovering it.',
  },
  high: {
    label: 'A high risk to people’s rights and freedoms',
    explanation: 'Report it to the ICO within 72 hours, and also tell the people affected without undue delay.',
  },
};

export const isRisk = (v: string): v is Risk => (RISKS as readonly string[]).includes(v);
export const riskLabel = (v: string) => (isRisk(v) ? RISK_TEXT[v].label : v);

export const DATA_CATEGORIES = Object.keys(CATEGORY_TEXT) as DataCategory[];

/** The categories a breach stores (a JSON array), as read back: only known ones. */
export function categoriesOf(json: string): DataCategory[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((c): c is DataCategory => DATA_CATEGORIES.includes(c as DataCategory)) : [];
  } catch {
    return [];
  }
}

// ——— The 72-hour clock ———

/** The moment the report to the ICO is due: exactly 72 hours after discovery. */
export function reportDeadline(discoveredAt: Date): Date {
  return new Date(discoveredAt.getTime() + REPORT_WITHIN_HOURS * HOUR);
}

export type BreachClock =
  | { kind: 'reported'; at: Date; late: boolean }
  | { kind: 'not-reported'; reason: string }
  | { kind: 'due'; deadline: Date; msLeft: number }
  | { kind: 'overdue'; deadline: Date; msOver: number };

/** Where a breach stands against the clock at `now`: reported, decided not to report, or due (or overdue) at its deadline. */
export function clockOf(
  b: { discovered_at: string; reported_at: string | null; not_reported_reason: string | null },
  now: Date,
): BreachClock {
  const deadline = reportDeadline(new Date(b.discovered_at));
  if (b.reported_at) return { kind: 'reported', at: new Date(b.reported_at), late: new Date(b.reported_at) > deadline };
  if (b.not_reported_reason) return { kind: 'not-reported', reason: b.not_reported_reason };
  const left = deadline.getTime() - now.getTime();
  return left >= 0 ? { kind: 'due', deadline, msLeft: left } : { kind: 'overdue', deadline, msOver: -left };
}

/** "41 hours", "1 hour", "25 minutes", "less than a minute": a span rounded down, as a clock reads. */
export function spanText(ms: number): string {
  const hours = Math.floor(ms / HOUR);
  if (hours >= 1) return hours === 1 ? '1 hour' : `${hours} hours`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes >= 1) return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  return 'less than a minute';
}

const deadlineDay = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'long', timeZone: 'Europe/London' });
const clockTime = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Europe/London' });

/** "Tue 3 March, 14:20", in UK time. */
export function deadlineText(at: Date): string {
  return `${deadlineDay.format(at).replace(',', '')}, ${clockTime.format(at)}`;
}

/** "3 March 2027 at 14:20", in UK time. */
export function momentText(iso: string | Date): string {
  if (typeof iso === 'string') return whenText(iso, true);
  return Number.isNaN(iso.getTime()) ? '—' : whenText(iso.toISOString(), true);
}

/** The clock in words: "Report to the ICO by Tue 3 March, 14:20 (41 hours left)", "Overdue by 5 hours"… */
export function clockText(clock: BreachClock): string {
  switch (clock.kind) {
    case 'reported':
      return `Reported on ${momentText(clock.at)}${clock.late ? ' (after the 72 hours)' : ''}`;
    case 'not-reported':
      return `Not reported: ${clock.reason}`;
    case 'due':
      return `Report to the ICO by ${deadlineText(clock.deadline)} (${spanText(clock.msLeft)} left)`;
    case 'overdue':
      return `Overdue by ${spanText(clock.msOver)}: the report to the ICO was due by ${deadlineText(clock.deadline)}`;
  }
}

// ——— UK time as typed ———

/**
 * The instant a UK clock shows "2027-03-03T14:20" (as a datetime-local field sends it, or with a
 * space). Null when it is not such a time or is not a real one (31 February; a time skipped when
 * the clocks go forward). In the hour repeated when they go back, the first (summer time) is meant.
 */
export function parseUkDateTime(text: string): Date | null {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})$/.exec(text.trim());
  return m ? fromLondonTime(m[1]!, m[2]!) : null;
}

/** The instant as a datetime-local field shows it in UK time: "2027-03-03T14:20". */
export function ukDateTimeValue(iso: string | Date | null): string {
  if (!iso) return '';
  const at = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(at.getTime())) return '';
  const { date, time } = londonWallClock(at);
  return `${date}T${time}`;
}

// ——— The record's form ———

/** Descriptions are about what happened, in words: an e-mail address in one is refused, as a reminder to name no one. */
const NAMES_NO_ONE = /[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+/;
const NO_ADDRESS_MESSAGE = 'Please describe people in words, without their e-mail addresses or other details (the register names no one).';

const described = (what: string, max: number, required: boolean) => {
  const base = z
    .string()
    .transform((v) => v.replace(/\r\n/g, '\n').trim())
    .pipe(z.string().max(max, `Please keep ${what} under ${max.toLocaleString('en-GB')} characters.`))
    .refine((v) => !NAMES_NO_ONE.test(v), NO_ADDRESS_MESSAGE);
  return required ? base.refine((v) => v.length > 0, `Please describe ${what}.`) : base;
};

/** What the record and edit forms send, each field as text (checkboxes as a list). */
export interface BreachFormInput {
  title: string;
  what_happened: string;
  occurred_at: string;
  discovered_at: string;
  categories: string[];
  data_affected: string;
  people_affected: string;
  people_count: string;
  risk: string;
  risk_assessment: string;
  actions: string;
}

export interface BreachFields {
  title: string;
  whatHappened: string;
  occurredAt: string | null;
  discoveredAt: string;
  categories: DataCategory[];
  dataAffected: string;
  peopleAffected: string;
  peopleCount: number | null;
  risk: Risk;
  riskAssessment: string;
  actions: string;
}

export type FormErrors = Partial<Record<keyof BreachFormInput | 'form', string>>;

function breachSchema(now: Date) {
  const when = (label: string, required: boolean) =>
    z.string().transform((v, ctx) => {
      if (v.trim() === '') {
        if (required) ctx.addIssue({ code: 'custom', message: `Please give ${label} (day and time, UK time).` });
        return null;
      }
      const at = parseUkDateTime(v);
      if (!at) {
        ctx.addIssue({ code: 'custom', message: `Please give ${label} as a day and time, such as 2027-03-03 14:20.` });
        return z.NEVER;
      }
      if (at > now) {
        ctx.addIssue({ code: 'custom', message: `${label[0]!.toUpperCase()}${label.slice(1)} cannot be in the future.` });
        return z.NEVER;
      }
      return at.toISOString();
    });
  return z
    .object({
      title: z
        .string()
        .transform((v) => v.trim().replace(/\s+/g, ' '))
        .pipe(z.string().min(1, 'Please give the breach a short title.').max(200, 'Please keep the title under 200 characters.'))
        .refine((v) => !NAMES_NO_ONE.test(v), NO_ADDRESS_MESSAGE),
      what_happened: described('what happened', 5000, true),
      occurred_at: when('when it happened', false),
      discovered_at: when('when it was discovered', true),
      categories: z
        .array(z.string())
        .transform((list) => [...new Set(list)])
        .pipe(
          z
            .array(
              z.enum(DATA_CATEGORIES as [DataCategory, ...DataCategory[]], { message: 'Please choose the kinds of data from the list.' }),
            )
            .min(1, 'Please tick at least one kind of data affected (you can change it as you learn more).'),
        ),
      data_affected: described('the data affected', 2000, true),
      people_affected: described('who is affected', 2000, true),
      people_count: z.string().transform((v, ctx) => {
        const t = v.trim().replace(/,/g, '');
        if (t === '') return null;
        if (!/^\d{1,9}$/.test(t)) {
          ctx.addIssue({
            code: 'custom',
            message: 'Please give the number of people as a whole number, such as 120, or leave it blank if unknown.',
          });
          return z.NEVER;
        }
        return Number(t);
      }),
      risk: z.enum(RISKS, { message: 'Please choose the risk to the people affected.' }),
      risk_assessment: described('the risk assessment', 5000, false),
      actions: described('the actions taken', 10000, false),
    })
    .superRefine((v, ctx) => {
      if (v.occurred_at && v.discovered_at && v.occurred_at > v.discovered_at)
        ctx.addIssue({ code: 'custom', path: ['occurred_at'], message: 'It cannot have happened after it was discovered.' });
      if (v.risk !== 'unassessed' && v.risk_assessment === '')
        ctx.addIssue({
          code: 'custom',
          path: ['risk_assessment'],
          message: 'Please explain the assessment: what could happen to the people affected, and how likely it is.',
        });
    });
}

/** Checks the record or edit form; `now` is when it is sent (no time may be after it). */
export function validateBreachForm(
  input: BreachFormInput,
  now: Date,
): { ok: true; value: BreachFields } | { ok: false; errors: FormErrors } {
  const r = breachSchema(now).safeParse(input);
  if (!r.success) {
    const errors: FormErrors = {};
    for (const issue of r.error.issues) errors[String(issue.path[0] ?? 'form') as keyof FormErrors] ??= issue.message;
    return { ok: false, errors };
  }
  const v = r.data;
  return {
    ok: true,
    value: {
      title: v.title,
      whatHappened: v.what_happened,
      occurredAt: v.occurred_at,
      discoveredAt: v.discovered_at!,
      categories: v.categories,
      dataAffected: v.data_affected,
      peopleAffected: v.people_affected,
      peopleCount: v.people_count,
      risk: v.risk,
      riskAssessment: v.risk_assessment,
      actions: v.actions,
    },
  };
}

/** A reason staff give (for not reporting, a late report, not telling people): a sentence at least. */
export const reasonSchema = (what: string) =>
  z
    .string()
    .transform((v) => v.replace(/\r\n/g, '\n').trim())
    .pipe(
      z
        .string()
        .min(10, `Please give the reason ${what}, in a sentence or two.`)
        .max(2000, 'Please keep the reason under 2,000 characters.'),
    )
    .refine((v) => !NAMES_NO_ONE.test(v), NO_ADDRESS_MESSAGE);

/** The ICO's case reference, as its acknowledgement gives it. */
export const icoReferenceSchema = z
  .string()
  .transform((v) => v.trim())
  .pipe(
    z
      .string()
      .min(1, 'Please give the reference the ICO gave the report.')
      .max(50, 'Please keep the reference under 50 characters.')
      .regex(/^[A-Za-z0-9][A-Za-z0-9 /._-]*$/, 'The reference should be letters and numbers, such as IC-123456-A1B2.'),
  );

// ——— The people to tell ———

/** At most this many addresses in one paste: a larger list is added in parts. */
export const MAX_ADDRESSES_AT_ONCE = 5000;

/**
 * The addresses pasted one per line, checked and each kept once (compared without regard to
 * capitals); blank lines are skipped. Problems name the line, never the text on it.
 */
export function parseAddressList(text: string): { ok: true; emails: string[] } | { ok: false; error: string } {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const seen = new Set<string>();
  const emails: string[] = [];
  const bad: number[] = [];
  const address = z.email();
  lines.forEach((line, i) => {
    const t = line
      .trim()
      .replace(/^<(.*)>$/, '$1')
      .replace(/[,;]$/, '');
    if (t === '') return;
    if (t.length > 254 || !address.safeParse(t).success) {
      bad.push(i + 1);
      return;
    }
    const key = t.toLowerCase();
    if (seen.has(key)) return;
    seen.add(key);
    emails.push(t);
  });
  if (bad.length > 0) {
    const shown = bad.slice(0, 10).join(', ');
    return {
      ok: false,
      error: `${bad.length === 1 ? `Line ${shown} is not` : `Lines ${shown}${bad.length > 10 ? ' and others' : ''} are not`} an e-mail address. Please correct ${bad.length === 1 ? 'it' : 'them'}, one address per line.`,
    };
  }
  if (emails.length === 0) return { ok: false, error: 'Please paste at least one e-mail address, one per line.' };
  if (emails.length > MAX_ADDRESSES_AT_ONCE)
    return { ok: false, error: `Please add at most ${MAX_ADDRESSES_AT_ONCE.toLocaleString('en-GB')} addresses at once, then the rest.` };
  return { ok: true, emails };
}

/** Marks the draft notice leaves for staff to complete: a notice still holding one cannot be marked reviewed. */
export const TO_COMPLETE = '[To complete:';

export const noticeSchema = z.object({
  subject: z
    .string()
    .transform((v) => v.trim().replace(/\s+/g, ' '))
    .pipe(z.string().min(1, 'Please write the e-mail’s subject.').max(200, 'Please keep the subject under 200 characters.')),
  body: z
    .string()
    .transform((v) => v.replace(/\r\n/g, '\n').trim())
    .pipe(z.string().min(1, 'Please write the notice.').max(20000, 'Please keep the notice under 20,000 characters.')),
});
