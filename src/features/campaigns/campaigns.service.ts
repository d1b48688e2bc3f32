import { type Db, type Executor, inTransaction } from '../../db/database.js';
import { type AuditActor, type AuditEntry, entryBy, recordAudit } from '../audit/audit.service.js';
import { CONSENT_PURPOSES, type PurposeKey, familyOf } from '../consent/consent.inventory.js';
import { audienceSize, unsubscribesFrom, withdrawAddress } from '../consent/consent.service.js';
import { countMailByReference, createMailBody, enqueueAudiencePage, enqueueMail, lastAddressQueued } from '../mail/outbox.service.js';
import { AUDIENCE_PAGE, CAMPAIGN_PURPOSE, campaignReference } from './campaigns.domain.js';
import { type CampaignFrame, campaignMail, sampleCampaignMail } from './campaigns.mail.js';
import {
  type CampaignRow,
  cancelScheduledCampaign,
  claimDueCampaign,
  countCampaigns,
  dueCampaignIds,
  findCampaign,
  finishSendingCampaign,
  insertCampaign,
  listCampaigns,
  recordCampaignBody,
  recordCampaignPage,
  recordCampaignQueued,
  scheduleEditableCampaign,
  sendingCampaigns,
  updateEditableCampaign,
} from './campaigns.repository.js';

/**
 * Campaigns: a subject and a Markdown body written in the back office, sent once to everyone who
 * consents to the General Subscription at the moment it is sent. The audience is read from the
 * consent ledger then, page by page, and every e-mail goes through the outbox, which asks the
 * ledger again before it sends each one. Every staff action on a campaign is audited.
 */

export type { CampaignRow } from './campaigns.repository.js';

export interface CampaignWords {
  title: string;
  subject: string;
  body: string;
}

/** What the sending needs from the configuration, which services do not read. */
export interface CampaignSending {
  shopName: string;
  publicUrl: string;
  /** The host name Message-IDs are made with (messageIdDomain(config.publicUrl)). */
  messageDomain: string;
  /** MARKETING_RATE_PER_MINUTE: the e-mails of a campaign fall due this many a minute. */
  ratePerMinute: number;
}

export type CampaignResult = { ok: true } | { ok: false; reason: 'not_found' | 'not_editable' | 'not_scheduled' | 'in_past' };

export const frameOf = (shopName: string, purpose: string): CampaignFrame => ({
  shopName,
  purposeName: CONSENT_PURPOSES[familyOf(purpose)].name,
});

function audit(trx: Executor, actor: AuditActor, entry: Omit<AuditEntry, 'actor' | 'network'>, now: Date) {
  return recordAudit(trx, entryBy(actor, entry), now);
}

export function findCampaignById(db: Db, id: number): Promise<CampaignRow | undefined> {
  return findCampaign(db, id);
}

export async function campaignList(db: Db, page: number, perPage: number): Promise<{ rows: CampaignRow[]; total: number }> {
  const [rows, total] = await Promise.all([listCampaigns(db, perPage, (page - 1) * perPage), countCampaigns(db)]);
  return { rows, total };
}

/** How many would receive a campaign if it were sent now (the real audience is counted when it is sent). */
export function audienceNow(db: Db, purpose: PurposeKey = CAMPAIGN_PURPOSE): Promise<number> {
  return audienceSize(db, purpose);
}

export function createCampaign(db: Db, words: CampaignWords, actor: AuditActor, now: Date): Promise<number> {
  return inTransaction(db, async (trx) => {
    const id = await insertCampaign(trx, {
      title: words.title,
      subject: words.subject,
      body_markdown: words.body,
      purpose: CAMPAIGN_PURPOSE,
      at: now.toISOString(),
    });
    await audit(trx, actor, { action: 'create', subject: { type: 'campaign', id }, fields: ['title', 'subject', 'body'] }, now);
    return id;
  });
}

async function whyNot(trx: Executor, id: number, wanted: 'not_editable' | 'not_scheduled'): Promise<CampaignResult> {
  return { ok: false, reason: (await findCampaign(trx, id)) ? wanted : 'not_found' };
}

/** Changes a draft's words (or a cancelled one's, which makes it a draft again); a campaign scheduled or sent cannot change. */
export function updateCampaign(db: Db, id: number, words: CampaignWords, actor: AuditActor, now: Date): Promise<CampaignResult> {
  return inTransaction(db, async (trx) => {
    const at = now.toISOString();
    if (!(await updateEditableCampaign(trx, id, { title: words.title, subject: words.subject, body_markdown: words.body, at }))) {
      return whyNot(trx, id, 'not_editable');
    }
    await audit(trx, actor, { action: 'change', subject: { type: 'campaign', id }, fields: ['title', 'subject', 'body'] }, now);
    return { ok: true } as const;
  });
}

