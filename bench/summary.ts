import { appendFileSync } from 'node:fs';

/**
 * A benchmark's headline figures, each with the target it is held to. Every benchmark calls
 * `headlines(...)` once at its end: the rows are printed as a small table and, when the
 * `BENCH_SUMMARY` environment variable names a file (as `npm run bench` sets it), appended to that
 * file as JSON lines, so that the run's one summary table (bench/all.ts) lists every benchmark's
 * figures against its targets.
 */
export interface Headline {
  /** The benchmark, as its npm script names it: "storefront", "checkout", "search", … */
  benchmark: string;
  /** What was measured, in words: "product page requests/s", "product page while 8 buyers check out / alone". */
  figure: string;
  /** "SQLite" or "PostgreSQL" when the figure depends on the database; omitted when it does not. */
  database?: 'SQLite' | 'PostgreSQL';
  value: number;
  /** "req/s", "ms", "MB", "×" (a ratio), "s", "rows/s", … */
  unit: string;
  /** The target the figure is held to; omitted for a figure that is reported but has none. */
  target?: Target;
}

export interface Target {
  /** The figure passes when `value <op> target`. */
  op: '>=' | '<=' | '<' | '>';
  value: number;
}

export function passes(value: number, target: Target): boolean {
  switch (target.op) {
    case '>=':
      return value >= target.value;
    case '>':
      return value > target.value;
    case '<=':
      return value <= target.value;
    case '<':
      return value < target.value;
  }
}

/** The dialect of the database a benchmark ran on, from the environment it ran in. */
export function databaseName(env: NodeJS.ProcessEnv = process.env): 'SQLite' | 'PostgreSQL' {
  return env.DATABASE_URL ? 'PostgreSQL' : 'SQLite';
}

/** A figure as the tables show it: whole numbers above 100, two decimals for ratios and small values. */
export function figureText(value: number, unit: string): string {
  const digits = unit === '×' || Math.abs(value) < 10 ? 2 : Math.abs(value) < 100 ? 1 : 0;
  const text = value.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return unit === '×' ? `${text}×` : `${text} ${unit}`;
}

export function targetText(target: Target | undefined, unit: string): string {
  return target ? `${target.op === '>=' ? '≥' : target.op === '<=' ? '≤' : target.op} ${figureText(target.value, unit)}` : '—';
}

export function verdict(row: Pick<Headline, 'value' | 'target'>): 'pass' | 'short' | '—' {
  return row.target ? (passes(row.value, row.target) ? 'pass' : 'short') : '—';
}

/** Prints the rows and records them for the run's summary (BENCH_SUMMARY). */
export function headlines(rows: Headline[]): void {
  console.log('\n| headline | database | measured | target | |');
  console.log('|---|---|---:|---:|---|');
  for (const r of rows) {
    console.log(
      `| ${r.figure} | ${r.database ?? 'either'} | ${figureText(r.value, r.unit)} | ${targetText(r.target, r.unit)} | ${verdict(r)} |`,
    );
  }
  const file = process.env.BENCH_SUMMARY;
  if (file) appendFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
}
