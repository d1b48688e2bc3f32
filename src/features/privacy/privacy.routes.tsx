import type { FastifyInstance } from 'fastify';
import { Breadcrumbs } from '../../http/views/components.js';
import { CATEGORY_TEXT, type DataCategory, LAWFUL_BASIS_TEXT } from './inventory.js';
import { type TopicSection, policyTopics, spread, usualRetention } from './policy.topics.js';
import type { PolicyItem, PolicyModel } from './privacy.service.js';

const longDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });

export async function privacyRoutes(app: FastifyInstance): Promise<void> {
  const privacy = app.privacy;

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

/** Plain words for the summary: what each category of data is. */
const CATEGORY_WORDS: Record<DataCategory, string> = {
  identity: 'names',
  contact: 'contact details',
  address: 'addresses',
  order: 'what you order',
  communication: 'messages',
  account: 'account and sign-in records',
  marketing: 'marketing choices',
  technical: 'technical records',
};

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The headline of a purpose or period, for the summary: what comes before its detail (a colon, a
 * bracket, a semicolon or a second sentence). "To keep your account secure: sign-in sessions…" →
 * "To keep your account secure".
 */
function headline(text: string): string {
  const cut = text.search(/: | \(|; |\. /);
  return cut > 0 ? text.slice(0, cut) : text;
}

/** "a, b and c" */
function listWords(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/**
 * The privacy notice, in layers: a short summary first, then a section per topic (customers' data
 * apart from the staff's), then the full table for those who want every detail. Every part is
 * generated from the features' inventories, so none can drift from what the shop does.
 */
export function PrivacyPolicy({ policy }: { policy: PolicyModel }) {
  const { shop } = policy;
  const topics = policyTopics(policy.items);
  const customers = topics.filter((t) => t.subject === 'customers');
  const staff = topics.filter((t) => t.subject === 'staff');
  return (
    <article class="policy prose">
      <PolicyHeader policy={policy} title="Privacy Policy" />
      <PolicySummary policy={policy} topics={customers} />

      <nav class="policy-contents" aria-label="On this page">
        <h2 class="policy-contents-title">In detail</h2>
        <ol>
          <li>
            <a href="#who">Who we are</a>
          </li>
          <li>
            <a href="#customers-data">Your data as a customer</a>
            <ol>
              {customers.map((t) => (
                <li key={t.id}>
                  <a href={`#${t.id}`}>{t.title}</a>
                </li>
              ))}
            </ol>
          </li>
          <li>
            <a href="#sharing">Who we share it with</a>
          </li>
          <li>
            <a href="#cookies">Cookies</a>
          </li>
          <li>
            <a href="#rights">Your rights</a>
          </li>
          <li>
            <a href="#security">How we protect it</a>
          </li>
          {staff.length > 0 && (
            <li>
              <a href="#staff-data">Data about our staff</a>
            </li>
          )}
          <li>
            <a href="#full-table">Everything in one table</a>
          </li>
          <li>
            <a href="#changes">Changes to this policy</a>
          </li>
        </ol>
      </nav>

      <section aria-labelledby="who">
        <h2 id="who">Who we are</h2>
        <p>
          {shop.name} is the controller of the personal data described here. Write to us at {shop.address}, or e-mail{' '}
          <a href={`mailto:${shop.email}`}>{shop.email}</a>. We are registered with the Information Commissioner's Office (ICO) under number{' '}
          <strong>{shop.icoNumber}</strong>.
        </p>
      </section>

      <section class="policy-part" id="customers-data" aria-labelledby="customers-data-heading">
        <h2 id="customers-data-heading">Your data as a customer</h2>
        <p>
          We collect only what we need for the purposes below. We will never sell your personal data, and we never collect sensitive
          ("special category") information about you.
        </p>
        {customers.map((t) => (
          <TopicDetails key={t.id} topic={t} />
        ))}
        <section aria-labelledby="logs">
          <h3 id="logs">What our logs record</h3>
          <p>
            Our server logs record which pages were requested and how the shop answered, but not your network address, your browser's
            details, what you typed into forms, or anything else that could identify you.
          </p>
        </section>
      </section>

      <section aria-labelledby="sharing">
        <h2 id="sharing">Who we share it with</h2>
        <p>
          Only the people and organisations named under "Who sees it" in each section above. We do not pass your personal data to
          advertisers, data brokers or any other third party, and we do not transfer it outside the United Kingdom.
        </p>
      </section>

      <section aria-labelledby="cookies">
        <h2 id="cookies">Cookies</h2>
        <p>
          <CookieSentence policy={policy} /> Every cookie is listed, with its purpose and how long it lasts, on our{' '}
          <a href="/cookies">cookies page</a>.
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

      {staff.length > 0 && (
        <section class="policy-part" id="staff-data" aria-labelledby="staff-data-heading">
          <h2 id="staff-data-heading">Data about our staff</h2>
          <p>
            This part is for the people who work for {shop.name}: what the back office keeps about them. Nothing here is about our
            customers, and the rights above are theirs too.
          </p>
          {staff.map((t) => (
            <TopicDetails key={t.id} topic={t} />
          ))}
        </section>
      )}

      <section aria-labelledby="full-table">
        <h2 id="full-table">Everything in one table</h2>
        <p>The same information as above, one row for each kind of personal data we store, for those who want it all in one place.</p>
        <FullTable policy={policy} topics={topics} />
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

function CookieSentence({ policy }: { policy: PolicyModel }) {
  const necessaryOnly = policy.cookies.every((c) => c.kind === 'strictly-necessary');
  return (
    <>
      {necessaryOnly
        ? 'We use only cookies that are strictly necessary for the shop to work, so we do not ask for consent to them.'
        : 'We use a few cookies; those that are not strictly necessary are used only as described on our cookies page.'}
    </>
  );
}

/** What rests on consent is what a reader most needs to see: it comes first. */
function consentFirst<G extends { lawfulBasis: string }>(groups: G[]): G[] {
  return [...groups.filter((g) => g.lawfulBasis === 'consent'), ...groups.filter((g) => g.lawfulBasis !== 'consent')];
}

/** The summary names a topic's first purposes and counts the rest, which its section lists: the first layer stays short. */
function firstPurposes(purposes: string[], shown = 1): string[] {
  if (purposes.length <= shown + 1) return purposes;
  return [...purposes.slice(0, shown), `${purposes.length - shown} more purposes, listed below`];
}

/** The first layer: a few lines on what, why, how long, your rights and whom to ask. */
function PolicySummary({ policy, topics }: { policy: PolicyModel; topics: TopicSection[] }) {
  const { shop } = policy;
  const storing = topics.filter((t) => t.stored.length > 0);
  const notStored = topics.flatMap((t) => t.transient);
  return (
    <section class="policy-summary" aria-labelledby="summary">
      <h2 id="summary">In short</h2>
      <dl class="summary-facts">
        <dt>Who we are</dt>
        <dd>
          {shop.name}, {shop.address}: we decide how your personal data is used, and answer for it.
        </dd>
        <dt>What we collect, and why</dt>
        <dd>
          <ul>
            {storing.map((t) => {
              const items = t.stored.flatMap((g) => g.items);
              const words = [...new Set(items.map((i) => CATEGORY_WORDS[i.category]))];
              return (
                <li key={t.id}>
                  <a href={`#${t.id}`}>{t.title}</a>: {listWords(words)} —{' '}
                  {listWords(firstPurposes([...new Set(consentFirst(t.stored).map((g) => lowerFirst(headline(g.purpose))))]))}.
                </li>
              );
            })}
          </ul>
          {notStored.length > 0 && (
            <p>
              We use but never store {listWords(notStored.map((i) => lowerFirst(i.label)))}. We never sell your data, and never collect
              sensitive ("special category") information.
            </p>
          )}
        </dd>
        <dt>How long we keep it</dt>
        <dd>
          <ul>
            {storing.map((t) => {
              const usual = usualRetention(t);
              return (
                usual && (
                  <li key={t.id}>
                    {t.title}: {lowerFirst(headline(usual.text))}
                    {usual.others ? ' (some of it for less)' : ''}
                    {usual.longer ? `; some of it for longer: ${lowerFirst(usual.longer)}` : ''}.
                  </li>
                )
              );
            })}
          </ul>
          <p>Each is deleted automatically when its time is up.</p>
        </dd>
        <dt>Your rights</dt>
        <dd>
          You can ask for a copy of your data, have it corrected or deleted, limit or object to its use, and take it elsewhere — free of
          charge, answered within a month. <a href="#rights">More about your rights</a>.
        </dd>
        <dt>Who to contact</dt>
        <dd>
          E-mail <a href={`mailto:${shop.email}`}>{shop.email}</a>, or write to {shop.address}. If you are unhappy with our answer, you can
          complain to the Information Commissioner's Office (ico.org.uk).
        </dd>
      </dl>
      <p class="form-note">
        The sections below give every detail. If you work for us, see <a href="#staff-data">data about our staff</a>.
      </p>
    </section>
  );
}

/** One topic in full: for each purpose, what, on which lawful basis, how long and who sees it. */
function TopicDetails({ topic }: { topic: TopicSection }) {
  const headingId = `${topic.id}-heading`;
  return (
    <section class="policy-topic" id={topic.id} aria-labelledby={headingId}>
      <h3 id={headingId}>{topic.title}</h3>
      {topic.stored.map((g) => (
        <div class="policy-purpose" key={g.purpose}>
          <h4>{g.purpose}</h4>
          <dl class="policy-facts">
            <dt>What we keep</dt>
            <dd>
              <ul class="inline-list">
                {g.items.map((i) => (
                  <li key={i.label}>{i.label}</li>
                ))}
              </ul>
            </dd>
            <dt>Lawful basis</dt>
            <dd>{upperFirst(LAWFUL_BASIS_TEXT[g.lawfulBasis])}</dd>
            <dt>How long</dt>
            <dd>
              <Spread entries={spread(g.items, (i) => [i.retention])} />
            </dd>
            <dt>Who sees it</dt>
            <dd>
              <Spread entries={spread(g.items, (i) => i.recipients)} />
            </dd>
          </dl>
        </div>
      ))}
      {topic.transient.map((t) => (
        <div class="policy-purpose" key={t.label}>
          <h4>
            {t.label} <span class="policy-only">(used, never stored)</span>
          </h4>
          <p>
            {t.purpose}. Lawful basis: {LAWFUL_BASIS_TEXT[t.lawfulBasis]}. How long: {t.retention}.
          </p>
        </div>
      ))}
    </section>
  );
}

/** Values that hold for all of a purpose's items plainly; the rest with the items they are for. */
function Spread({ entries }: { entries: { value: string; only: PolicyItem[] | null }[] }) {
  if (entries.length === 1 && entries[0]?.only === null) return <>{entries[0].value}</>;
  return (
    <ul>
      {entries.map((e) => (
        <li key={e.value}>
          {e.value}
          {e.only && <span class="policy-only"> — for {listWords(e.only.map((i) => lowerFirst(i.label)))}</span>}
        </li>
      ))}
    </ul>
  );
}

/** Every stored item in one table, customers' rows apart from staff rows; folded away by default. */
function FullTable({ policy, topics }: { policy: PolicyModel; topics: TopicSection[] }) {
  const stored = policy.items.filter((i) => i.where === 'Our database');
  const groups: { title: string; items: PolicyItem[] }[] = [
    { title: "Customers' data", items: topics.filter((t) => t.subject === 'customers').flatMap((t) => t.stored.flatMap((g) => g.items)) },
    { title: 'Staff data', items: topics.filter((t) => t.subject === 'staff').flatMap((t) => t.stored.flatMap((g) => g.items)) },
  ];
  return (
    <details class="policy-full-table">
      <summary>Show the full table ({stored.length} kinds of personal data)</summary>
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
          {groups
            .filter((g) => g.items.length > 0)
            .map((g) => (
              <tbody key={g.title}>
                <tr>
                  <th scope="colgroup" colSpan={5} class="table-group">
                    {g.title}
                  </th>
                </tr>
                {g.items.map((i) => (
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
            ))}
        </table>
      </div>
    </details>
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