/** Schedules a draft for a time from now on; `at` equal to `now` is "send now" (the next minute's run sends it). */
export function scheduleCampaign(db: Db, id: number, at: Date, actor: AuditActor, now: Date): Promise<CampaignResult> {
  return inTransaction(db, async (trx) => {
    if (at.getTime() < now.getTime()) return { ok: false, reason: 'in_past' } as const;
    if (!(await scheduleEditableCampaign(trx, id, at.toISOString(), now.toISOString()))) return whyNot(trx, id, 'not_editable');
    const sendNow = at.getTime() === now.getTime();
    await audit(
      trx,
      actor,
      {
        action: 'change',
        subject: { type: 'campaign', id },
        fields: ['status', 'scheduled_for'],
        reason: sendNow ? 'send now' : 'scheduled',
      },
      now,
    );
    return { ok: true } as const;
  });
}

export function cancelCampaign(db: Db, id: number, actor: AuditActor, now: Date): Promise<CampaignResult> {
  return inTransaction(db, async (trx) => {
    if (!(await cancelScheduledCampaign(trx, id, now.toISOString()))) return whyNot(trx, id, 'not_scheduled');
    await audit(trx, actor, { action: 'change', subject: { type: 'campaign', id }, fields: ['status'], reason: 'cancelled' }, now);
    return { ok: true } as const;
  });
}

/** The campaign's e-mail as it will look, with a stand-in for each recipient's own Unsubscribe link. */
export function previewOf(c: CampaignRow, shopName: string) {
  return sampleCampaignMail(frameOf(shopName, c.purpose), { subject: c.subject, markdown: c.body_markdown });
}

/**
 * Sends a campaign to the staff member asking, at their own address. It is an e-mail to staff, not
 * marketing (they are not on the list), so it goes as a transactional `campaign-test` e-mail with
 * the stand-in for the Unsubscribe link, and needs no consent.
 */
export function testSendCampaign(
  db: Db,
  id: number,
  to: { staffId: number; email: string },
  sending: Pick<CampaignSending, 'shopName' | 'messageDomain'>,
  actor: AuditActor,
  now: Date,
): Promise<CampaignResult> {
  return inTransaction(db, async (trx) => {
    const c = await findCampaign(trx, id);
    if (!c) return { ok: false, reason: 'not_found' } as const;
    const mail = previewOf(c, sending.shopName);
    await enqueueMail(
      trx,
      {
        kind: 'campaign-test',
        reference: `staff-${to.staffId}`,
        to: to.email,
        subject: `[Test] ${mail.subject}`,
        text: mail.text,
        html: mail.html,
      },
      now,
      sending.messageDomain,
    );
    await audit(trx, actor, { action: 'create', subject: { type: 'campaign', id }, fields: ['test-send'] }, now);
    return { ok: true } as const;
  });
}

/**
 * Sends one due campaign, if this process wins it. In one transaction: the campaign is claimed
 * (a conditional update, so two processes never send it twice), its audience is read from the
 * consent ledger now, a page at a time, and each page is queued in the outbox with a shared body,
 * every e-mail due at its turn at `ratePerMinute` from now. A failure rolls it all back, and the
 * next run tries again.
 */
/** A campaign whose queueing has not moved for this long was left half-way by a run that stopped. */
const QUEUEING_LEASE_MS = 5 * 60_000;

/** Claims a due campaign for sending (one process wins) and makes its shared body; false when another process has it. */
function startCampaign(db: Db, id: number, sending: CampaignSending, now: Date): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    if (!(await claimDueCampaign(trx, id, now.toISOString()))) return false;
    const c = await findCampaign(trx, id);
    if (!c) return false;
    const bodyId = await createMailBody(
      trx,
      campaignMail(frameOf(sending.shopName, c.purpose as PurposeKey), { subject: c.subject, markdown: c.body_markdown }),
      now,
    );
    await recordCampaignBody(trx, id, bodyId);
    return true;
  });
}

/**
 * Queues a campaign's audience, read from the consent ledger now, one page per transaction: a
 * page is read and queued with the campaign's progress, or not at all, and nothing holds the
 * database for the whole audience (100,000 e-mails would keep SQLite's one writer, and every
 * checkout, waiting for seconds). Pages go in address order, so a run that stops half-way is
 * resumed by the next after the greatest address the outbox holds for the campaign; the job's lock
 * keeps two processes from queueing one campaign at once. Returns how many it queued.
 */
