import type { FastifyInstance } from 'fastify';
import { Breadcrumbs } from '../../http/views/components.js';
import { CATEGORY_TEXT, LAWFUL_BASIS_TEXT } from './inventory.js';
import { inventories } from './inventory.registry.js';
import { type PolicyModel, PrivacyService } from './privacy.service.js';

const longDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });

export async function privacyRoutes(app: FastifyInstance): Promise<void> {
  const privacy = new PrivacyService(app.db, inventories, app.config.shop);

  app.get('/privacy', async (_req, reply) => {
    const policy = await privacy.policy(app.clock());
    return reply.page(
      {
        title: 'Privacy Policy',
        canonicalPath: '/privacy',
        description: `How ${policy.shop.name} collects, uses and protects your personal data.`,
      },
      <PrivacyPolicy policy={policy} />,
    );
  });

  app.get('/cookies', async (_req, reply) => {
    const policy = await privacy.policy(app.clock());
    return reply.page(
      { title: 'Cookies', canonicalPath: '/cookies', description: `The cookies ${policy.shop.name} uses, and why.` },
      <CookiesPage policy={policy} />,
    );
  });
}

function PolicyHeader({ policy, title }: { policy: PolicyModel; title: string }) {
  return (
    <>
      <Breadcrumbs trail={[{ href: '/', label: 'Home' }, { label: title }]} />
      <h1>{title}</h1>
      <p class="policy-version">
        Version <code>{policy.version}</code>, in force since {longDate.format(new Date(policy.publishedAt))}. This page is produced from
        the shop's own record of the data it holds, so it always describes what the shop actually does.
      </p>
    </>
  );
}

