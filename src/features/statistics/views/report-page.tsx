import { Notice } from '../../../http/views/components.js';
import { Csrf, Field, type FieldErrors, SelectField } from '../../../http/views/form.js';
import {
  DIMENSIONS,
  DIMENSION_WORDS,
  type Period,
  RESEARCH_MIN_VISITORS,
  RESEARCH_REASON_MAX,
  type StatisticsReport,
  durationInWords,
  perVisit,
  ratesOf,
  percent,
} from '../statistics.report.service.js';
import { BarChart, DayChart, count } from './chart.js';

export interface PeriodFormValues {
  period: string;
  from: string;
  to: string;
}

/** The period chooser: a plain GET form. Dates, when given, take the place of the choice of days. */
export function PeriodForm({ values, errors }: { values: PeriodFormValues; errors: FieldErrors }) {
  return (
    <form method="get" action="/admin/statistics" class="filter-bar stats-period">
      <SelectField
        label="Period"
        name="period"
        value={values.period}
        errors={errors}
        options={[
          { value: '7', label: 'Last 7 days' },
          { value: '30', label: 'Last 30 days' },
          { value: '90', label: 'Last 90 days' },
        ]}
      />
      <Field
        label="Or from"
        name="from"
        value={values.from}
        errors={errors}
        optional
        hint="A date like 2026-11-01"
        size={10}
        maxLength={10}
      />
      <Field label="to" name="to" value={values.to} errors={errors} optional hint="A date like 2026-11-30" size={10} maxLength={10} />
      <button type="submit" class="button">
        Show
      </button>
    </form>
  );
}

const periodQuery = (p: Period) => `from=${p.from}&to=${p.to}`;

function Summary({ report }: { report: StatisticsReport }) {
  const t = report.totals;
  return (
    <dl class="stats-summary">
      <div>
        <dt>Daily visitors, summed</dt>
        <dd>{count(t.visitors)}</dd>
      </div>
      <div>
        <dt>Visits</dt>
        <dd>{count(t.visits)}</dd>
      </div>
      <div>
        <dt>Page views</dt>
        <dd>{count(t.pageViews)}</dd>
      </div>
      <div>
        <dt>Average time on site</dt>
        <dd>{durationInWords(t.averageVisitSeconds)}</dd>
      </div>
      <div>
        <dt>Pages per visit</dt>
        <dd>{perVisit(t.pagesPerVisit)}</dd>
      </div>
      <div>
        <dt>Bounce rate</dt>
        <dd>{percent(t.bounceRate)}</dd>
      </div>
    </dl>
  );
}

function DayTable({ report }: { report: StatisticsReport }) {
  const t = report.totals;
  return (
    // Scrolls on its own when long, so it can take the keyboard's focus and says what it is.
    <div class="stats-table-wrap" role="region" aria-label="Figures per day" tabIndex={0}>
      <table class="admin-table stats-table">
        <caption>Figures per day</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col" class="num">
              Visitors
            </th>
            <th scope="col" class="num">
              Visits
            </th>
            <th scope="col" class="num">
              Page views
            </th>
            <th scope="col" class="num">
              Average time on site
            </th>
            <th scope="col" class="num">
              Pages per visit
            </th>
            <th scope="col" class="num">
              Bounce rate
            </th>
          </tr>
        </thead>
        <tbody>
          {report.days.map((d) => (
            <FigureRow key={d.day} label={d.day} figures={d} />
          ))}
        </tbody>
        <tfoot>
          <FigureRow label="Whole period" figures={t} />
        </tfoot>
      </table>
    </div>
  );
}

/** One line of the figures table: a day's, or the whole period's. */
function FigureRow({
  label,
  figures: f,
}: {
  label: string;
  figures: { visitors: number; visits: number; pageViews: number; visitSeconds: number; bounces: number };
}) {
  const rates = ratesOf(f);
  return (
    <tr>
      <th scope="row">{label}</th>
      <td class="num">{count(f.visitors)}</td>
      <td class="num">{count(f.visits)}</td>
      <td class="num">{count(f.pageViews)}</td>
      <td class="num">{durationInWords(rates.averageVisitSeconds)}</td>
      <td class="num">{perVisit(rates.pagesPerVisit)}</td>
      <td class="num">{percent(rates.bounceRate)}</td>
    </tr>
  );
}

