import type { Config } from '../../config.js';
import { type Db, inTransaction } from '../../db/database.js';
import { type AuditActor, entryBy, recordAudit } from '../audit/audit.service.js';
import { accountAddressPage } from '../customers/customers.service.js';
import { createNoticeBody, enqueueNoticeToMany, lastAddressQueued } from '../mail/outbox.service.js';
import { activePartners, receivesInWords } from '../partners/partners.service.js';
import { DEFAULT_KEEP, type KeepPolicy } from '../backups/backup.policy.js';
import type { FeatureInventory } from './inventory.js';
import { POLICY_CHANGE_MAIL_KIND, type PolicyMailContext, policyChangeMail, policyChangeReference } from './policy.mail.js';
import { policyText } from './policy.text.js';
import {
  type PolicyVersionRow,
  findPolicyVersion,
  insertPolicyVersion,
  listPolicyVersions,
  markPolicyVersionMaterial,
  recordPolicyVersionNotified,
} from './privacy.repository.js';
import type { ProcessorInUse } from './processors.js';

export * from './policy.model.js';
import {
  MATERIAL_NOTICE_DAYS,
  NOTICE_BATCH,
  NOTICE_REFRESH_MS,
  type PolicyModel,
  type PolicyVersion,
  policyContent,
} from './policy.model.js';

/** How many versions' texts a process keeps in memory, for the compare page. */
const KEPT_TEXTS = 8;

/** The storefront notice of a material change, while it shows. */
export interface PolicyNotice {
  version: string;
  /** The version in force before it: the compare page goes from that one to this. */
  previous: string | null;
  summary: string;
  markedAt: string;
  endsAt: string;
}

/** What queueing the account holders' notices needs from the configuration, which services do not read. */
export interface PolicyNoticeSending extends PolicyMailContext {
  /** The host name Message-IDs are made with (messageIdDomain(config.publicUrl)). */
  messageDomain: string;
  /** MARKETING_RATE_PER_MINUTE: the notices fall due this many a minute, as a campaign's e-mails do. */
  ratePerMinute: number;
}

export type MarkMaterialResult =
  { ok: true; notifying: Promise<number> } | { ok: false; reason: 'not_found' | 'not_current' | 'already_marked' };

