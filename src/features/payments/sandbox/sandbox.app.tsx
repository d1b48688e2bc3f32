import { readFile } from 'node:fs/promises';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { type Config, SANDBOX_GATEWAY_PATH } from '../../../config.js';
import { installErrorHandling } from '../../../http/errors.js';
import { loggerOptions } from '../../../http/logging.js';
import { securityHeaders } from '../../../http/security-headers.js';
import { parseQueryString } from '../../../http/query.js';
import { serverTimeouts } from '../../../http/timeouts.js';
import { lazySchemaCompilers } from '../../../http/schema-compilers.js';
import { closeConnectionsWithUnreadBodies } from '../../../http/unread-body.js';
import { nextTurn } from '../../checkout/checkout.turns.js';
import { buildResultCrypt, parseRequestCrypt, VPS_PROTOCOL } from '../opayo.js';
import {
  type CardErrors,
  cancelledPayment,
  checkCardForm,
  decidePayment,
  type PaymentSession,
  returnUrlFor,
  SandboxSessions,
} from './sandbox.service.js';
import { CardPage } from './views/card-page.js';
import { HomePage, MessagePage } from './views/message-pages.js';
import { renderSandboxPage } from './views/sandbox-layout.js';

/**
 * The built-in imitation of Opayo's hosted payment page (Form protocol 4.00): a Fastify app of its
 * own, on its own port, so that the shop reaches it exactly as it would reach Opayo, through the
 * customer's browser. No database: requests wait in memory, card details are never kept.
 */

export interface SandboxOptions {
  /** Logs requests (method and path only) when true; off by default. */
  logger?: boolean;
  logStream?: NodeJS.WritableStream;
  /** The clock, so that tests can expire sessions and cards. */
  clock?: () => Date;
}

const OPAYO_HOST = /(^|\.)(opayo\.eu\.elavon\.com|sagepay\.com)$/i;
const CARD_PATH = '/gateway/service/card';
const CANCEL_PATH = '/gateway/service/cancel';

