import type { Mailer, OutgoingMail } from '../../src/features/mail/mailer.js';

/** A mail server that accepts everything and keeps it, to read what the outbox sent and with which headers. */
export function keepingMailer(): Mailer & { sent: OutgoingMail[] } {
  const sent: OutgoingMail[] = [];
  return {
    sent,
    async send(mail) {
      sent.push(mail);
      return { messageId: mail.messageId ?? '' };
    },
    async close() {},
  };
}
