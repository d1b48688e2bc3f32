import { plainMail } from '../mail/mail.layout.js';

/**
 * The service notice of a material change to the privacy policy: sent to every account holder,
 * whatever their marketing choices, because it is about how we handle their data (not marketing,
 * so no unsubscribe link). The same words for everyone: it names no one, so one body serves all.
 */

export const POLICY_CHANGE_MAIL_KIND = 'privacy-policy-change';

/** The outbox reference of a version's notices: where queueing them resumes, and how they are counted. */
export const policyChangeReference = (version: string) => `policy-${version}`;

export interface PolicyMailContext {
  shopName: string;
  shopEmail: string;
  publicUrl: string;
}

export function policyChangeMail(
  ctx: PolicyMailContext,
  change: { summary: string; dateText: string; compareUrl: string },
): { subject: string; text: string; html: string } {
  const subject = `We have changed our privacy policy`;
  return plainMail(
    { shopName: ctx.shopName, shopEmail: ctx.shopEmail },
    subject,
    [
      `We changed our privacy policy on ${change.dateText}. You have an account with ${ctx.shopName}, so we are telling you what changed:`,
      change.summary,
      `See exactly what changed, word for word: ${change.compareUrl}`,
      `Our privacy policy in full: ${ctx.publicUrl}/privacy`,
      'This is a service message about how we handle your data, not marketing: we send it to every account holder, whatever their newsletter choices. If you have a question, reply to this e-mail.',
    ],
    { link: { href: change.compareUrl, label: 'See what changed' } },
  );
}
