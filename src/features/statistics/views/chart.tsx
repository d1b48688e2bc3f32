/**
 * Charts drawn on the server as SVG: nothing runs in the browser, and every chart is an image
 * with a title and a description in words, set beside a table holding the same numbers. Sizes
 * and positions are SVG attributes and colours come from classes in admin.css, as the back
 * office's content security policy allows no inline style.
 */

// One formatter for every number: toLocaleString builds a new one on each call, which shows over 90 days.
const numberFormat = new Intl.NumberFormat('en-GB');
export const count = (n: number) => numberFormat.format(n);

const WIDTH = 720;
const HEIGHT = 220;
const PAD = { left: 48, right: 12, top: 12, bottom: 28 };

/** A round number at or above the largest value, for the top of the scale. */
export function niceCeiling(max: number): number {
  if (max <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * step >= max) return m * step;
  return 10 * step;
}

export interface DaySeries {
  label: string;
  /** A class from admin.css giving the line its colour. */
  className: string;
  values: number[];
}

/** Lines over the days of a period, one per series. */
export function DayChart(props: { id: string; title: string; description: string; days: string[]; series: DaySeries[] }) {
  const { days, series } = props;
  const top = niceCeiling(Math.max(0, ...series.flatMap((s) => s.values)));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (days.length <= 1 ? plotW / 2 : (i * plotW) / (days.length - 1));
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const r = (v: number) => Math.round(v * 10) / 10;
  const ticks = [0, top / 2, top];
  const labelEvery = Math.max(1, Math.ceil(days.length / 8));
  return (
    <figure class="stats-chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width={WIDTH}
        height={HEIGHT}
        role="img"
        aria-labelledby={`${props.id}-title ${props.id}-desc`}
        class="stats-svg"
      >
        <title id={`${props.id}-title`}>{props.title}</title>
        <desc id={`${props.id}-desc`}>{props.description}</desc>
        {ticks.map((t) => (
          <g key={t}>
            <line class="stats-grid" x1={PAD.left} x2={WIDTH - PAD.right} y1={r(y(t))} y2={r(y(t))} />
            <text class="stats-axis stats-axis-y" x={PAD.left - 6} y={r(y(t)) + 4}>
              {count(t)}
            </text>
          </g>
        ))}
        {days.map((d, i) =>
          // Every few days, and the last, unless the one before it would overlap it.
          (i % labelEvery === 0 && i <= days.length - 1 - labelEvery / 2) || i === days.length - 1 ? (
            <text key={d} class="stats-axis stats-axis-x" x={r(x(i))} y={HEIGHT - 8}>
              {d.slice(5)}
            </text>
          ) : null,
        )}
        {series.map((s) => (
          <polyline key={s.label} class={`stats-line ${s.className}`} points={s.values.map((v, i) => `${r(x(i))},${r(y(v))}`).join(' ')} />
        ))}
      </svg>
      <figcaption class="stats-legend">
        {series.map((s) => (
          <span key={s.label} class={`stats-key ${s.className}`}>
            {s.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

const BAR_ROW = 26;
const BAR_LABEL = 220;

/** Horizontal bars, one per value, largest first. */
export function BarChart(props: { id: string; title: string; description: string; bars: { label: string; value: number }[] }) {
  const height = props.bars.length * BAR_ROW + 8;
  const max = Math.max(1, ...props.bars.map((b) => b.value));
  const room = WIDTH - BAR_LABEL - 70;
  return (
    <figure class="stats-chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        width={WIDTH}
        height={height}
        role="img"
        aria-labelledby={`${props.id}-title ${props.id}-desc`}
        class="stats-svg"
      >
        <title id={`${props.id}-title`}>{props.title}</title>
        <desc id={`${props.id}-desc`}>{props.description}</desc>
        {props.bars.map((b, i) => (
          <g key={b.label}>
            <text class="stats-bar-label" x={BAR_LABEL - 8} y={i * BAR_ROW + 21}>
              {b.label.length > 32 ? `${b.label.slice(0, 31)}…` : b.label}
            </text>
            <rect
              class="stats-bar"
              x={BAR_LABEL}
              y={i * BAR_ROW + 6}
              height={BAR_ROW - 8}
              width={Math.max(1, Math.round((b.value / max) * room))}
            />
            <text class="stats-bar-value" x={BAR_LABEL + Math.max(1, Math.round((b.value / max) * room)) + 6} y={i * BAR_ROW + 21}>
              {count(b.value)}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}
