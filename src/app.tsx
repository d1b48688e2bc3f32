import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, LogController } from 'fastify';
import type { VNode } from 'preact';
import type { CatalogueRelay } from './cluster.js';
import type { Config } from './config.js';
import { type DatabaseHandle, type Db, type Dialect, openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { announce, listen } from './db/notify.js';

const CATALOGUE_CHANNEL = 'assay_catalogue';
import { catalogRoutes } from './features/catalog/catalog.routes.js';
import { customerAuthRoutes } from './features/customers/customers.routes.js';
import { accountRoutes } from './features/customers/account.routes.js';
import { installCustomerSessions } from './features/customers/customers.session.js';
import { bagRoutes, installBagCount } from './features/bag/bag.routes.js';
import { checkoutRoutes } from './features/checkout/checkout.routes.js';
import { ordersRoutes } from './features/orders/orders.routes.js';
import { paymentsRoutes } from './features/payments/payments.routes.js';
import { auditRoutes } from './features/audit/audit.admin.js';
import { backupsAdminRoutes } from './features/backups/backups.admin.js';
import { backofficePlugin } from './features/backoffice/backoffice.plugin.js';
import { breachesAdminRoutes } from './features/breaches/breaches.admin.js';
import { handoverAdminRoutes } from './features/handover/handover.admin.js';
import { policyAdminRoutes } from './features/privacy/policy.admin.js';
import { recordsAdminRoutes } from './features/privacy/records.admin.js';
import { retentionRoutes } from './features/privacy/retention.routes.js';
import { dashboardRoutes } from './features/backoffice/dashboard.admin.js';
import { catalogAdminRoutes } from './features/catalog/catalog.admin.js';
import { CatalogService } from './features/catalog/catalog.service.js';
import { contactAdminRoutes } from './features/contact/contact.admin.js';
import { campaignsAdminRoutes } from './features/campaigns/campaigns.admin.js';
import { ordersAdminRoutes } from './features/orders/orders.admin.js';
import { partnersAdminRoutes } from './features/partners/partners.admin.js';
import { staffRoutes } from './features/staff/staff.routes.js';
import { seedDemoCatalogue } from './features/catalog/demo/seed.js';
import { contactRoutes } from './features/contact/contact.routes.js';
import { createMailer, type Mailer } from './features/mail/mailer.js';
import { pagesRoutes } from './features/pages/pages.routes.js';
import { privacyRoutes } from './features/privacy/privacy.routes.js';
import { copyRoutes } from './features/privacy/copy.routes.js';
import { erasureRoutes } from './features/privacy/erasure.routes.js';
import { privacyRequestRoutes } from './features/privacy/requests.routes.js';
import { privacyRequestsAdminRoutes } from './features/privacy/requests.admin.js';
import { rectificationAdminRoutes } from './features/privacy/rectification.admin.js';
import { importTicksFromBeforeTheLedger, keyConsentLedger } from './features/consent/consent.service.js';
import { consentRoutes } from './features/consent/consent.routes.js';
import { alertsRoutes } from './features/alerts/alerts.routes.js';
import { feedbackRoutes } from './features/feedback/feedback.routes.js';
import { feedbackAdminRoutes } from './features/feedback/feedback.admin.js';
import { personalisePage } from './features/preferences/preferences.splice.js';
import { preferencesRoutes } from './features/preferences/preferences.routes.js';
import { sharedRateLimitStore } from './features/security/rate-limit.store.js';
import { installStatistics } from './features/statistics/statistics.plugin.js';
import { statisticsAdminRoutes } from './features/statistics/statistics.admin.js';
import { accountEmails } from './features/customers/customers.service.js';
import { inventories } from './features/privacy/inventory.registry.js';
import { PrivacyService } from './features/privacy/privacy.service.js';
import { installPolicyNotice } from './features/privacy/policy.notice.js';
import { processorsInUse } from './features/privacy/processors.js';
import { installCardGuard } from './http/card-guard.js';
import { installErrorHandling } from './http/errors.js';
import { installCloseSteps, installHealth } from './http/health.js';
import { logRequests, loggerOptions, requestLineLogger, standardOutput } from './http/logging.js';
import { parseQueryString } from './http/query.js';
import { sameOriginOnly } from './http/same-origin.js';
import { serverTimeouts } from './http/timeouts.js';
import { lazySchemaCompilers } from './http/schema-compilers.js';
import { closeConnectionsWithUnreadBodies } from './http/unread-body.js';
import { renderDocument, sendHtml } from './http/render.js';
import { securityHeaders } from './http/security-headers.js';
import { ErrorPage } from './http/views/error-page.js';
import type { Chrome, PageMeta } from './http/views/layout.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Db;
    dialect: Dialect;
    clock: () => Date;
    catalog: CatalogService;
    mailer: Mailer;
    /** The published privacy policy, generated from the inventories; its version is recorded with every consent. */
    privacy: PrivacyService;
    chrome(): Chrome;
    /** Every route, as registered: for tests that walk them all. */
    routeTable: {
      method: string;
      url: string;
      csrf: 'token' | 'origin' | false;
      access?: string;
      stages?: string[];
      customer?: 'signed-in';
    }[];
  }
  interface FastifyReply {
    page(meta: PageMeta, body: VNode, status?: number): FastifyReply;
    /**
     * A catalogue page rendered once per catalogue version and key, then served from memory.
     * The key must be built from validated input only, and the page must hold nothing per visitor.
     */
    cachedPage(key: string, meta: () => PageMeta, body: () => VNode): Promise<FastifyReply>;
    /** This response's CSRF token: made once, however many forms the page has. */
    csrfToken(): string;
  }
  interface FastifyContextConfig {
    /**
     * State-changing routes are CSRF-checked with a token tied to a cookie. 'origin' is for forms
     * that must work with cookies refused (the bag and checkout): the post must come from our own
     * pages, by the browser's Origin and Sec-Fetch-Site headers. false opts out, with a reason.
     */
    csrf?: false | 'origin';
  }
}

