import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../../config.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  replyTo?: string;
  headers?: Record<string, string>;
  /** The Message-ID header, in angle brackets; the outbox sets its own so that a retry carries the same one. */
  messageId?: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string; file?: string }>;
  close(): Promise<void>;
}

/**
 * The one mailer: SMTP when SMTP_URL is set, otherwise every message is written as an RFC 5322
 * .eml file under DATA_DIR/outbox/, where a developer (or a test) can open it.
 */
export function createMailer(config: Config): Mailer {
  const from = { name: config.shop.name, address: config.shop.email };
  if (config.smtpUrl) {
    const transport: Transporter = nodemailer.createTransport(config.smtpUrl);
    return {
      async send(mail) {
        const info = await transport.sendMail({ from, ...mail });
        return { messageId: String(info.messageId) };
      },
      async close() {
        transport.close();
      },
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    async send(mail) {
      const info = await transport.sendMail({ from, ...mail });
      await mkdir(config.outboxDir, { recursive: true });
      const file = join(config.outboxDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.eml`);
      await writeFile(file, info.message as Buffer, { mode: 0o600 });
      return { messageId: String(info.messageId), file };
    },
    async close() {},
  };
}
