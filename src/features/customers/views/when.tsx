// Times are stored in UTC and shown as the shop's customers live them: UK time.
const dayFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
const clockFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Europe/London' });

/** "23 November 2026", or with `time` "23 November 2026 at 10:00", in UK time. */
export function whenText(iso: string, time = false): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return time ? `${dayFormat.format(date)} at ${clockFormat.format(date)}` : dayFormat.format(date);
}

export function When({ iso, time = false }: { iso: string; time?: boolean }) {
  return <time dateTime={iso}>{whenText(iso, time)}</time>;
}
