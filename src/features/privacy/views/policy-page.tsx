import { Fragment, type VNode } from 'preact';
import { Breadcrumbs } from '../../../http/views/components.js';
import { CONSENT_PURPOSES, SIGN_UP_CONFIRM_DAYS } from '../../consent/consent.inventory.js';
import { CATEGORY_TEXT, type DataCategory, LAWFUL_BASIS_TEXT } from '../inventory.js';
import { type TopicSection, policyTopics, spread, usualRetention } from '../policy.topics.js';
import type { ProcessorInUse } from '../processors.js';
import { RIGHTS_CLOCK } from '../rights.js';
import {
  MATERIAL_NOTICE_DAYS,
  type PolicyItem,
  type PolicyModel,
  type PolicyPartner,
  SPECIAL_CATEGORY_KINDS,
  specialCategoryItems,
} from '../policy.model.js';

/** "3 March 2026", in the shop's own time zone. */
export const longDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });

function PolicyHeader({ policy, title }: { policy: PolicyModel; title: string }) {
  return (
    <>
      <Breadcrumbs trail={[{ href: '/', label: 'Home' }, { label: title }]} />
      <h1>{title}</h1>
      <p class="policy-version">
        Version <code>{policy.version}</code>, in force since {longDate.format(new Date(policy.publishedAt))}. This page is produced from
        the shop's own record of the data it holds, so it always describes what the shop actually does.{' '}
        <a href="/privacy/versions">Every earlier version, and what changed</a>.
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
  // Every version but this one (two can share a publication time, so this one is not always first).
  const earlier = policy.history.filter((h) => h.version !== policy.version);
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
            <a href="#consent">How we ask for consent, and how to withdraw it</a>
          </li>
          <li>
            <a href="#sharing">Who we share it with</a>
            <ol>
              <li>
                <a href="#processors">Companies that handle it for us</a>
              </li>
              <li>
                <a href="#transfers">Outside the UK</a>
              </li>
              <li>
                <a href="#partners">Partners</a>
              </li>
            </ol>
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
          <a href={`mailto:${shop.email}`}>{shop.email}</a>. By law, we are registered with the Information Commissioner's Office (ICO),
          number <strong>{shop.icoNumber}</strong>.
        </p>
      </section>

      <section class="policy-part" id="customers-data" aria-labelledby="customers-data-heading">
        <h2 id="customers-data-heading">Your data as a customer</h2>
        <p>
          We collect only what we need for the purposes below. We will never sell your personal data. <SensitiveSentence policy={policy} />
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

      <ConsentSection policy={policy} />

      <section aria-labelledby="sharing">
        <h2 id="sharing">Who we share it with</h2>
        <p>
          Only the people and organisations named under "Who sees it" in each section above, the companies below that handle it for us, and,
          if you agree to one by name, the partners below. We do not pass it to advertisers, data brokers or anyone else.
        </p>
        <Processors processors={policy.processors} />
        <Transfers policy={policy} />
        <Partners policy={policy} />
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
          Every right below is free. Use it online where the table says so, or on our <a href="/privacy/rights">privacy rights form</a> (no
          account needed), or by e-mail to <a href={`mailto:${shop.email}`}>{shop.email}</a>, or by post to {shop.name}, {shop.address}. To
          be sure a request is yours, we send a confirmation link to the e-mail address we hold — nothing more — and our one-month clock
          starts when you use it (the link works for {RIGHTS_CLOCK.confirmationHours} hours).
        </p>
        <div class="table-scroll">
          <table class="data-table rights-table">
            <caption class="visually-hidden">Your rights, what we do, how to use them and by when</caption>
            <thead>
              <tr>
                <th scope="col">Right</th>
                <th scope="col">What we do</th>
                <th scope="col">Online, at once</th>
                <th scope="col">By when</th>
              </tr>
            </thead>
            <tbody>
              {policy.rights.map((r) => (
                <tr key={r.kind} id={`right-${r.kind}`}>
                  <th scope="row">{r.name}</th>
                  <td>{r.what}</td>
                  <td>
                    {r.online.length === 0
                      ? 'On the form, by e-mail or by post'
                      : r.online.map((o, i) => (
                          <span key={o.href}>
                            {i > 0 && '; '}
                            <a href={o.href}>{o.text}</a>
                          </span>
                        ))}
                  </td>
                  <td>{r.deadline}.</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <h3 id="erasure-keeps">What erasure keeps</h3>
        <p>
          Erasure deletes everything else in one go: your account, addresses, sessions, bag, sign-ups and alerts, the e-mails we keep, your
          enquiries, and your name in our consent records. What the law makes us keep:
        </p>
        <ul>
          {policy.keptOnErasure.map((k) => (
            <li key={k.reason}>
              <strong>{k.what.join('; ')}</strong> — {k.reason}. Kept: {k.until.charAt(0).toLowerCase() + k.until.slice(1)}.
            </li>
          ))}
        </ul>
        <p>
          {policy.processors.find((p) => p.role === 'payments')?.name ?? 'Our payment provider'}, who take card payments for us, keep their
          own record of your payment under their own privacy policy. Backups taken before an erasure are never restored without applying it
          again first, and each expires {policy.backups.retention}.
        </p>
        <p>
          If you are unhappy with how we have handled your data, please tell us first: we acknowledge complaints within{' '}
          {RIGHTS_CLOCK.complaintAcknowledgeDays} days. You may also complain to the Information Commissioner&apos;s Office (ico.org.uk,
          0303 123 1113).
        </p>
      </section>

      <section aria-labelledby="security">
        <h2 id="security">How we protect it</h2>
        <ul>
          <li>Forms are protected against forgery from other websites, and the shop loads nothing from any other website.</li>
          <li>Repeated searches and form posts from one network are slowed down to stop abuse.</li>
          <li>Personal data is kept out of our logs.</li>
          <li>Each kind of data is deleted automatically when its period above ends.</li>
          <li class="policy-staff-undertaking">
            Everyone who works for us accepts a confidentiality undertaking, which names the UK's Jewellery Retail Codes of Conduct, before
            the back office shows them any personal data.
          </li>
          <li>Each member of staff sees only what their role needs: the back office gives each role its own permissions.</li>
          <li>
            Every time a member of staff looks at a customer's data, it is recorded, and the record is shown in that customer's{' '}
            <a href="/privacy/rights">copy of their data</a>.
          </li>
          {policy.backups.configured && (
            <li class="policy-backups">
              Encrypted copies of the database (backups) are kept in a second location, in another data centre, away from the shop; each
              expires {policy.backups.retention} (we keep {policy.backups.keep}), and none is ever restored without your erasure applied
              again first.
            </li>
          )}
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
          When what we collect or why changes, this policy changes with it and gets a new version number and date. We keep every version as
          it was published: <a href="/privacy/versions">read any of them, or compare two</a>. When a change matters to you, we say so on
          every page of the shop for {MATERIAL_NOTICE_DAYS} days and e-mail everyone with an account. Earlier versions:{' '}
          {earlier.length === 0 ? 'none — this is the first.' : ''}
        </p>
        {earlier.length > 0 && (
          <ul>
            {earlier.map((h) => (
              <li key={h.version}>
                <a href={`/privacy/versions/${h.version}`}>
                  <code>{h.version}</code>
                </a>
                , from {longDate.format(new Date(h.publishedAt))}
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

/** What the inventories say about special-category ("sensitive") data: that none of it is. */
function SensitiveSentence({ policy }: { policy: PolicyModel }) {
  const sensitive = specialCategoryItems(policy.items);
  if (sensitive.length === 0)
    return (
      <>
        We collect no sensitive ("special category") data about you: nothing about your{' '}
        {listWords(SPECIAL_CATEGORY_KINDS).replace(/ and ([^,]+)$/, ', or $1')}.
      </>
    );
  return (
    <>
      We hold these sensitive ("special category") data only with your explicit consent:{' '}
      {listWords(sensitive.map((i) => lowerFirst(i.label)))}.
    </>
  );
}

/** How consent is asked, recorded and withdrawn, from the declared purposes; and the suppression list. */
function ConsentSection({ policy }: { policy: PolicyModel }) {
  const { shop } = policy;
  return (
    <section class="policy-part" id="consent" aria-labelledby="consent-heading">
      <h2 id="consent-heading">How we ask for consent, and how to withdraw it</h2>
      <p>
        We send marketing e-mail only to people who have said yes to it. We do not use the "soft opt-in" the law allows for customers:
        buying from us or opening an account never puts you on a mailing list.
      </p>
      <h3 id="consent-purposes">What we ask, and how</h3>
      <dl class="policy-facts">
        {Object.entries(CONSENT_PURPOSES).map(([key, p]) => (
          <Fragment key={key}>
            <dt>{p.name}</dt>
            <dd>
              {p.what}. How we ask: {lowerFirst(p.asked)}.
            </dd>
          </Fragment>
        ))}
      </dl>
      <p>
        Every box starts unticked. When you tick one, we record who agreed, to what, the exact words you saw, when, how, and the version of
        this policy in force, in a sealed record that cannot be changed afterwards. A sign-up on the newsletter form, or for a back-in-stock
        alert, counts only once you press Confirm on the page the e-mail we send links to, so that nobody can sign up someone else; one not
        confirmed within {SIGN_UP_CONFIRM_DAYS} days is deleted. Signing up again never tells anyone whether an address is already signed
        up.
      </p>
      <h3 id="withdraw">How to withdraw, at any time</h3>
      <ul>
        <li>
          In <a href="/account/newsletter">Account Home, on the Newsletter Subscription page</a>: un-check "General Subscription" (or any
          other box) and save.
        </li>
        <li>With the "Unsubscribe" link at the bottom of every marketing e-mail we send: no sign-in needed.</li>
        <li>With your e-mail program's own unsubscribe button: our marketing e-mails support one-click unsubscribe.</li>
        <li>
          By writing to us: e-mail <a href={`mailto:${shop.email}`}>{shop.email}</a>, or write to {shop.address}, saying what you want to
          stop. We record your request, with the date.
        </li>
      </ul>
      <p>
        Withdrawing is as easy as agreeing, and takes effect at once: we check again just before each marketing e-mail is sent, so even one
        already queued is not sent. What you agreed to earlier stays lawful, and stays in the record.
      </p>
      <h3 id="suppression">Our suppression list</h3>
      <p>
        When you withdraw, or object to our marketing, we add a keyed one-way fingerprint of your e-mail address (never the address itself)
        to our suppression list, for that kind of e-mail. Every marketing e-mail is checked against it before it is sent. The fingerprint
        names no one, and we keep it even if you ask us to erase your data: the law requires an objection to direct marketing to be honoured
        for good, and without it an old copy of your address could be sent marketing again. If you later sign up again and confirm, it is
        lifted.
      </p>
    </section>
  );
}

/** The processors in use, each by its role: who, what it receives, why, where, and the safeguard in words. */
function Processors({ processors }: { processors: ProcessorInUse[] }) {
  return (
    <>
      <h3 id="processors">Companies that handle it for us</h3>
      <p>
        These companies handle personal data on our behalf, only on our instructions and under a contract that forbids them to use it for
        anything else:
      </p>
      {processors.map((p) => (
        <section class="policy-processor" id={`processor-${p.role}`} aria-labelledby={`processor-${p.role}-heading`} key={p.role}>
          <h4 id={`processor-${p.role}-heading`}>
            {p.title}: {p.name}
          </h4>
          <dl class="policy-facts">
            <dt>What it receives</dt>
            <dd>{p.receives}</dd>
            <dt>Why</dt>
            <dd>{p.why}</dd>
            <dt>Country</dt>
            <dd>{p.country}</dd>
            <dt>Safeguard</dt>
            <dd>{p.safeguardText}</dd>
          </dl>
        </section>
      ))}
      <p>
        We keep the records of processing that the law asks of us, and say how long each kind of data is kept on our{' '}
        <a href="/privacy/retention">retention schedule</a>.
      </p>
    </>
  );
}

/** Where data goes outside the UK, to whom and under which safeguard: what the law asks us to say, not a consent we ask for. */
function Transfers({ policy }: { policy: PolicyModel }) {
  const out = policy.processors.filter((p) => p.transfer);
  const abroadPartners = policy.partners.filter((p) => !/^(united kingdom|uk)$/i.test(p.country.trim()));
  return (
    <>
      <h3 id="transfers">Outside the UK</h3>
      {out.length === 0 ? (
        <p class="policy-transfers">
          Your data stays in the UK: every company above keeps it in the United Kingdom
          {abroadPartners.length > 0
            ? ', and only a partner you agree to by name, in the country given below, would receive it elsewhere'
            : ''}
          .
        </p>
      ) : (
        <>
          <p class="policy-transfers">
            Your data leaves the UK only to these, each with the safeguard named; ask us for a copy of the safeguard (e-mail{' '}
            <a href={`mailto:${policy.shop.email}`}>{policy.shop.email}</a>):
          </p>
          <ul>
            {out.map((p) => (
              <li key={p.role}>
                {p.name} ({lowerFirst(p.title)}), in {p.country}. Safeguard: {p.safeguardText}.
              </li>
            ))}
            {abroadPartners.length > 0 && <li>A partner you agree to by name, in the country given for it below.</li>}
          </ul>
        </>
      )}
    </>
  );
}

/** The partners in use, each by name, and the rule for sharing with them. */
function Partners({ policy }: { policy: PolicyModel }) {
  const partners = policy.partners;
  return (
    <>
      <h3 id="partners">Partners</h3>
      {partners.length === 0 ? (
        <p>
          We share your details with no partner company. If that changes, each partner will be named here first, and nothing will be passed
          to it unless you agree to that partner by name.
        </p>
      ) : (
        <>
          <p>
            {partners.length === 1
              ? 'We may pass your details to this company, only if you agree to it by name:'
              : `We may pass your details to these ${partners.length} companies, to each only if you agree to it by name:`}
          </p>
          {partners.map((p) => (
            <PartnerFacts key={p.id} partner={p} />
          ))}
        </>
      )}
      <p>
        Sharing needs your consent to each named partner: its own unticked box in{' '}
        <a href="/account/newsletter">Account Home, on the Newsletter Subscription page</a>. Agreeing to one partner is not agreeing to
        another. This is stricter than asking once for consent to "carefully selected third parties", which is not specific enough for
        consent. You can withdraw at any time on the same page, and we then pass nothing more to that partner. Every time we pass your
        details on, we record what was shared, with whom and when, and Account Home shows it to you. What a partner has received, it holds
        under its own privacy policy, linked above.
      </p>
      <p>We never sell your personal data.</p>
    </>
  );
}

function PartnerFacts({ partner }: { partner: PolicyPartner }) {
  return (
    <section class="policy-partner" id={`partner-${partner.id}`} aria-labelledby={`partner-${partner.id}-heading`}>
      <h4 id={`partner-${partner.id}-heading`}>{partner.name}</h4>
      <dl class="policy-facts">
        <dt>What it would receive</dt>
        <dd>Your {partner.receives}</dd>
        <dt>Why</dt>
        <dd>{upperFirst(partner.why)}</dd>
        <dt>Country</dt>
        <dd>{partner.country}</dd>
        <dt>Its privacy policy</dt>
        <dd>
          <a href={partner.policyUrl} rel="noopener noreferrer">
            {partner.policyUrl}
          </a>
        </dd>
      </dl>
    </section>
  );
}

/** What rests on consent is what a reader most needs to see: it comes first. */
function consentFirst<G extends { lawfulBasis: string }>(groups: G[]): G[] {
  return [...groups.filter((g) => g.lawfulBasis === 'consent'), ...groups.filter((g) => g.lawfulBasis !== 'consent')];
}

/**
 * The summary names a topic's main purpose up to its first comma, and says when there are more,
 * which its section lists: the first layer stays short.
 */
function mainPurpose(purposes: string[]): string {
  const first = (purposes[0] ?? '').split(', ')[0] ?? '';
  return purposes.length > 1 ? `${first}, and more` : first;
}

/** How long a topic's data is kept, in a few words: its usual period, and what is kept longer. */
function keptFor(t: TopicSection): string | null {
  const usual = usualRetention(t);
  if (!usual) return null;
  // "…, then deleted" is said once for all of them, after the list.
  const period = lowerFirst(headline(usual.text)).replace(/,? then deleted$/, '');
  return `${period}${usual.others ? ' (some of it for less)' : ''}${usual.longer ? `; some of it for longer: ${lowerFirst(usual.longer)}` : ''}`;
}

/**
 * The first layer: who we are; for each topic, what, why and how long in one line; your rights;
 * whom to ask. Each line links to its section, which gives every detail.
 */
function PolicySummary({ policy, topics }: { policy: PolicyModel; topics: TopicSection[] }) {
  const { shop } = policy;
  const storing = topics.filter((t) => t.stored.length > 0);
  // Two topics may use the same thing (a network address): it is named once.
  const notStored = [...new Set(topics.flatMap((t) => t.transient).map((i) => lowerFirst(i.label)))];
  return (
    <section class="policy-summary" aria-labelledby="summary">
      <h2 id="summary">In short</h2>
      <dl class="summary-facts">
        <dt>Who we are, and who to contact</dt>
        <dd>
          {shop.name}, {shop.address}. Write to us there or at <a href={`mailto:${shop.email}`}>{shop.email}</a>; if unhappy with our
          answer, complain to the Information Commissioner's Office (ico.org.uk).
        </dd>
        <dt>What we collect, why, and for how long</dt>
        <dd>
          <ul>
            {storing.map((t) => {
              const items = t.stored.flatMap((g) => g.items);
              const words = [...new Set(items.map((i) => CATEGORY_WORDS[i.category]))];
              const kept = keptFor(t);
              return (
                <li key={t.id}>
                  <a href={`#${t.id}`}>{t.title}</a>: {listWords(words)} —{' '}
                  {mainPurpose([...new Set(consentFirst(t.stored).map((g) => lowerFirst(headline(g.purpose))))])}.{kept && ` Kept ${kept}.`}
                </li>
              );
            })}
          </ul>
          <p>
            Each is deleted automatically when its time is up.
            {notStored.length > 0 && ` We use but never store ${listWords(notStored)}.`} We never sell your data or collect sensitive
            ("special category") data, and e-mail marketing only to those who <a href="#consent">ask for it</a>.
          </p>
        </dd>
        <dt>Your rights</dt>
        <dd>
          A copy of your data, correction, erasure, restriction, objection (marketing stops at once): free, within a month —{' '}
          <a href="#rights">your rights</a>.
        </dd>
      </dl>
      <p class="form-note">
        If you work for us: <a href="#staff-data">data about our staff</a>.
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
                      {i.label} <span class="tag">{CATEGORY_TEXT[i.category]}</span>
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

export function CookiesPage({ policy, choices }: { policy: PolicyModel; choices?: VNode }) {
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
              <th scope="col">Category</th>
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
      <p>
        We keep nothing in your browser's other storage (local storage, session storage or similar): the cookies above are all there is. A
        cookie marked "Preferences" is set only after you say yes below, and never when your browser sends the Global Privacy Control
        signal.
      </p>
      {choices && (
        <section id="choices" aria-labelledby="choices-title">
          <h2 id="choices-title">Your choices</h2>
          <p>You can change these at any time; saying no deletes what we had set.</p>
          {choices}
        </section>
      )}
      <h2>Refusing cookies</h2>
      <p>
        You can set your browser to refuse or delete cookies. You can still browse and search the shop without them; only forms that need
        the security cookie above will ask you to allow it.
      </p>
    </article>
  );
}