async function queueCampaign(db: Db, c: CampaignRow, sending: CampaignSending, now: Date): Promise<number> {
  const reference = campaignReference(c.id);
  const gapMs = 60_000 / sending.ratePerMinute;
  const start = Date.parse(c.started_at ?? now.toISOString());
  const dueAt = (i: number) => new Date(Math.max(start + Math.floor(i * gapMs), now.getTime()));
  let first = c.queued ?? 0;
  let after = (await lastAddressQueued(db, reference)) ?? '';
  let queued = 0;
  for (;;) {
    const page = await inTransaction(db, async (trx) => {
      const q = await enqueueAudiencePage(
        trx,
        {
          kind: 'campaign',
          reference,
          purpose: c.purpose,
          bodyId: c.body_id ?? 0,
          after,
          limit: AUDIENCE_PAGE,
          first,
          dueAt,
        },
        now,
        sending.messageDomain,
      );
      if (q.queued > 0) await recordCampaignPage(trx, c.id, { queued: q.queued, at: now.toISOString() });
      return q;
    });
    queued += page.queued;
    first += page.queued;
    if (page.last === null || page.queued < AUDIENCE_PAGE) break;
    after = page.last;
  }
  await recordCampaignQueued(db, c.id, now.toISOString());
  return queued;
}

/** Marks each campaign being sent as sent once none of its e-mails waits in the outbox, keeping its final counts. */
async function finishCampaigns(db: Db, now: Date): Promise<number> {
  let finished = 0;
  for (const c of await sendingCampaigns(db)) {
    if (c.queued_at === null) continue;
    const counts = await countMailByReference(db, campaignReference(c.id));
    if (counts.waiting > 0) continue;
    if (await finishSendingCampaign(db, c.id, { ...counts, at: now.toISOString() })) finished++;
  }
  return finished;
}

/** The job's work: sends the campaigns that are due, then marks as sent those whose e-mails have all gone. */
export async function sendDueCampaigns(
  db: Db,
  sending: CampaignSending,
  now: Date,
): Promise<{ started: number; queued: number; finished: number }> {
  const startedHere = new Set<number>();
  let queued = 0;
  for (const id of await dueCampaignIds(db, now.toISOString())) if (await startCampaign(db, id, sending, now)) startedHere.add(id);
  // Those just started here, and any that a run which stopped half-way left untouched for a while
  // (one another process is queueing right now moves on every page, and is left to it).
  const stalled = now.getTime() - QUEUEING_LEASE_MS;
  for (const c of await sendingCampaigns(db)) {
    if (c.queued_at !== null || (!startedHere.has(c.id) && Date.parse(c.updated_at) > stalled)) continue;
    queued += await queueCampaign(db, c, sending, now);
  }
  const started = startedHere.size;
  return { started, queued, finished: await finishCampaigns(db, now) };
}

export interface CampaignReport {
  audience: number | null;
  queued: number;
  /** Still in the outbox, due later at the sending rate (or being retried). */
  waiting: number;
  sent: number;
  failed: number;
  /** Queued, then not sent because consent was withdrawn before its turn came. */
  withheld: number;
  /** Withdrew with the links of this campaign's e-mails. */
  unsubscribed: number;
}

/** A campaign's numbers: those kept on it once it has finished, the outbox's own while it is being sent. */
export async function campaignReport(db: Db, c: CampaignRow): Promise<CampaignReport> {
  const unsubscribed = await unsubscribesFrom(db, campaignReference(c.id));
  if (c.status === 'sent') {
    return {
      audience: c.audience,
      queued: c.queued,
      waiting: 0,
      sent: c.sent ?? 0,
      failed: c.failed ?? 0,
      withheld: c.withheld ?? 0,
      unsubscribed,
    };
  }
  const counts =
    c.status === 'sending' ? await countMailByReference(db, campaignReference(c.id)) : { waiting: 0, sent: 0, failed: 0, withheld: 0 };
  return { audience: c.audience, queued: c.queued, ...counts, unsubscribed };
}

// ——— Requests received by e-mail or post ———

/** The purposes staff may record a withdrawal of, from a letter or an e-mail. */
export const REQUEST_PURPOSES = ['general-subscription', 'feedback'] as const satisfies readonly PurposeKey[];
export const REQUEST_CHANNELS = { email: 'By e-mail', post: 'By post' } as const;

/**
 * Records a person's request, received by e-mail or post, to stop a kind of marketing: every
 * current consent of the address to it is withdrawn at once and the address goes on the
 * suppression list. The consent service audits each withdrawal with the reason; a request for an
 * address that had nothing to withdraw still suppresses it, and is audited here.
 */
export function recordMarketingRequest(
  db: Db,
  input: { email: string; purpose: (typeof REQUEST_PURPOSES)[number]; channel: keyof typeof REQUEST_CHANNELS; reason: string },
  actor: AuditActor,
  now: Date,
): Promise<{ withdrawn: number }> {
  return inTransaction(db, async (trx) => {
    const reason = `${input.reason} (received ${input.channel === 'email' ? 'by e-mail' : 'by post'})`;
    const r = await withdrawAddress(
      trx,
      { email: input.email, purpose: input.purpose, method: 'staff', detail: `request-by-${input.channel}`, staff: { actor, reason } },
      now,
    );
    if (r.withdrawn === 0) {
      await audit(
        trx,
        actor,
        { action: 'change', subject: { type: 'marketing_suppression', id: input.purpose }, fields: ['suppression'], reason },
        now,
      );
    }
    return r;
  });
}
