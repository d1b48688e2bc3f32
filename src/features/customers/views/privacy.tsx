import { ROLE_LABELS } from '../../staff/staff.domain.js';
import type { AccessRow } from '../../audit/audit.service.js';
import { When } from './when.js';

const ACTION_LABELS: Record<string, string> = {
  view: 'Looked at',
  change: 'Changed',
  export: 'Exported',
  delete: 'Deleted',
  create: 'Created',
};

const roleLabel = (role: string) => (ROLE_LABELS as Record<string, string | undefined>)[role] ?? 'Shop staff';

function Subject({ row }: { row: AccessRow }) {
  if (row.subject_type === 'order') return <a href={`/account/orders/${row.subject_id}`}>Order {row.subject_id}</a>;
  return <>Your account</>;
}

export function PrivacyPage({
  shopEmail,
  accesses,
  shownAtMost,
  retention,
}: {
  shopEmail: string;
  accesses: AccessRow[];
  shownAtMost: number;
  retention: string;
}) {
  const writeTo = <a href={`mailto:${shopEmail}`}>{shopEmail}</a>;
  return (
    <>
      <p class="lead">
        Your data is yours: see it, take a copy, correct it or have it deleted. Our <a href="/privacy">privacy policy</a> lists everything
        we keep, why and for how long.
      </p>
      <ul class="card-list">
        <li>
          <h2>Download my data</h2>
          <p>
            A copy of everything we hold about you — account, addresses, orders, your choices, e-mails and more — to read here or to
            download as a file you can keep or take elsewhere. Free, and at once.
          </p>
          <p>
            <a class="button" href="/account/privacy/copy">
              See and download my data
            </a>
          </p>
        </li>
        <li>
          <h2>Delete my account</h2>
          <p>
            Closes your account and deletes your details, addresses and choices. Orders are accounting records that we must keep for six
            years, so only their tax record is kept until then, without your name, contact details or addresses.
          </p>
          <p>
            <a class="button button-quiet" href="/account/privacy/delete">
              Delete my account…
            </a>
          </p>
        </li>
        <li>
          <h2>Other rights</h2>
          <p>
            Ask us to correct something, object to how we use your data, restrict it, or make a complaint:{' '}
            <a href="/privacy/rights">your privacy rights</a>. You can also write to {writeTo}.
          </p>
        </li>
      </ul>
      <section class="account-section" aria-labelledby="who-looked">
        <h2 id="who-looked">Who has looked at my data</h2>
        <p>
          Every time one of our staff opens your account or one of your orders, or changes it, our audit trail records it. Here is that
          record: the person's role and the time. Entries are kept {retention}.
        </p>
        {accesses.length === 0 ? (
          <p>
            <strong>Nobody has looked at your data.</strong>
          </p>
        ) : (
          <div class="table-scroll">
            <table class="data-table">
              <caption class="visually-hidden">Staff accesses to your data, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who (role)</th>
                  <th scope="col">What</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {accesses.map((a, i) => (
                  <tr key={i}>
                    <td>
                      <When iso={a.at} time />
                    </td>
                    <td>{roleLabel(a.actor_role)}</td>
                    <td>
                      <Subject row={a} />
                    </td>
                    <td>{ACTION_LABELS[a.action] ?? a.action}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {accesses.length >= shownAtMost && (
          <p class="form-note">
            These are the latest {shownAtMost}. For the full record, write to {writeTo}.
          </p>
        )}
      </section>
    </>
  );
}
