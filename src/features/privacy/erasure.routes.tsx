import type { FastifyInstance, FastifyReply } from 'fastify';
import { fieldText, formBodyOf } from '../../http/form-fields.js';
import type { FieldErrors } from '../../http/views/form.js';
import { tooManyAttempts } from '../customers/customers.domain.js';
import { confirmPassword, signInAddressKey } from '../customers/customers.service.js';
import { clearSessionCookie, requireCustomer } from '../customers/customers.session.js';
import { AccountLayout } from '../customers/views/account-layout.js';
import { ordersErasureWaitsFor } from '../orders/orders.service.js';
import { DELETED_TEXT, eraseSomeone, keptByInventory } from './erasure.service.js';
import { recordAccountRequest, recordErasureDone } from './requests.service.js';
import { findPerson } from './subjects.service.js';
import { DeleteAccountPage } from './views/delete-account.js';
import { AccountDeletedPage } from './views/delete-done.js';
import { backupRetentionText } from '../backups/backup.policy.js';

/**
 * Account Home's "Delete my account": the page says what goes and what is kept (from the
 * inventory) and asks for the password again; the right one records the request (received and
 * confirmed at once: the password is the identity check) and erases the person in one
 * transaction, then the visitor is signed out (their sessions are gone with the account) and told.
 */
export async function erasureRoutes(app: FastifyInstance): Promise<void> {
  const addressKey = signInAddressKey(app.config.secretKey);
  const limit = { rateLimit: { max: app.config.rateLimits.formsPer10Minutes * 2, timeWindow: '10 minutes' } };
  const customerOnly = { customer: 'signed-in' } as const;
  const title = 'Delete my account';

  const deletePage = async (reply: FastifyReply, customerId: number, errors: FieldErrors, status = 200) => {
    const person = await findPerson(app.db, { customerId });
    const openOrders = person ? await ordersErasureWaitsFor(app.db, person, app.clock()) : [];
    return reply.page(
      { title, noindex: true },
      <AccountLayout current="/account/privacy" title={title} csrf={reply.csrfToken()}>
        <DeleteAccountPage
          csrf={reply.csrfToken()}
          errors={errors}
          deleted={DELETED_TEXT}
          kept={keptByInventory()}
          openOrders={openOrders}
          backupRetention={backupRetentionText(app.config.backups.keep)}
        />
      </AccountLayout>,
      status,
    );
  };

  app.get('/account/privacy/delete', { config: customerOnly }, async (req, reply) => {
    const session = await requireCustomer(req, reply);
    if (!session) return reply;
    return deletePage(reply, session.customerId, {});
  });

  app.post('/account/privacy/delete', { config: { ...limit, ...customerOnly } }, async (req, reply) => {
    const session = await requireCustomer(req, reply);
    if (!session) return reply;
    const password = fieldText(formBodyOf(req).password);
    if (password === '') return deletePage(reply, session.customerId, { password: 'Please enter your password to confirm.' }, 400);
    if (password.length > 200)
      return deletePage(reply, session.customerId, { password: "That isn't your password. Please try again." }, 400);
    const now = app.clock();
    const checked = await confirmPassword(app.db, session.customerId, password, now, addressKey);
    if (!checked.ok && checked.reason === 'waiting') {
      return deletePage(reply, session.customerId, { password: tooManyAttempts(checked.minutes) }, 429);
    }
    if (!checked.ok) return deletePage(reply, session.customerId, { password: "That isn't your password. Please try again." }, 400);
    const person = await findPerson(app.db, { customerId: session.customerId });
    if (!person) {
      clearSessionCookie(reply, app.config);
      return reply.redirect('/account/sign-in', 303);
    }
    const request = await recordAccountRequest(
      app.db,
      { kind: 'erasure', customerId: session.customerId, email: checked.email, details: null },
      now,
    );
    const outcome = await eraseSomeone(app, person, now, { requestId: request.id, actor: { kind: 'person' } });
    await recordErasureDone(app.db, request.id, outcome, null, now);
    clearSessionCookie(reply, app.config);
    reply.header('cache-control', 'no-store');
    return reply.page(
      { title: 'Your account is deleted', noindex: true },
      <AccountDeletedPage
        kept={outcome.kept}
        waitingOrders={outcome.waitingOrders}
        reference={request.reference}
        backupRetention={backupRetentionText(app.config.backups.keep)}
      />,
    );
  });
}
