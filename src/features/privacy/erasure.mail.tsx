import { type KeepPolicy, backupRetentionText } from '../backups/backup.policy.js';
import { plainMail } from '../mail/mail.layout.js';
import type { OutboxMail } from '../mail/outbox.service.js';

/**
 * The e-mails an erasure sends: the notice that the person's data is erased (what went, what was
 * kept, why and until when), and, for an order that was still open, the notice that its erasure is
 * finished too. Neither leaves a copy: the outbox deletes both as soon as they are sent
 * (FORGOTTEN_ONCE_SENT), so the erasure they report is not undone by them.
 */

export const ERASED_MAIL_KIND = 'privacy-erased';
export const ERASURE_FINISHED_MAIL_KIND = 'privacy-erasure-finished';

export interface ErasureMailContext {
  shopName: string;
  shopEmail: string;
  /**
   * The keep policy in force (config.backups.keep): the e-mails say how long a backup holding the
   * erased data can last under it ("within 93 days" for the default). Until a backup expires, it is never
   * restored into live use without the erasure journal applied again.
   */
  backupKeep: KeepPolicy;
}

const backupRetentionOf = (ctx: ErasureMailContext) => backupRetentionText(ctx.backupKeep);

export interface KeptLine {
  what: string;
  why: string;
  until: string;
}

const OPAYO =
  'Opayo (Elavon), who took your card payments for us as our payment provider, keep their own record of those payments under their own privacy policy; you can ask them about it directly.';

export function erasedMail(
  ctx: ErasureMailContext,
  m: { to: string; firstName: string | null; deleted: string[]; kept: KeptLine[]; waitingOrders: string[]; reference: string },
): OutboxMail {
  const subject = `Your data at ${ctx.shopName} is erased`;
  const paragraphs = [
    m.firstName ? `Dear ${m.firstName},` : 'Hello,',
    `As you asked, we have erased your data. Deleted: ${m.deleted.join('; ')}.`,
    ...(m.waitingOrders.length > 0
      ? m.waitingOrders.map(
          (n) =>
            `We will finish delivering order ${n} and erase it 30 days after delivery (our returns window), keeping only its tax record; we will e-mail you then.`,
        )
      : []),
    ...(m.kept.length > 0 ? ['What we keep, why and until when:'] : []),
    ...m.kept.map((k) => `• ${k.what} — ${k.why}. Kept until ${k.until}.`),
    OPAYO,
    `Copies of our database in backups expire ${backupRetentionOf(ctx)}; until then they are never used, and if one were ever restored your erasure would be applied again before the shop opened.`,
    `If you have a question, reply to this e-mail or write to ${ctx.shopEmail}.`,
  ];
  const { text, html } = plainMail(ctx, subject, paragraphs);
  return { kind: ERASED_MAIL_KIND, reference: m.reference, to: m.to, subject, text, html };
}

export function erasureFinishedMail(
  ctx: ErasureMailContext,
  m: { to: string; firstName: string | null; number: string; taxRecordUntil: string },
): OutboxMail {
  const subject = `Order ${m.number}: your details are now erased`;
  const paragraphs = [
    m.firstName ? `Dear ${m.firstName},` : 'Hello,',
    `When you asked us to erase your data, order ${m.number} was still open, so we kept what we needed to deliver it and to take it back within our 30-day returns window. That window has passed: your name, contact details and addresses are now erased from the order.`,
    `We keep its tax record (the date, what was bought, the amounts, VAT and the delivery country, naming no one) until ${m.taxRecordUntil}, because tax law requires it.`,
    OPAYO,
    `Backups holding the order expire ${backupRetentionOf(ctx)}.`,
  ];
  const { text, html } = plainMail(ctx, subject, paragraphs);
  return { kind: ERASURE_FINISHED_MAIL_KIND, reference: `erasure-${m.number}`, to: m.to, subject, text, html };
}
