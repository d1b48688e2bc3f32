import type { PurposeKey } from '../consent/consent.inventory.js';

/** Campaigns go to the people who consented to the General Subscription, and to nobody else. */
export const CAMPAIGN_PURPOSE: PurposeKey = 'general-subscription';

/** Each page of the audience read at send time: never the whole audience in memory. */
export const AUDIENCE_PAGE = 1000;

export const CAMPAIGN_LIMITS = { title: 120, subject: 150, body: 50_000 } as const;

/** The reference a campaign's e-mails carry in the outbox, and its unsubscribe links' `from`. */
export const campaignReference = (id: number) => `campaign-${id}`;

export const STATUS_WORDS: Record<string, string> = {
  draft: 'Draft',
  scheduled: 'Scheduled',
  sending: 'Sending',
  sent: 'Sent',
  cancelled: 'Cancelled (not sent)',
};

const SHOP_TIME_ZONE = 'Europe/London';

const wallClock = new Intl.DateTimeFormat('en-CA', {
  timeZone: SHOP_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** The London date and time of an instant, as "2026-12-24" and "09:30". */
export function londonWallClock(at: Date): { date: string; time: string } {
  const parts = Object.fromEntries(wallClock.formatToParts(at).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/**
 * The instant a London date and time stand for: GMT in winter, BST in summer. In the hour the
 * clocks go back, the first (BST) one; a time the clocks skip in spring is no time at all.
 */
export function fromLondonTime(date: string, time: string): Date | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (!d || !t) return null;
  const asUtc = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]));
  if (Number.isNaN(asUtc)) return null;
  for (const offsetHours of [1, 0]) {
    const candidate = new Date(asUtc - offsetHours * 3_600_000);
    const seen = londonWallClock(candidate);
    if (seen.date === date && seen.time === time) return candidate;
  }
  return null;
}