function Breakdown({ report, dimension }: { report: StatisticsReport; dimension: (typeof DIMENSIONS)[number] }) {
  const words = DIMENSION_WORDS[dimension];
  const rows = report.top[dimension];
  const byViews = dimension === 'page';
  const measure = byViews ? 'page views' : 'visits';
  return (
    <section class="stats-breakdown" aria-labelledby={`stats-${dimension}`}>
      <h2 id={`stats-${dimension}`}>{words.title}</h2>
      {rows.length === 0 ? (
        <p>None in this period.</p>
      ) : (
        <>
          <BarChart
            id={`chart-${dimension}`}
            title={`${words.title}, by ${measure}`}
            description={rows.map((r) => `${r.value}: ${count(byViews ? r.pageViews : r.visits)}`).join('; ')}
            bars={rows.map((r) => ({ label: r.value, value: byViews ? r.pageViews : r.visits }))}
          />
          <table class="admin-table stats-table">
            <caption class="visually-hidden">
              {words.title} over the period, the top {rows.length}
            </caption>
            <thead>
              <tr>
                <th scope="col">{words.column}</th>
                <th scope="col" class="num">
                  Daily visitors, summed
                </th>
                <th scope="col" class="num">
                  Visits
                </th>
                <th scope="col" class="num">
                  Page views
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.value}>
                  <th scope="row">{r.value}</th>
                  <td class="num">{count(r.visitors)}</td>
                  <td class="num">{count(r.visits)}</td>
                  <td class="num">{count(r.pageViews)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

export interface ResearchFormState {
  reason?: string;
  error?: string;
}

function ResearchForm({ period, csrf, state }: { period: Period; csrf: string; state: ResearchFormState }) {
  return (
    <section class="admin-card stats-research" aria-labelledby="stats-research">
      <h2 id="stats-research">Research export</h2>
      <p>
        The figures of {period.from} to {period.to} day by day, for an outside agency's research. Rows of fewer than {RESEARCH_MIN_VISITORS}{' '}
        visitors are left out, so no row describes a handful of people. Each export is recorded in the audit trail with its reason.
      </p>
      {state.error && <Notice kind="error">{state.error}</Notice>}
      <form method="post" action="/admin/statistics/research-export">
        <Csrf token={csrf} />
        <input type="hidden" name="from" value={period.from} />
        <input type="hidden" name="to" value={period.to} />
        <Field
          label="Reason for this export"
          name="reason"
          rows={2}
          value={state.reason ?? ''}
          error={state.error}
          hint="Who it is for and why, for example: 'Annual jewellery retail survey for the trade association'."
          maxLength={RESEARCH_REASON_MAX}
          required
        />
        <button type="submit" class="button">
          Download the research export
        </button>
      </form>
    </section>
  );
}

export function ReportPage(props: {
  report: StatisticsReport | null;
  values: PeriodFormValues;
  errors: FieldErrors;
  canExport: boolean;
  csrf: string;
  research?: ResearchFormState;
}) {
  const { report } = props;
  return (
    <section class="stats-page">
      <h1>Statistics</h1>
      <p>
        Visits to the shop, counted by the shop itself without cookies. A visitor is known only within one day (the key that tells visitors
        apart changes every day, by design), so visitors over several days are each day's visitors summed: someone who came on three days
        counts three times.
      </p>
      <PeriodForm values={props.values} errors={props.errors} />
      {report && report.daysWithFigures === 0 && props.research?.error && <Notice kind="error">{props.research.error}</Notice>}
      {report && report.daysWithFigures === 0 && (
        <Notice kind="info">
          There are no figures for {report.period.from} to {report.period.to} yet. The shop counts visits as they happen and adds up each
          day's figures after the day ends, so a new shop shows its first figures the day after its first visitors.
        </Notice>
      )}
      {report && report.daysWithFigures > 0 && (
        <>
          <h2>
            {report.period.from} to {report.period.to}
          </h2>
          <Summary report={report} />
          <p>
            <a class="button" href={`/admin/statistics/download?${periodQuery(report.period)}`}>
              Download these figures (CSV)
            </a>
          </p>
          <DayChart
            id="chart-days"
            title={`Visitors and page views per day, ${report.period.from} to ${report.period.to}`}
            description={`Most page views in a day: ${count(Math.max(...report.days.map((d) => d.pageViews)))}; most visitors: ${count(
              Math.max(...report.days.map((d) => d.visitors)),
            )}. The table below gives every day's figures.`}
            days={report.days.map((d) => d.day)}
            series={[
              { label: 'Visitors', className: 'stats-series-visitors', values: report.days.map((d) => d.visitors) },
              { label: 'Page views', className: 'stats-series-views', values: report.days.map((d) => d.pageViews) },
            ]}
          />
          <DayTable report={report} />
          <div class="stats-breakdowns">
            {DIMENSIONS.map((d) => (
              <Breakdown key={d} report={report} dimension={d} />
            ))}
          </div>
          {props.canExport && <ResearchForm period={report.period} csrf={props.csrf} state={props.research ?? {}} />}
        </>
      )}
    </section>
  );
}