export function PrivacyPolicy({ policy }: { policy: PolicyModel }) {
  const { shop } = policy;
  const necessaryOnly = policy.cookies.every((c) => c.kind === 'strictly-necessary');
  const stored = policy.items.filter((i) => i.where === 'Our database');
  const transient = policy.items.filter((i) => i.where !== 'Our database');
  return (
    <article class="policy prose">
      <PolicyHeader policy={policy} title="Privacy Policy" />

      <section aria-labelledby="who">
        <h2 id="who">Who we are</h2>
        <p>
          {shop.name} is the controller of the personal data described here. Write to us at {shop.address}, or e-mail{' '}
          <a href={`mailto:${shop.email}`}>{shop.email}</a>. We are registered with the Information Commissioner's Office (ICO) under number{' '}
          <strong>{shop.icoNumber}</strong>.
        </p>
      </section>

      <section aria-labelledby="what">
        <h2 id="what">What we collect, why, and for how long</h2>
        <p>
          We collect only what we need for the purposes below. We will never sell your personal data, and we never collect sensitive
          ("special category") information about you.
        </p>
        <div class="table-scroll">
          <table class="data-table">
            <caption>Personal data we store</caption>
            <thead>
              <tr>
                <th scope="col">What</th>
                <th scope="col">Why</th>
                <th scope="col">Lawful basis</th>
                <th scope="col">How long we keep it</th>
                <th scope="col">Who sees it</th>
              </tr>
            </thead>
            <tbody>
              {stored.map((i) => (
                <tr key={i.label}>
                  <th scope="row">
                    {i.label}
                    <span class="tag">{CATEGORY_TEXT[i.category]}</span>
                  </th>
                  <td>{i.purpose}</td>
                  <td>{LAWFUL_BASIS_TEXT[i.lawfulBasis]}</td>
                  <td>{i.retention}</td>
                  <td>{i.recipients.join('; ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {transient.length > 0 && (
          <>
            <h3>Data we use briefly but do not store</h3>
            <ul>
              {transient.map((t) => (
                <li key={t.label}>
                  <strong>{t.label}</strong>: {t.purpose.charAt(0).toLowerCase() + t.purpose.slice(1)} ({LAWFUL_BASIS_TEXT[t.lawfulBasis]}).{' '}
                  {t.retention}.
                </li>
              ))}
            </ul>
          </>
        )}
        <p>
          Our server logs record which pages were requested and how the shop answered, but not your network address, your browser's details,
          what you typed into forms, or anything else that could identify you.
        </p>
      </section>

      <section aria-labelledby="sharing">
        <h2 id="sharing">Who we share it with</h2>
        <p>
          Only the people and organisations named in the table above. We do not pass your personal data to advertisers, data brokers or any
          other third party, and we do not transfer it outside the United Kingdom.
        </p>
      </section>

      <section aria-labelledby="cookies">
        <h2 id="cookies">Cookies</h2>
        <p>
          {necessaryOnly
            ? 'We use only cookies that are strictly necessary for the shop to work, so we do not ask for consent to them. '
            : 'We use a few cookies; those that are not strictly necessary are used only as described on our cookies page. '}
          Every cookie is listed, with its purpose and how long it lasts, on our <a href="/cookies">cookies page</a>.
        </p>
      </section>

      <section aria-labelledby="rights">
        <h2 id="rights">Your rights</h2>
        <p>
          You can exercise any of these rights free of charge by e-mailing <a href={`mailto:${shop.email}`}>{shop.email}</a>. We may ask you
          to confirm a request from the e-mail address we hold, and only that. We answer within one month of that confirmation; if a request
          is complex we may need up to two more months, and we will tell you so within the first month.
        </p>
        <ul>
          <li>
            <strong>Access</strong>: a copy of everything we hold about you, in a readable and a machine-readable form.
          </li>
          <li>
            <strong>Rectification</strong>: we correct or complete anything inaccurate.
          </li>
          <li>
            <strong>Erasure</strong>: we delete your data unless the law requires us to keep part of it (for example order records for tax,
            kept for 6 years from the end of the financial year), and we tell you what we kept and why.
          </li>
          <li>
            <strong>Restriction</strong>: we keep your data but stop using it.
          </li>
          <li>
            <strong>Objection</strong>: you can object to any use based on our legitimate interests, and to direct marketing at any time —
            we then stop at once.
          </li>
          <li>
            <strong>Portability</strong>: the data you gave us, in a machine-readable form.
          </li>
        </ul>
        <p>
          If you are unhappy with how we have handled your data, please tell us first: we acknowledge complaints within 30 days. You may
          also complain to the Information Commissioner's Office (ico.org.uk, 0303 123 1113).
        </p>
      </section>

      <section aria-labelledby="security">
        <h2 id="security">How we protect it</h2>
        <ul>
          <li>Forms are protected against forgery from other websites, and the shop loads nothing from any other website.</li>
          <li>Repeated searches and form posts from one network are slowed down to stop abuse.</li>
          <li>Personal data is kept out of our logs.</li>
          <li>Each kind of data is deleted automatically when its period above ends.</li>
        </ul>
        <p>
          No system on the internet is perfectly secure. If a breach put your rights at high risk, we would tell you without undue delay and
          report it to the ICO within 72 hours.
        </p>
      </section>

      <section aria-labelledby="changes">
        <h2 id="changes">Changes to this policy</h2>
        <p>
          When what we collect or why changes, this policy changes with it and gets a new version number and date. Earlier versions:{' '}
          {policy.history.length <= 1 ? 'none — this is the first.' : ''}
        </p>
        {policy.history.length > 1 && (
          <ul>
            {policy.history.slice(1).map((h) => (
              <li key={h.version}>
                <code>{h.version}</code>, from {longDate.format(new Date(h.publishedAt))}
              </li>
            ))}
          </ul>
        )}
      </section>
    </article>
  );
}

export function CookiesPage({ policy }: { policy: PolicyModel }) {
  const kinds: Record<string, string> = {
    'strictly-necessary': 'Strictly necessary',
    statistics: 'Statistics',
    preferences: 'Preferences',
    marketing: 'Marketing',
  };
  return (
    <article class="policy prose">
      <PolicyHeader policy={policy} title="Cookies" />
      <p>
        A cookie is a small file a website stores in your browser. The law lets us store cookies that are strictly necessary for a service
        you asked for without asking first; for anything else we must tell you and, where required, ask. This is every cookie the shop sets.
        We use no advertising or tracking cookies, and no other website sets cookies through ours.
      </p>
      <div class="table-scroll">
        <table class="data-table">
          <caption>Cookies set by {policy.shop.name}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">What it does</th>
              <th scope="col">How long it lasts</th>
            </tr>
          </thead>
          <tbody>
            {policy.cookies.map((c) => (
              <tr key={c.name}>
                <th scope="row">
                  <code>{c.name}</code>
                </th>
                <td>{kinds[c.kind]}</td>
                <td>{c.purpose}</td>
                <td>{c.duration}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Refusing cookies</h2>
      <p>
        You can set your browser to refuse or delete cookies. You can still browse and search the shop without them; only forms that need
        the security cookie above will ask you to allow it.
      </p>
    </article>
  );
}
