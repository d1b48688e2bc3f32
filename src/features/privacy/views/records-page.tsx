import { Fragment } from 'preact';
import { CATEGORY_TEXT, LAWFUL_BASIS_TEXT } from '../inventory.js';
import type { ProcessingActivity, RecordsOfProcessing } from '../records.service.js';

/**
 * Back office > Records of processing: the controller's record (UK GDPR Art. 30(1)) as one page,
 * in the order the article lists it, every part computed from the code's declarations.
 */

const list = (items: string[]) =>
  items.length === 0 ? (
    <>None</>
  ) : (
    <ul>
      {items.map((i) => (
        <li key={i}>{i}</li>
      ))}
    </ul>
  );

function Activity({ a }: { a: ProcessingActivity }) {
  return (
    <section class="admin-card records-activity" id={a.id} aria-labelledby={`${a.id}-title`}>
      <h3 id={`${a.id}-title`}>{a.purpose}</h3>
      <p class="notice-line">
        {a.area} <span class="tag">{a.feature}</span>
      </p>
      <dl>
        <dt>Categories of people</dt>
        <dd>{list(a.subjects.map((s) => s.text))}</dd>
        <dt>Categories of data</dt>
        <dd>{list(a.categories.map((c) => `${c.text}: ${c.labels.join('; ')}`))}</dd>
        <dt>Lawful basis</dt>
        <dd>{list(a.lawfulBases.map((b) => b.text))}</dd>
        <dt>Recipients</dt>
        <dd>{list(a.recipients)}</dd>
        <dt>Processors</dt>
        <dd>{list(a.processors)}</dd>
        {a.partners.length > 0 && (
          <>
            <dt>Partners, only with the person’s consent to each by name</dt>
            <dd>{list(a.partners)}</dd>
          </>
        )}
        <dt>Transfers outside the UK</dt>
        <dd>{list(a.transfers)}</dd>
        <dt>Retention</dt>
        <dd>
          {list(
            a.retention.map((r) =>
              r.job ? `${r.text} — from: ${r.from ?? ''} — enforced by the job ${r.job}` : `${r.text} (nothing is stored)`,
            ),
          )}
        </dd>
      </dl>
      <table class="admin-table">
        <caption>The data, item by item</caption>
        <thead>
          <tr>
            <th scope="col">Data</th>
            <th scope="col">Category</th>
            <th scope="col">Where</th>
            <th scope="col">Lawful basis</th>
            <th scope="col">Retention</th>
            <th scope="col">On erasure</th>
          </tr>
        </thead>
        <tbody>
          {a.items.map((i) => (
            <tr key={`${i.column ?? ''}${i.label}`}>
              <td>
                {i.label}
                {i.column && (
                  <>
                    {' '}
                    <code>{i.column}</code>
                  </>
                )}
              </td>
              <td>{CATEGORY_TEXT[i.category]}</td>
              <td>{i.where}</td>
              <td>{LAWFUL_BASIS_TEXT[i.lawfulBasis]}</td>
              <td>
                {i.retention.text}
                {i.retention.job && (
                  <>
                    {' '}
                    (<code>{i.retention.job}</code>)
                  </>
                )}
              </td>
              <td>{i.erasure ?? 'Nothing is stored'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function RecordsPage({ record }: { record: RecordsOfProcessing }) {
  const c = record.controller;
  return (
    <section class="records">
      <h1>Records of processing</h1>
      <p>
        The shop’s record of processing as UK GDPR Article 30(1) asks of a controller. It is built from the code’s own declarations — each
        feature’s personal-data inventory, the processors in use, the partners declared and the shop profile — so it always matches what the
        shop does. Give it to the ICO when asked.
      </p>
      <p class="actions">
        <a class="button" href="/admin/records.csv">
          Download as CSV
        </a>{' '}
        <a class="button" href="/admin/records.json">
          Download as JSON
        </a>{' '}
        <a href="/admin/records/retention">The retention schedule and its last runs</a>
      </p>

      <h2 id="controller">The controller</h2>
      <dl class="admin-card">
        <dt>Name</dt>
        <dd>{c.name}</dd>
        <dt>Address</dt>
        <dd>{c.address}</dd>
        <dt>Privacy contact</dt>
        <dd>
          <a href={`mailto:${c.email}`}>{c.email}</a>
        </dd>
        <dt>ICO registration number</dt>
        <dd>{c.icoNumber}</dd>
      </dl>

      <h2 id="subjects">Categories of people</h2>
      {list(record.subjects.map((s) => s.text))}

      <h2 id="activities">Purposes of processing</h2>
      <nav aria-label="Purposes">
        <ol>
          {record.activities.map((a) => (
            <li key={a.id}>
              <a href={`#${a.id}`}>
                {a.area}: {a.purpose}
              </a>
            </li>
          ))}
        </ol>
      </nav>
      {record.activities.map((a) => (
        <Activity key={a.id} a={a} />
      ))}

      <h2 id="processors">Processors</h2>
      <table class="admin-table">
        <thead>
          <tr>
            <th scope="col">Processor</th>
            <th scope="col">For</th>
            <th scope="col">Receives</th>
            <th scope="col">Where</th>
            <th scope="col">Safeguard</th>
          </tr>
        </thead>
        <tbody>
          {record.processors.map((p) => (
            <tr key={p.role}>
              <td>{p.name}</td>
              <td>
                {p.title}: {p.why}
              </td>
              <td>{p.receives}</td>
              <td>{p.country}</td>
              <td>{p.safeguard}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2 id="partners">Partners</h2>
      {record.partners.length === 0 ? (
        <p>No partners are declared: nothing is shared with anyone outside the shop and its processors.</p>
      ) : (
        <table class="admin-table">
          <thead>
            <tr>
              <th scope="col">Partner</th>
              <th scope="col">Would receive, only with the person’s consent</th>
              <th scope="col">Why</th>
              <th scope="col">Where</th>
              <th scope="col">Safeguard</th>
            </tr>
          </thead>
          <tbody>
            {record.partners.map((p) => (
              <tr key={p.name}>
                <td>
                  <a href={p.policyUrl}>{p.name}</a>
                </td>
                <td>{p.receives}</td>
                <td>{p.why}</td>
                <td>{p.country}</td>
                <td>{p.safeguard}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2 id="transfers">Transfers outside the United Kingdom</h2>
      {record.transfers.length === 0 ? (
        <p>None: every processor and partner in use keeps the data in the United Kingdom.</p>
      ) : (
        list(record.transfers.map((t) => `${t.to} (${t.kind}), ${t.country}: ${t.safeguard}`))
      )}

      <h2 id="retention">Retention periods</h2>
      <p>
        Each period is kept to by a scheduled job; the <a href="/admin/records/retention">retention schedule</a> shows when each runs and
        what its last run removed.
      </p>
      <table class="admin-table">
        <thead>
          <tr>
            <th scope="col">Period</th>
            <th scope="col">From</th>
            <th scope="col">Enforced by</th>
          </tr>
        </thead>
        <tbody>
          {record.retentionRules.map((r) => (
            <tr key={`${r.job ?? ''}${r.text}`}>
              <td>{r.text}</td>
              <td>{r.from}</td>
              <td>
                <code>{r.job}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2 id="security">Security measures</h2>
      <table class="admin-table">
        <thead>
          <tr>
            <th scope="col">Measure</th>
            <th scope="col">What the shop does</th>
            <th scope="col">Where in the code</th>
          </tr>
        </thead>
        <tbody>
          {record.security.map((m) => (
            <tr key={m.id}>
              <td>{m.title}</td>
              <td>{m.detail}</td>
              <td>
                {m.where.map((w, i) => (
                  <Fragment key={w}>
                    {i > 0 && ', '}
                    <code>{w}</code>
                  </Fragment>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