export interface AppOptions {
  /** An open database; when omitted the app opens the one in the configuration and closes it on shutdown. */
  database?: DatabaseHandle;
  /** The clock, so that tests can move time. */
  clock?: () => Date;
  /** Overrides the logger (tests pass false). */
  logger?: boolean;
  /** Where logs go (standard output by default); tests read them back. */
  logStream?: NodeJS.WritableStream;
  /**
   * How catalogue changes reach the other processes on SQLite, which has no LISTEN/NOTIFY: the
   * cluster's primary relays them between its workers (src/cluster.ts). PostgreSQL ignores it.
   */
  catalogueRelay?: CatalogueRelay;
}

const here = fileURLToPath(new URL('.', import.meta.url));
export const assetsDir = join(here, 'http', 'assets');

export async function buildApp(config: Config, options: AppOptions = {}): Promise<FastifyInstance> {
  // An idle connection the server ended is reported here, not thrown: the pool reconnects when next asked.
  const handle =
    options.database ??
    openDatabase(config.database, {
      onConnectionLost: (err) => app.log.warn({ code: connectionErrorCode(err) }, 'database connection lost'),
    });
  // Pretty lines for a person at a terminal in development; otherwise JSON lines to LOG_FILE
  // (appended) or standard output.
  const pretty = config.env === 'development' && process.stdout.isTTY === true;
  const logStream =
    options.logger === false
      ? undefined
      : (options.logStream ??
        (config.logFile ? createWriteStream(config.logFile, { flags: 'a', mode: 0o600 }) : pretty ? undefined : standardOutput()));
  const app: FastifyInstance = Fastify({
    logger: options.logger === false ? false : loggerOptions(config.logLevel, logStream, pretty),
    // One line per request instead (logRequests, src/http/logging.ts).
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: config.trustProxy,
    ...serverTimeouts(),
    schemaController: lazySchemaCompilers(),
    bodyLimit: 64 * 1024,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200, querystringParser: parseQueryString },
    return503OnClosing: true,
    frameworkErrors(err, request, reply) {
      request.log.info({ code: err.code }, 'malformed request');
      return renderErrorPage(
        app,
        reply,
        400,
        'Please check the address',
        "That web address isn't valid. Please check it, or start again from the home page.",
      );
    },
  });

  logRequests(app, options.logger !== false && logStream ? requestLineLogger(config.logLevel, logStream) : null);
  app.decorate('config', config);
  app.decorate('db', handle.db);
  app.decorate('dialect', handle.dialect);
  app.decorate('clock', options.clock ?? (() => new Date()));
  app.decorate('mailer', createMailer(config));
  if (!options.database) app.addHook('onClose', async () => handle.close());
  app.addHook('onClose', async () => app.mailer.close());

  await migrateToLatest(handle.db);
  // The consent ledger's keys, and the outbox's consent check for marketing e-mail; then the
  // General Subscription ticks from before the ledger are written into it, once.
  keyConsentLedger(handle.db, config.secretKey, config.publicUrl);
  await importTicksFromBeforeTheLedger(handle.db, (ids) => accountEmails(handle.db, ids));
  app.decorate(
    'privacy',
    new PrivacyService(
      handle.db,
      inventories,
      config.shop,
      { configured: config.backups.repository !== null, keep: config.backups.keep },
      processorsInUse(config),
    ),
  );
  if (config.seedDemo && (await seedDemoCatalogue(handle.db, app.clock()))) {
    app.log.info('The database was empty, so the demo catalogue has been added (SEED_DEMO=false to start empty).');
  }

  const catalog = new CatalogService(handle.db);
  await catalog.warm();
  app.decorate('catalog', catalog);
  if (config.database.dialect === 'postgres') {
    const instanceId = randomUUID();
    catalog.announceChange = () => announce(handle.db, CATALOGUE_CHANNEL, instanceId);
    const listener = await listen(
      config.database.url,
      CATALOGUE_CHANNEL,
      instanceId,
      () => void catalog.invalidate({ announce: false }).catch((err) => app.log.error({ err }, 'cache refresh failed')),
      (err) => app.log.warn({ err }, 'catalogue change listener lost its connection; reconnecting'),
    );
    app.addHook('onClose', () => listener.close());
  } else if (options.catalogueRelay) {
    const relay = options.catalogueRelay;
    catalog.announceChange = async () => relay.announce();
    const unsubscribe = relay.subscribe(
      () => void catalog.invalidate({ announce: false }).catch((err) => app.log.error({ err }, 'cache refresh failed')),
    );
    app.addHook('onClose', async () => unsubscribe());
  }
  app.decorate('chrome', () => ({ shopName: config.shop.name, publicUrl: config.publicUrl, categories: catalog.navCategories() }));
  app.decorateReply('page', function (this: FastifyReply, meta: PageMeta, body: VNode, status = 200) {
    return sendHtml(this, renderDocument(app.chrome(), meta, body), status);
  });
  app.decorateReply('cachedPage', async function (this: FastifyReply, key: string, meta: () => PageMeta, body: () => VNode) {
    // Kept as encoded bytes, so a hit costs no rendering and no re-encoding. Nothing in a cached
    // page is per visitor (its forms need no token), so browsing sets no cookie.
    const bytes = await catalog.memo(`page:${key}`, async () => Buffer.from(renderDocument(app.chrome(), meta(), body()), 'utf8'));
    return this.code(200)
      .type('text/html; charset=utf-8')
      .send(await personalisePage(this.request, this, key, bytes));
  });

  securityHeaders(app, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        // The order page posts the crypt to Opayo's hosted page (or the built-in sandbox): exactly
        // that address, as the browser will send it (config.payments.gatewayUrl is already upgraded).
        formAction: ["'self'", cspSource(config.payments.gatewayUrl)],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
        ...(config.secureCookies ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    referrerPolicy: { policy: 'same-origin' },
    hsts: config.secureCookies ? { maxAge: 31536000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onSend', async (_req, reply) => {
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=(), browsing-topics=(), interest-cohort=()');
  });
  closeConnectionsWithUnreadBodies(app);

  await app.register(cookie);
  await app.register(csrf, {
    cookieKey: 'assay_csrf',
    cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, secure: config.secureCookies },
    getToken: (req) => (req.body as Record<string, string> | undefined)?._csrf,
  });
  const tokens = new WeakMap<FastifyReply, string>();
  app.decorateReply('csrfToken', function (this: FastifyReply) {
    let token = tokens.get(this);
    if (!token) {
      token = this.generateCsrf();
      tokens.set(this, token);
    }
    return token;
  });
  await app.register(formbody, { parser: (body) => parseQueryString(body) });
  await app.register(rateLimit, {
    global: false,
    // Counted in the database, so every process of the shop shares one count per network.
    store: sharedRateLimitStore(app),
    errorResponseBuilder: (_req, ctx) => {
      const err = new Error('rate limited') as Error & { statusCode: number; headers: Record<string, string> };
      err.statusCode = ctx.statusCode;
      err.headers = { 'retry-after': String(Math.ceil(ctx.ttl / 1000)) };
      return err;
    },
  });
  installCardGuard(app);
  await installStatistics(app);
  // Every state-changing route is CSRF-checked unless its config says csrf: false.
  const routeTable: FastifyInstance['routeTable'] = [];
  app.decorate('routeTable', routeTable);
  const checkSameOrigin = sameOriginOnly(config.publicUrl);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const changes = methods.some((m) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(m));
    const mode = !changes ? false : route.config?.csrf === 'origin' ? 'origin' : route.config?.csrf === false ? false : 'token';
    for (const method of methods) {
      routeTable.push({
        method,
        url: route.url,
        csrf: mode,
        access: route.config?.access,
        stages: route.config?.stages,
        customer: route.config?.customer,
      });
    }
    if (!mode) return;
    const existing = route.preHandler ? (Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler]) : [];
    route.preHandler = [mode === 'origin' ? checkSameOrigin : app.csrfProtection, ...existing];
  });

  await app.register(fastifyStatic, {
    root: assetsDir,
    prefix: '/assets/',
    maxAge: '1d',
    index: false,
  });
  await app.register(fastifyStatic, {
    root: [fontDir('@fontsource/cormorant-garamond'), fontDir('@fontsource/inter')],
    prefix: '/assets/fonts/',
    decorateReply: false,
    immutable: true,
    maxAge: '365d',
    allowedPath: (path) => /-latin-(400|500|600)-(normal|italic)\.woff2$/.test(path),
  });

  installErrorHandling(app, (reply, status, title, message) => renderErrorPage(app, reply, status, title, message));

  installHealth(app);

  // The back office: its own scope, so its session and permission checks apply to /admin only.
  await app.register(async (admin) => {
    await backofficePlugin(admin);
    await admin.register(staffRoutes);
    await admin.register(dashboardRoutes);
    await admin.register(auditRoutes);
    await admin.register(contactAdminRoutes);
    await admin.register(feedbackAdminRoutes);
    await admin.register(campaignsAdminRoutes);
    await admin.register(ordersAdminRoutes);
    await admin.register(partnersAdminRoutes);
    await admin.register(statisticsAdminRoutes);
    await admin.register(privacyRequestsAdminRoutes);
    await admin.register(rectificationAdminRoutes);
    await admin.register(catalogAdminRoutes);
    await admin.register(backupsAdminRoutes);
    await admin.register(policyAdminRoutes);
    await admin.register(recordsAdminRoutes);
    await admin.register(breachesAdminRoutes);
    await admin.register(handoverAdminRoutes);
  });
  installCustomerSessions(app);
  installBagCount(app);
  installPolicyNotice(app);
  await app.register(customerAuthRoutes);
  await app.register(accountRoutes);
  await app.register(catalogRoutes);
  await app.register(bagRoutes);
  await app.register(checkoutRoutes);
  await app.register(ordersRoutes);
  await app.register(paymentsRoutes);
  await app.register(pagesRoutes);
  await app.register(contactRoutes);
  await app.register(privacyRoutes);
  await app.register(retentionRoutes);
  await app.register(privacyRequestRoutes);
  await app.register(copyRoutes);
  await app.register(erasureRoutes);
  await app.register(consentRoutes);
  await app.register(alertsRoutes);
  await app.register(feedbackRoutes);
  await app.register(preferencesRoutes);
  installCloseSteps(app);
  return app;
}

/**
 * A URL as a CSP source matching it exactly: scheme, host, port and path (a path not ending in
 * "/" matches only itself; browsers ignore the path after a redirect, so the gateway may still
 * redirect within its own host). ";" and "," would end the directive, so they are escaped.
 */
function cspSource(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname.replace(/;/g, '%3B').replace(/,/g, '%2C')}`;
}

/** An error's code (ECONNRESET, 57P01…): it names the failure, never data. */
export function connectionErrorCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

function fontDir(pkg: string): string {
  return join(here, '..', 'node_modules', pkg, 'files');
}

function renderErrorPage(app: FastifyInstance, reply: FastifyReply, status: number, title: string, message: string) {
  const chrome: Chrome = app.hasDecorator('chrome')
    ? app.chrome()
    : { shopName: app.config.shop.name, publicUrl: app.config.publicUrl, categories: [] };
  reply.header('cache-control', 'no-store');
  return sendHtml(
    reply,
    renderDocument(chrome, { title, noindex: true }, <ErrorPage status={status} title={title} message={message} />),
    status,
  );
}
