import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  messageId: string;
  to: string[];
  raw: string;
  /** False while the server is still holding its reply to this message, or when it then refused it. */
  accepted: boolean;
}

/**
 * A real SMTP server on 127.0.0.1 and a free port, whose behaviour a test changes as it goes:
 * refuse MAIL FROM with a code and text, or hold its reply to the end of DATA (for a time, or
 * until released), as a slow or stuck provider does.
 */
export class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
  /** Refuse every MAIL FROM with this reply while set, e.g. { code: 451, text: '…' }. */
  refuseMailFrom: { code: number; text: string } | null = null;
  /** Hold the reply to the next `holdNext` messages for `holdMs`, or until release() when null. */
  holdNext = 0;
  holdMs: number | null = null;
  /** The reply to a held message once it is released: accept it, or refuse it. */
  afterHold: 'accept' | { code: number; text: string } = 'accept';

  private readonly server: SMTPServer;
  private waiters: (() => void)[] = [];
  private releases: (() => void)[] = [];
  private holdingNow = 0;

  private constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      // A reverse lookup of 127.0.0.1 can take longer than the short deadlines some tests set.
      disableReverseLookup: true,
      onMailFrom: (_address, _session, callback) => {
        const r = this.refuseMailFrom;
        if (!r) return callback();
        callback(Object.assign(new Error(r.text), { responseCode: r.code }));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const mail: ReceivedMail = {
            messageId: /^Message-ID:\s*(<[^>]+>)/im.exec(raw)?.[1] ?? '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            accepted: false,
          };
          this.received.push(mail);
          if (this.holdNext <= 0) {
            mail.accepted = true;
            return callback(null, 'Queued');
          }
          this.holdNext--;
          this.holdingNow++;
          const answer = () => {
            this.holdingNow--;
            const after = this.afterHold;
            if (after === 'accept') {
              mail.accepted = true;
              return callback(null, 'Queued');
            }
            callback(Object.assign(new Error(after.text), { responseCode: after.code }));
          };
          if (this.holdMs !== null) setTimeout(answer, this.holdMs);
          else this.releases.push(answer);
          for (const w of this.waiters.splice(0)) w();
        });
      },
    });
  }

  static async start(): Promise<TestSmtpServer> {
    const s = new TestSmtpServer();
    await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
    return s;
  }

  get url(): string {
    const { port } = this.server.server.address() as AddressInfo;
    return `smtp://127.0.0.1:${port}`;
  }

  /** How many messages the server has received and not yet answered. */
  get holding(): number {
    return this.holdingNow;
  }

  /** Resolves once the server is holding its reply to a message. */
  untilHolding(): Promise<void> {
    if (this.holdingNow > 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Answers every message held until released. */
  release(): void {
    for (const r of this.releases.splice(0)) r();
  }

  reset(): void {
    this.release();
    this.received.length = 0;
    this.refuseMailFrom = null;
    this.holdNext = 0;
    this.holdMs = null;
    this.afterHold = 'accept';
  }

  async close(): Promise<void> {
    this.release();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
