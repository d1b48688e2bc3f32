import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Transporter } from 'nodemailer';
import type { Config } from '../../config.js';
import { lazy } from '../../shared/lazy.js';

/** Loaded at the first message sent: a shop at rest holds no mail library. */
const loadNodemailer = lazy<typeof import('nodemailer')>('nodemailer');

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

export interface SmtpLimits {
  connectionTimeoutMs: number;
  greetingTimeoutMs: number;
  socketTimeoutMs: number;
  /** The most one message may take in all, from connecting to the server's last reply. */
  sendDeadlineMs: number;
}

/**
 * How long the mailer waits on an SMTP server. nodemailer's own defaults (2 minutes to connect,
 * 10 minutes of silence) would let a stuck provider hold an outbox worker for a quarter of an hour.
 * A working provider connects and greets within a second or two even when busy, so 10 seconds for
 * each is generous; 30 seconds of silence allows for a server that scans a message before it
 * answers the end of DATA (RFC 5321 asks clients to wait longer, but a retry a minute later costs
 * nothing: every retry carries the same Message-ID). The socket timeout only measures silence, so a
 * server trickling a byte at a time could still go on for ever: the deadline bounds each send in
 * all, and the outbox's claim (MAIL_CLAIM_SECONDS) is made to outlast it.
 */
export const SMTP_LIMITS: SmtpLimits = {
  connectionTimeoutMs: 10_000,
  greetingTimeoutMs: 10_000,
  socketTimeoutMs: 30_000,
  sendDeadlineMs: 60_000,
};

/**
 * The one mailer: SMTP when SMTP_URL is set, otherwise every message is written as an RFC 5322
 * .eml file under DATA_DIR/outbox/, where a developer (or a test) can open it. `limits` replaces
 * SMTP_LIMITS, for tests that cannot wait whole seconds.
 */
export function createMailer(config: Config, limits: Partial<SmtpLimits> = {}): Mailer {
  const from = { name: config.shop.name, address: config.shop.email };
  if (config.smtpUrl) {
    const l = { ...SMTP_LIMITS, ...limits };
    let transport: Transporter | null = null;
    const smtp = (url: string) =>
      (transport ??= loadNodemailer().createTransport({
        url,
        // One connection, kept open between messages: the outbox sends one at a time, and opening a
        // connection for each message costs more than the message (8 against 60 a second to a local
        // server in bench/marketing.ts).
        pool: true,
        maxConnections: 1,
        connectionTimeout: l.connectionTimeoutMs,
        greetingTimeout: l.greetingTimeoutMs,
        socketTimeout: l.socketTimeoutMs,
        dnsTimeout: l.connectionTimeoutMs,
      }));
    const url = config.smtpUrl;
    return {
      async send(mail) {
        // On abort nodemailer closes this message's connection, so nothing goes on in the background.
        const info = await smtp(url).sendMail({ from, ...mail, signal: AbortSignal.timeout(l.sendDeadlineMs) });
        return { messageId: String(info.messageId) };
      },
      async close() {
        transport?.close();
      },
    };
  }
  let transport: Transporter | null = null;
  return {
    async send(mail) {
      transport ??= loadNodemailer().createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
      const info = await transport.sendMail({ from, ...mail });
      await mkdir(config.outboxDir, { recursive: true });
      const file = join(config.outboxDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.eml`);
      await writeFile(file, info.message as Buffer, { mode: 0o600 });
      return { messageId: String(info.messageId), file };
    },
    async close() {},
  };
}