export async function buildSandboxApp(config: Config, options: SandboxOptions = {}): Promise<FastifyInstance> {
  // Its detailed errors tell whether a crypt decrypted: a padding oracle on the password it shares
  // with the shop. Harmless with a made-up password, never with the one registered at Opayo.
  if (config.env === 'production' && OPAYO_HOST.test(new URL(config.payments.gatewayUrl).hostname)) {
    throw new Error('The payment sandbox cannot run while the shop sends payments to Opayo: it would share the real encryption password.');
  }
  const clock = options.clock ?? (() => new Date());
  const password = config.payments.encryptionPassword;
  const shopUrl = config.publicUrl;
  const sessions = new SandboxSessions();
  const stylesheet = await readFile(new URL('./sandbox.css', import.meta.url), 'utf8');

  const app = Fastify({
    logger: options.logger ? loggerOptions(config.logLevel, options.logStream) : false,
    ...serverTimeouts(),
    schemaController: lazySchemaCompilers(),
    bodyLimit: 16 * 1024,
    return503OnClosing: true,
    frameworkErrors(_err, _request, reply) {
      return page(reply, 400, renderMessage(400, 'Please check the address', "That web address isn't valid."));
    },
  });

  securityHeaders(app, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        // Browsers apply form-action to the redirect that follows a POST, and the card form's
        // redirect goes back to the shop.
        formAction: ["'self'", new URL(shopUrl).origin],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    // The listener is plain http; an https shop's sandbox is reached through a TLS proxy
    // (config.sandbox.url), which sets HSTS for its host if it should.
    hsts: false,
  });
  app.addHook('onSend', async (_req, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=()');
  });
  closeConnectionsWithUnreadBodies(app);
  await app.register(formbody, { parser: (body) => parseQueryString(body) });

  function renderMessage(status: number, title: string, message: string): string {
    return renderSandboxPage(title, <MessagePage status={status} title={title} message={message} shopUrl={shopUrl} />);
  }
  function page(reply: FastifyReply, status: number, html: string): FastifyReply {
    return reply.code(status).type('text/html; charset=utf-8').send(html);
  }
  function refuseRequest(reply: FastifyReply, kind: 'MALFORMED' | 'INVALID', detail: string): FastifyReply {
    const title = 'This payment could not be started';
    return page(reply, 400, renderMessage(400, title, `The payment request could not be read (${kind}): ${detail}.`));
  }
  function sessionGone(reply: FastifyReply): FastifyReply {
    const title = 'This payment page has expired';
    const message =
      'The payment page has already been used, was cancelled, or was left for too long. Please return to the shop and start again.';
    return page(reply, 410, renderMessage(410, title, message));
  }
  function cardPage(
    reply: FastifyReply,
    status: number,
    id: string,
    session: PaymentSession,
    values: Record<string, string>,
    errors: CardErrors,
  ) {
    return page(
      reply,
      status,
      renderSandboxPage(
        'Card details',
        <CardPage
          session={id}
          shopName={config.shop.name}
          vendor={config.payments.vendor}
          description={session.fields.get('Description')!}
          reference={session.fields.get('VendorTxCode')!}
          amountPence={session.amountPence}
          values={{ cardholder: values.cardholder, expiry: values.expiry }}
          errors={errors}
        />,
      ),
    );
  }

  /** The browser goes back to the shop with the encrypted result, as from Opayo. */
  function sendResult(reply: FastifyReply, session: PaymentSession, result: Record<string, string>): FastifyReply {
    return reply.redirect(returnUrlFor(session, result.Status === 'OK', buildResultCrypt(result, password)), 302);
  }

  installErrorHandling(app, (reply, status, title, message) => page(reply, status, renderMessage(status, title, message)));

  app.get('/', async (_req, reply) =>
    page(
      reply,
      200,
      renderSandboxPage('About', <HomePage shopName={config.shop.name} shopUrl={shopUrl} gatewayPath={SANDBOX_GATEWAY_PATH} />),
    ),
  );

  app.get('/sandbox.css', async (_req, reply) =>
    reply.header('cache-control', 'public, max-age=3600').type('text/css; charset=utf-8').send(stylesheet),
  );

  // Each answer waits a turn of the event loop first: in one process with the shop, the shop's page views go first.
  app.post(SANDBOX_GATEWAY_PATH, async (req, reply) => {
    await nextTurn();
    const form = stringFields(req.body);
    if (form.VPSProtocol !== VPS_PROTOCOL) return refuseRequest(reply, 'INVALID', `the VPSProtocol field must be ${VPS_PROTOCOL}`);
    if (form.TxType !== 'PAYMENT')
      return refuseRequest(reply, 'INVALID', 'the TxType field must be PAYMENT, the only type the sandbox takes');
    if (form.Vendor !== config.payments.vendor) return refuseRequest(reply, 'INVALID', 'the Vendor field does not name this vendor');
    if (!form.Crypt) return refuseRequest(reply, 'MALFORMED', 'the Crypt field is missing');
    const request = parseRequestCrypt(form.Crypt, password);
    if (!request.ok) return refuseRequest(reply, 'MALFORMED', request.reason);
    if (request.fields.get('Currency') !== 'GBP') return refuseRequest(reply, 'INVALID', 'the sandbox takes payments in GBP only');
    const { id, session } = sessions.open(request.fields, request.amountPence, clock());
    return cardPage(reply, 200, id, session, {}, {});
  });

  app.post(CARD_PATH, async (req, reply) => {
    await nextTurn();
    const form = stringFields(req.body);
    const id = form.session ?? '';
    const now = clock();
    const session = sessions.get(id, now);
    if (!session) return sessionGone(reply);
    const checked = checkCardForm(form, now);
    if (!checked.ok) return cardPage(reply, 400, id, session, form, checked.errors);
    sessions.take(id, now);
    return sendResult(reply, session, decidePayment(session, checked.card));
  });

  app.post(CANCEL_PATH, async (req, reply) => {
    const session = sessions.take(stringFields(req.body).session ?? '', clock());
    if (!session) return sessionGone(reply);
    return sendResult(reply, session, cancelledPayment(session));
  });

  return app;
}

/** The single-valued text fields of a form body; repeated or missing fields are left out. */
function stringFields(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null) return {};
  return Object.fromEntries(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
