import { Breadcrumbs } from '../../../http/views/components.js';
import type { RetentionSchedule, ScheduleArea } from '../retention.schedule.js';

/**
 * /privacy/retention: how long the shop keeps each kind of data, from which event, and the job that
 * removes it when — produced from the code's inventories and job definitions.
 */

const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function AreaTable({ area }: { area: ScheduleArea }) {
  const id = `retention-${area.part}-${area.feature}`;
  return (
    <section id={id} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{area.title}</h3>
      <div class="table-scroll">
        <table class="data-table">
          <thead>
            <tr>
              <th scope="col">What</th>
              <th scope="col">How long</th>
              <th scope="col">Counted from</th>
              <th scope="col">Removed by</th>
            </tr>
          </thead>
          <tbody>
            {area.rules.map((r) => (
              <tr key={`${r.job}${r.period}`}>
                <td>
                  <ul class="compact-list">
                    {r.what.map((w) => (
                      <li key={w}>{w}</li>
                    ))}
                  </ul>
                </td>
                <td>{r.period}</td>
                <td>{r.kind === 'until' ? `Until ${r.from}` : upperFirst(r.from)}</td>
                <td>
                  The <code>{r.job}</code> job, {r.schedule}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function RetentionPage({ schedule, shopName }: { schedule: RetentionSchedule; shopName: string }) {
  const customers = schedule.areas.filter((a) => a.part === 'customers');
  const staff = schedule.areas.filter((a) => a.part === 'staff');
  return (
    <article class="policy prose">
      <Breadcrumbs trail={[{ href: '/', label: 'Home' }, { href: '/privacy', label: 'Privacy Policy' }, { label: 'Retention schedule' }]} />
      <h1>Retention schedule</h1>
      <p>
        How long {shopName} keeps each kind of personal data, from which event the time is counted, and the scheduled job that removes it
        when the time is up. This page is produced from the shop’s own record of the data it holds and of its jobs, so it always says what
        the shop actually does. The <a href="/privacy">privacy policy</a> says why each is kept.
      </p>

      <h2 id="customers">Customers’ and visitors’ data</h2>
      {customers.map((a) => (
        <AreaTable key={a.feature} area={a} />
      ))}

      {staff.length > 0 && (
        <>
          <h2 id="staff">Staff members’ data</h2>
          {staff.map((a) => (
            <AreaTable key={a.feature} area={a} />
          ))}
        </>
      )}

      <h2 id="transient">Used without being kept in the database</h2>
      <div class="table-scroll">
        <table class="data-table">
          <thead>
            <tr>
              <th scope="col">What</th>
              <th scope="col">How long</th>
              <th scope="col">Where</th>
              <th scope="col">Removed by</th>
            </tr>
          </thead>
          <tbody>
            {schedule.transient.map((t) => (
              <tr key={t.label}>
                <td>{t.label}</td>
                <td>{t.period}</td>
                <td>{t.where}</td>
                <td>
                  {t.job ? (
                    <>
                      The <code>{t.job}</code> job, {t.schedule}
                    </>
                  ) : (
                    'Nothing to remove: never stored'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2 id="cookies">Cookies</h2>
      <div class="table-scroll">
        <table class="data-table">
          <thead>
            <tr>
              <th scope="col">Cookie</th>
              <th scope="col">What it is for</th>
              <th scope="col">How long it lasts</th>
            </tr>
          </thead>
          <tbody>
            {schedule.cookies.map((c) => (
              <tr key={c.name}>
                <td>
                  <code>{c.name}</code>
                </td>
                <td>{c.purpose}</td>
                <td>{c.duration}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>
        See the <a href="/cookies">cookies page</a> to change your choices.
      </p>
    </article>
  );
}
