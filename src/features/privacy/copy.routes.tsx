import type { FastifyInstance } from 'fastify';
import { requireCustomer } from '../customers/customers.session.js';
import { AccountLayout } from '../customers/views/account-layout.js';
import { copyDay, customerCopy, zipOfCopy } from './copy.service.js';
import { findPerson } from './subjects.service.js';
import { CopyDocument } from './views/copy-page.js';

const TITLE = 'Your data';

/**
 * Account Home's "Download my data": the readable copy and the zip, free and at once, for the
 * signed-in customer only (anyone else is sent to sign in). Each is recorded in the audit trail;
 * the copy itself is never logged. Both read the whole account, so they are limited per network.
 */
export async function copyRoutes(app: FastifyInstance): Promise<void> {
  const customerOnly = { customer: 'signed-in' } as const;
  const perPage = { rateLimit: { max: app.config.rateLimits.formsPer10Minutes * 2, timeWindow: '10 minutes' } };
  const perZip = { rateLimit: { max: app.config.rateLimits.formsPer10Minutes, timeWindow: '10 minutes' } };

  /** The signed-in customer as a person, or null once the reply is a redirect to sign in. */
  async function signedInPerson(req: Parameters<typeof requireCustomer>[0], reply: Parameters<typeof requireCustomer>[1]) {
    const session = await requireCustomer(req, reply);
    if (!session) return null;
    const person = await findPerson(app.db, { customerId: session.customerId });
    if (!person) {
      await reply.redirect('/account/sign-in', 303);
      return null;
    }
    return { customerId: session.customerId, person };
  }

  app.get('/account/privacy/copy', { config: { ...perPage, ...customerOnly } }, async (req, reply) => {
    const me = await signedInPerson(req, reply);
    if (!me) return reply;
    const copy = await customerCopy(app.db, me.customerId, me.person, 'page', app.clock());
    return reply.page(
      { title: TITLE, noindex: true },
      <AccountLayout current="/account/privacy" title={TITLE} csrf={reply.csrfToken()}>
        <CopyDocument copy={copy} zipHref="/account/privacy/copy.zip" />
      </AccountLayout>,
    );
  });

  app.get('/account/privacy/copy.zip', { config: { ...perZip, ...customerOnly } }, async (req, reply) => {
    const me = await signedInPerson(req, reply);
    if (!me) return reply;
    const copy = await customerCopy(app.db, me.customerId, me.person, 'zip', app.clock());
    const zip = await zipOfCopy(copy, app.config.shop.name);
    return reply
      .header('content-type', 'application/zip')
      .header('content-disposition', `attachment; filename="assay-my-data-${copyDay(copy)}.zip"`)
      .header('cache-control', 'no-store')
      .send(zip);
  });
}
