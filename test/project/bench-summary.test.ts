import { describe, expect, it } from 'vitest';
import { type BenchmarkRun, type Headline, countVerdicts, readSummaryLines, summaryTable, verdict } from '../../bench/summary.js';

const product: Headline = {
  benchmark: 'logging',
  figure: 'product page at info / logging off',
  value: 0.9,
  unit: '×',
  target: { op: '>=', value: 0.85 },
};
const memory: Headline = {
  benchmark: 'startup',
  figure: 'idle memory',
  value: 130,
  unit: 'MB',
  target: { op: '<=', value: 120 },
};
const search: Headline = { benchmark: 'search', figure: 'search requests/s', database: 'SQLite', value: 2400, unit: 'req/s' };

describe('the benchmarks summary', () => {
  it('gives pass or short by each target operator, and none without a target', () => {
    expect(verdict({ value: 0.85, target: { op: '>=', value: 0.85 } })).toBe('pass');
    expect(verdict({ value: 0.84, target: { op: '>=', value: 0.85 } })).toBe('short');
    expect(verdict({ value: 30, target: { op: '<', value: 30 } })).toBe('short');
    expect(verdict({ value: 29, target: { op: '<', value: 30 } })).toBe('pass');
    expect(verdict({ value: 120, target: { op: '<=', value: 120 } })).toBe('pass');
    expect(verdict({ value: 5, target: { op: '>', value: 5 } })).toBe('short');
    expect(verdict({ value: 5 })).toBe('—');
  });

  it('reads the JSON lines a benchmark wrote, leaving out a line cut short', () => {
    const text = `${JSON.stringify(product)}\n\n${JSON.stringify(memory)}\n{"benchmark":"x","fig`;
    expect(readSummaryLines(text)).toEqual([product, memory]);
  });

  it('prints one row per figure with its verdict, and counts passes and shorts', () => {
    const runs: BenchmarkRun[] = [
      { benchmark: 'logging', database: 'SQLite', code: 0, rows: [product] },
      { benchmark: 'startup', database: 'SQLite', code: 0, rows: [memory] },
    ];
    const table = summaryTable(runs).split('\n');
    expect(table[0]).toBe('| benchmark | headline | database | measured | target | pass/short |');
    expect(table).toContain('| logging | product page at info / logging off | either | 0.90× | ≥ 0.85× | pass |');
    expect(table).toContain('| startup | idle memory | either | 130 MB | ≤ 120 MB | short |');
    expect(table.at(-1)).toBe('1 pass, 1 short');
  });

  it('names a failed or missing benchmark and goes on with the others', () => {
    const runs: BenchmarkRun[] = [
      { benchmark: 'checkout', database: 'SQLite', code: 1, rows: [] },
      { benchmark: 'search', database: 'SQLite', code: 0, rows: [], note: 'missing (bench/search.ts)' },
      { benchmark: 'logging', database: 'SQLite', code: 0, rows: [product] },
    ];
    const table = summaryTable(runs).split('\n');
    expect(table).toContain('| checkout | failed (exit 1) | SQLite | — | — | failed |');
    expect(table).toContain('| search | missing (bench/search.ts) | SQLite | — | — | failed |');
    expect(table).toContain('| logging | product page at info / logging off | either | 0.90× | ≥ 0.85× | pass |');
    expect(countVerdicts(runs)).toEqual({ pass: 1, short: 0, failed: 2 });
    expect(table.at(-1)).toBe('1 pass, 0 short, 2 benchmarks failed or missing');
  });

  it('adds the figures of the run before and the ratio now / before, matched by benchmark, figure and database', () => {
    const runs: BenchmarkRun[] = [{ benchmark: 'search', database: 'SQLite', code: 0, rows: [search, memory] }];
    const before: Headline[] = [
      { ...search, value: 1200 },
      { ...search, database: 'PostgreSQL', value: 9999 },
    ];
    const table = summaryTable(runs, before).split('\n');
    expect(table[0]).toBe('| benchmark | headline | database | before | now / before | measured | target | pass/short |');
    expect(table).toContain('| search | search requests/s | SQLite | 1,200 req/s | 2.00 | 2,400 req/s | — | — |');
    expect(table).toContain('| startup | idle memory | either | — | — | 130 MB | ≤ 120 MB | short |');
  });
});