/** The compare page from one version to another. */
export const comparePath = (from: string, to: string) =>
  `/privacy/versions/compare?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;

const toVersion = (h: Omit<PolicyVersionRow, 'text_length'>): PolicyVersion => ({
  version: h.version,
  publishedAt: h.published_at,
  materialSummary: h.material_summary,
  materialAt: h.material_at,
  noticeEndsAt: h.notice_ends_at,
  notifiedAt: h.notified_at,
});

/** The notice of the newest version marked material, from the versions newest first; null when none is marked. */
function noticeOf(history: PolicyVersionRow[]): PolicyNotice | null {
  const marked = history.filter((h) => h.material_at !== null).sort((a, b) => (a.material_at! < b.material_at! ? 1 : -1))[0];
  if (!marked?.material_at || !marked.notice_ends_at) return null;
  const at = history.indexOf(marked);
  return {
    version: marked.version,
    previous: history[at + 1]?.version ?? null,
    summary: marked.material_summary ?? '',
    markedAt: marked.material_at,
    endsAt: marked.notice_ends_at,
  };
}

/**
 * The published policy. The version is a fingerprint of its content, so any change to what the
 * shop collects, or why, or to the partners it may share with, or to the processors it uses, makes a
 * new version with its own publication date and its text as people read it. The partners are read
 * from the database on every call (one small query), so every process of the shop publishes the
 * same version the moment one of them changes a partner.
 */
export class PrivacyService {
  private cached: PolicyModel | null = null;
  /** The partners the cached policy was made with: the inventories never change while the shop runs, the partners may. */
  private cachedPartners = '';
  /** The notice of a material change, as last read, and when (by the process's own clock, which tests do not move). */
  private notice: { value: PolicyNotice | null; readAt: number } | null = null;
  private noticeReading: Promise<PolicyNotice | null> | null = null;
  private readonly texts = new Map<string, string>();
  /** The versions whose notices this process is queueing now. */
  private readonly queueing = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly inventories: FeatureInventory[],
    private readonly shop: Config['shop'],
    /** The backups (config.backups): whether they are set up, and the keep policy whose longest age the policy states. */
    private readonly backups: { configured: boolean; keep: KeepPolicy } = { configured: false, keep: DEFAULT_KEEP },
    /** The processors in use (processorsInUse(config)): fixed while the shop runs, since they are its settings. */
    private readonly processors: ProcessorInUse[] = [],
  ) {}

  async policy(now: Date): Promise<PolicyModel> {
    const partners = (await activePartners(this.db)).map((p) => ({
      id: p.id,
      name: p.name,
      receives: receivesInWords(p),
      why: p.why,
      country: p.country,
      policyUrl: p.policyUrl,
    }));
    // Asked on every checkout and sign-up (for the version a consent is given under): made again only when the partners changed.
    const partnersKey = JSON.stringify(partners);
    if (this.cached && partnersKey === this.cachedPartners) return this.cached;
    const content = policyContent(this.inventories, this.shop, partners, this.backups, this.processors);
    if (this.cached?.version === content.version) {
      this.cachedPartners = partnersKey;
      return this.cached;
    }
    let history = await listPolicyVersions(this.db);
    if (!history.some((h) => h.version === content.version)) {
      // New: kept with its text as the page shows it, dated now, with the versions before it.
      const at = now.toISOString();
      const fresh: PolicyModel = {
        shop: this.shop,
        ...content,
        publishedAt: at,
        history: [
          { version: content.version, publishedAt: at, materialSummary: null, materialAt: null, noticeEndsAt: null, notifiedAt: null },
          ...history.map(toVersion),
        ],
      };
      const summary = `${content.items.length} kinds of personal data, ${content.cookies.length} cookies, ${content.partners.length} partners, ${content.processors.length} processors`;
      await insertPolicyVersion(this.db, { version: content.version, summary, text: policyText(fresh), at });
      history = await listPolicyVersions(this.db);
    }
    const current = history.find((h) => h.version === content.version);
    this.cached = {
      shop: this.shop,
      ...content,
      publishedAt: current?.published_at ?? now.toISOString(),
      history: history.map(toVersion),
    };
    this.cachedPartners = partnersKey;
    return this.cached;
  }

  /** Every published version, newest first, read now (for the pages that list them), and whether its text was kept. */
  async versions(): Promise<(PolicyVersion & { hasText: boolean })[]> {
    return (await listPolicyVersions(this.db)).map((h) => ({ ...toVersion(h), hasText: Number(h.text_length) > 0 }));
  }

  /** The text a version was published with ('' for one published before texts were kept), null for no such version. */
  async text(version: string): Promise<string | null> {
    const kept = this.texts.get(version);
    if (kept !== undefined) return kept;
    const row = await findPolicyVersion(this.db, version);
    if (!row) return null;
    // A version's text never changes: the few compared most recently are kept in memory.
    if (this.texts.size >= KEPT_TEXTS) this.texts.delete(this.texts.keys().next().value as string);
    this.texts.set(version, row.text);
    return row.text;
  }

  /** One version with the text it was published with ('' for one published before texts were kept). */
  async version(version: string): Promise<(PolicyVersion & { text: string }) | null> {
    const row = await findPolicyVersion(this.db, version);
    return row ? { ...toVersion(row), text: row.text } : null;
  }

  /**
   * The notice of a material change to show now, or null: none marked, or its 30 days are over.
   * Read from memory: the database is asked only when nothing has been read yet, and otherwise
   * again in the background once what was read is older than NOTICE_REFRESH_MS, so a page never
   * waits on it and costs no query of its own.
   */
  async currentNotice(now: Date): Promise<PolicyNotice | null> {
    let value: PolicyNotice | null;
    if (!this.notice) value = await this.readNotice();
    else {
      value = this.notice.value;
      if (performance.now() - this.notice.readAt > NOTICE_REFRESH_MS) void this.readNotice().catch(() => {});
    }
    return value && now.getTime() < Date.parse(value.endsAt) ? value : null;
  }

  /** Reads the notice from the database (one query), once at a time. */
  private readNotice(): Promise<PolicyNotice | null> {
    this.noticeReading ??= listPolicyVersions(this.db)
      .then((history) => {
        const value = noticeOf(history);
        this.notice = { value, readAt: performance.now() };
        // The marks are in the history the policy lists too.
        if (this.cached) {
          const marks = new Map(history.map((h) => [h.version, h]));
          this.cached = {
            ...this.cached,
            history: this.cached.history.map((h) => (marks.has(h.version) ? toVersion(marks.get(h.version)!) : h)),
          };
        }
        return value;
      })
      .finally(() => {
        this.noticeReading = null;
      });
    return this.noticeReading;
  }

  /**
   * Marks the version in force as a material change, with the owner's summary: its notice shows on
   * the storefront for MATERIAL_NOTICE_DAYS, and every account holder is sent a service notice. Only
   * the current version, and only once: an earlier version's change is history, and a second mark
   * would tell everyone twice. Audited in the same transaction. The notices are queued afterwards, a
   * batch per transaction, in the background (`notifying` says when they are all queued), so the
   * request does not wait on a shop of 100,000 accounts.
   */
  async markMaterial(
    version: string,
    summary: string,
    actor: AuditActor,
    sending: PolicyNoticeSending,
    now: Date,
  ): Promise<MarkMaterialResult> {
    const current = (await this.policy(now)).version;
    const row = await findPolicyVersion(this.db, version);
    if (!row) return { ok: false, reason: 'not_found' };
    if (row.material_at !== null) return { ok: false, reason: 'already_marked' };
    if (version !== current) return { ok: false, reason: 'not_current' };
    const endsAt = new Date(now.getTime() + MATERIAL_NOTICE_DAYS * 86_400_000).toISOString();
    const marked = await inTransaction(this.db, async (trx) => {
      if (!(await markPolicyVersionMaterial(trx, version, { summary, at: now.toISOString(), noticeEndsAt: endsAt }))) return false;
      await recordAudit(
        trx,
        entryBy(actor, {
          action: 'change',
          subject: { type: 'policy-version', id: version },
          fields: ['material_summary', 'material_at', 'notice_ends_at'],
          reason: 'marked as a material change',
        }),
        now,
      );
      return true;
    });
    if (!marked) return { ok: false, reason: 'already_marked' };
    const notice = await this.readNotice();
    const previous = notice?.version === version ? notice.previous : null;
    return { ok: true, notifying: this.notifyAccountHolders(version, previous, summary, sending, now) };
  }

  /** Whether this process is queueing a version's notices now. */
  isNotifying(version: string): boolean {
    return this.queueing.has(version);
  }

  /**
   * Queues the rest of a marked version's notices, when queueing them stopped half-way (the process
   * ended): after the greatest address already queued, so nobody is told twice. Null when the
   * version is not marked, is fully queued, or is being queued by this process. Audited before any is queued.
   */
  async resumeNotices(
    version: string,
    actor: AuditActor,
    sending: PolicyNoticeSending,
    now: Date,
  ): Promise<{ notifying: Promise<number> } | null> {
    const history = await listPolicyVersions(this.db);
    const at = history.findIndex((h) => h.version === version);
    const row = history[at];
    if (!row?.material_at || row.notified_at || this.queueing.has(version)) return null;
    await recordAudit(
      this.db,
      entryBy(actor, {
        action: 'change',
        subject: { type: 'policy-version', id: version },
        fields: ['notified_at'],
        reason: 'queued the remaining notices',
      }),
      now,
    );
    return { notifying: this.notifyAccountHolders(version, history[at + 1]?.version ?? null, row.material_summary ?? '', sending, now) };
  }

  /**
   * Queues the service notice of a material change to every confirmed account, a page of
   * addresses per transaction, in address order, each due in its turn at the marketing rate. A run
   * that stopped half-way resumes after the greatest address already queued for the version, so
   * nobody is told twice. Records when all were queued; returns how many this run queued.
   */
  async notifyAccountHolders(
    version: string,
    previous: string | null,
    summary: string,
    sending: PolicyNoticeSending,
    now: Date,
  ): Promise<number> {
    this.queueing.add(version);
    try {
      return await this.queueNotices(version, previous, summary, sending, now);
    } finally {
      this.queueing.delete(version);
    }
  }

  private async queueNotices(
    version: string,
    previous: string | null,
    summary: string,
    sending: PolicyNoticeSending,
    now: Date,
  ): Promise<number> {
    const reference = policyChangeReference(version);
    const compareUrl = `${sending.publicUrl}${previous ? comparePath(previous, version) : `/privacy/versions/${version}`}`;
    const mail = policyChangeMail(sending, { summary, dateText: noticeDate(now.toISOString()), compareUrl });
    const bodyId = await createNoticeBody(this.db, mail, now);
    const gapMs = 60_000 / sending.ratePerMinute;
    const start = now.getTime();
    let after = (await lastAddressQueued(this.db, reference)) ?? '';
    let queued = 0;
    for (;;) {
      const page = await accountAddressPage(this.db, after, NOTICE_BATCH);
      if (page.length === 0) break;
      const first = queued;
      await inTransaction(this.db, (trx) =>
        enqueueNoticeToMany(
          trx,
          { kind: POLICY_CHANGE_MAIL_KIND, reference, bodyId },
          page,
          (i) => new Date(start + Math.floor((first + i) * gapMs)),
          now,
          sending.messageDomain,
        ),
      );
      queued += page.length;
      after = page[page.length - 1] ?? after;
      if (page.length < NOTICE_BATCH) break;
    }
    await recordPolicyVersionNotified(this.db, version, now.toISOString());
    return queued;
  }
}

const dayMonth = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', timeZone: 'Europe/London' });
const dayMonthYear = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });

/** "3 March 2026" */
export function noticeDate(iso: string): string {
  return dayMonthYear.format(new Date(iso));
}

/** "3 March": the notice's short date. */
export function noticeDayMonth(iso: string): string {
  return dayMonth.format(new Date(iso));
}
