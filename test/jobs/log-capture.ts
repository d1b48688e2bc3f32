import { Writable } from 'node:stream';

/** A log line as pino writes it: level 20 debug, 30 info, 40 warn, 50 error. */
export type LogLine = { level: number; msg: string; job?: string; [key: string]: unknown };

/** A stream for the app's logger that keeps every line, to be read back as text or as parsed lines. */
export function captureLog(): { stream: Writable; text(): string; lines(): LogLine[]; clear(): void } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const text = () => chunks.join('');
  return {
    stream,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as LogLine),
    clear: () => {
      chunks.length = 0;
    },
  };
}
