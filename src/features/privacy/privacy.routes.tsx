import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { notFound } from '../../http/errors.js';
import { parseInput, singleText } from '../../http/form-fields.js';
import { visitorStanding } from '../preferences/preferences.splice.js';
import { PreferencesChoice } from '../preferences/views/choice.js';
import { OBJECTION_COOKIE } from '../statistics/statistics.domain.js';
import { StatisticsAbout, StatisticsChoice } from '../statistics/views/statistics-choice.js';
import { NOTICE_COOKIE, NOTICE_COOKIE_DAYS, safeBack } from './policy.notice.js';
import { CookiesPage, PrivacyPolicy } from './views/policy-page.js';
import { ComparePage, VersionPage, VersionsPage, diffBlocks } from './views/policy-versions.js';

/** A version as the addresses name it: its 12-character fingerprint. */
const VERSION = /^[0-9a-f]{12}$/;

const unknownVersion = (v: string) =>
  notFound(
    `We have no version "${v.slice(0, 20)}" of our privacy policy. Please choose one from the list of versions at /privacy/versions.`,
  );

const compareQuery = z.object({
  from: singleText.pipe(
    z.string({ message: 'Please choose the older version to compare.' }).min(1, 'Please choose the older version to compare.'),
  ),
  to: singleText.pipe(
    z.string({ message: 'Please choose the newer version to compare.' }).min(1, 'Please choose the newer version to compare.'),
  ),
});

const dismissBody = z.object({
  version: singleText.pipe(
    z.string({ message: 'Please use the Dismiss button on the notice.' }).regex(VERSION, 'Please use the Dismiss button on the notice.'),
  ),
  back: singleText,
});

export async function privacyRoutes(app: FastifyInstance): Promise<void> {
  const privacy = app.privacy;

  app.get('/privacy', async (_req, reply) => {
    const policy = await privacy.policy(app.clock());
    // The same for everyone until the policy changes: rendered once per version (and catalogue version, for the header).
    return reply.cachedPage(
      `privacy:${policy.version}:${policy.history.length}`,
      () => ({
        title: 'Privacy Policy',
        canonicalPath: '/privacy',
        description: `How ${policy.shop.name} collects, uses and protects your personal data.`,
      }),
      () => <PrivacyPolicy policy={policy} />,
    );
  });

  app.get('/privacy/versions', async (_req, reply) => {
    const [policy, versions] = await Promise.all([privacy.policy(app.clock()), privacy.versions()]);
    return reply.page(
      {
        title: 'Privacy policy versions',
        canonicalPath: '/privacy/versions',
        description: 'Every version of our privacy policy, and what changed.',
      },
      <VersionsPage versions={versions} current={policy.version} />,
    );
  });

  app.get('/privacy/versions/compare', async (req, reply) => {
    const q = parseInput(compareQuery, req.query);
    const [policy, versions] = await Promise.all([privacy.policy(app.clock()), privacy.versions()]);
    for (const v of [q.from, q.to]) if (!VERSION.test(v) || !versions.some((h) => h.version === v)) throw unknownVersion(v);
    if (q.from === q.to) {
      return reply.page(
        { title: 'Privacy policy versions', noindex: true },
        <VersionsPage
          versions={versions}
          current={policy.version}
          error={`You chose version ${q.from} twice. Please choose two different versions to see what changed between them.`}
        />,
        400,
      );
    }
    // Two versions' texts never change, so their comparison is made once (the notice of a material
    // change sends everyone to the same one); the key also names what else the page shows.
    const marks = versions.map((v) => v.materialAt ?? '').join(',');
    const key = `policy-compare:${q.from}:${q.to}:${versions.length}:${createHash('sha256').update(marks).digest('hex').slice(0, 8)}`;
    const [textA, textB] = await Promise.all([privacy.text(q.from), privacy.text(q.to)]);
    const [listedA, listedB] = [versions.find((v) => v.version === q.from), versions.find((v) => v.version === q.to)];
    if (textA === null || !listedA) throw unknownVersion(q.from);
    if (textB === null || !listedB) throw unknownVersion(q.to);
    const [a, b] = [
      { ...listedA, text: textA },
      { ...listedB, text: textB },
    ];
    // Older to newer, whichever way round they were chosen.
    const [from, to] = a.publishedAt <= b.publishedAt ? [a, b] : [b, a];
    return reply.cachedPage(
      key,
      () => ({ title: 'What changed in our privacy policy', noindex: true }),
      () => (
        <ComparePage
          from={from}
          to={to}
          blocks={from.text === '' || to.text === '' ? null : diffBlocks(from.text, to.text)}
          versions={versions}
        />
      ),
    );
  });

  app.get('/privacy/versions/:version', async (req, reply) => {
    const { version } = req.params as { version: string };
    if (!VERSION.test(version)) throw unknownVersion(version);
    const [policy, found, versions] = await Promise.all([privacy.policy(app.clock()), privacy.version(version), privacy.versions()]);
    if (!found) throw unknownVersion(version);
    const at = versions.findIndex((h) => h.version === version);
    return reply.page(
      { title: `Privacy policy version ${version}`, canonicalPath: `/privacy/versions/${version}` },
      <VersionPage version={found} text={found.text} previous={versions[at + 1]?.version ?? null} current={policy.version} />,
    );
  });

  // The notice is in cached pages, whose forms carry no token: checked by origin, and it works with
  // cookies refused (the notice then simply comes back on the next page).
  app.post(
    '/privacy/notice/dismiss',
    { config: { csrf: 'origin', rateLimit: { max: 30, timeWindow: '1 minute' } } },
    async (req, reply) => {
      const body = parseInput(dismissBody, req.body);
      reply.setCookie(NOTICE_COOKIE, body.version, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: app.config.secureCookies,
        maxAge: NOTICE_COOKIE_DAYS * 86_400,
      });
      reply.header('cache-control', 'no-store');
      return reply.redirect(safeBack(body.back), 303);
    },
  );

  app.get('/cookies', async (req, reply) => {
    const policy = await privacy.policy(app.clock());
    const standing = visitorStanding(req);
    // The page shows this visitor's answer, so no shared cache may keep it.
    reply.header('cache-control', 'no-store');
    return reply.page(
      { title: 'Cookies', canonicalPath: '/cookies', description: `The cookies ${policy.shop.name} uses, and why.` },
      <CookiesPage
        policy={policy}
        choices={
          <>
            <PreferencesChoice answer={standing.gpc ? null : standing.answer} gpc={standing.gpc} />
            <h3 id="statistics-title">Visitor statistics</h3>
            <StatisticsAbout />
            <StatisticsChoice objected={req.cookies[OBJECTION_COOKIE] !== undefined} signalled={standing.gpc || req.headers.dnt === '1'} />
          </>
        }
      />,
    );
  });
}
