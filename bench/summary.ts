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

/** One benchmark as the run's summary saw it: its rows, or that it failed (exit code, or no rows). */
export interface BenchmarkRun {
  benchmark: string;
  database: 'SQLite' | 'PostgreSQL';
  /** Exit code of the benchmark's process (0 when it succeeded). */
  code: number;
  rows: Headline[];
  /** Why it has no figures, when it has none: "failed (exit 1)", "missing". */
  note?: string;
}

/** The rows a benchmark appended to its BENCH_SUMMARY file: one JSON object a line; blank or broken lines skipped. */
export function readSummaryLines(text: string): Headline[] {
  const rows: Headline[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const row = JSON.parse(line) as Headline;
      if (typeof row.figure === 'string' && typeof row.value === 'number' && Number.isFinite(row.value)) rows.push(row);
    } catch {
      // A line cut short by a benchmark that died while writing: left out.
    }
  }
  return rows;
}

/** The key a row is matched by against the run before: benchmark, figure and database. */
export function rowKey(row: Pick<Headline, 'benchmark' | 'figure' | 'database'>): string {
  return `${row.benchmark}\u0000${row.figure}\u0000${row.database ?? ''}`;
}

export interface SummaryCounts {
  pass: number;
  short: number;
  failed: number;
}

export function countVerdicts(runs: BenchmarkRun[]): SummaryCounts {
  const rows = runs.flatMap((r) => r.rows);
  return {
    pass: rows.filter((r) => verdict(r) === 'pass').length,
    short: rows.filter((r) => verdict(r) === 'short').length,
    failed: runs.filter((r) => r.code !== 0 || r.note).length,
  };
}

/**
 * The run's one table: benchmark | headline | database | measured | target | pass/short, with a
 * "before" column and the ratio now / before when the rows of an earlier run are given. A benchmark
 * that failed or was missing gets a row saying so.
 */
export function summaryTable(runs: BenchmarkRun[], before?: Headline[]): string {
  const earlier = new Map((before ?? []).map((r) => [rowKey(r), r]));
  const head = ['benchmark', 'headline', 'database', 'measured', 'target', 'pass/short'];
  const align = ['---', '---', '---', '---:', '---:', '---'];
  if (before) {
    head.splice(3, 0, 'before', 'now / before');
    align.splice(3, 0, '---:', '---:');
  }
  const lines = [`| ${head.join(' | ')} |`, `|${align.join('|')}|`];
  for (const run of runs) {
    if (run.rows.length === 0 || run.code !== 0) {
      const why = run.note ?? (run.code !== 0 ? `failed (exit ${run.code})` : 'failed (no figures)');
      const cells = [run.benchmark, why, run.database, '—', '—', 'failed'];
      if (before) cells.splice(3, 0, '—', '—');
      lines.push(`| ${cells.join(' | ')} |`);
    }
    for (const r of run.rows) {
      const database = r.database ?? 'either';
      const cells = [r.benchmark, r.figure, database, figureText(r.value, r.unit), targetText(r.target, r.unit), verdict(r)];
      if (before) {
        const old = earlier.get(rowKey(r));
        cells.splice(
          3,
          0,
          old ? figureText(old.value, old.unit) : '—',
          old && old.value !== 0 ? `${(r.value / old.value).toFixed(2)}` : '—',
        );
      }
      lines.push(`| ${cells.join(' | ')} |`);
    }
  }
  const c = countVerdicts(runs);
  lines.push(
    '',
    `${c.pass} pass, ${c.short} short${c.failed ? `, ${c.failed} benchmark${c.failed === 1 ? '' : 's'} failed or missing` : ''}`,
  );
  return lines.join('\n');
}
