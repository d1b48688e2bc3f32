import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { notFound } from '../../http/errors.js';
import { parseInput, singleText } from '../../http/form-fields.js';
import { privatePage } from '../../http/render.js';
import { orderLinks } from '../orders/orders.links.js';
import { applyPaymentResult } from '../orders/orders.service.js';
import { checkoutStep, nextTurn } from '../checkout/checkout.turns.js';
import { parseResult } from './opayo.js';

// Built once: a zod object schema compiles its parser on first use.
const resultQuery = z.object({ crypt: singleText });

/**
 * The two addresses Opayo sends the customer's browser back to, with the encrypted result. The
 * result is trusted only after every check (opayo.ts reads and checks the crypt; the orders
 * service checks it against the attempt it answers); then the browser goes to the order's page,
 * which says what happened. See payments.service.ts for where the rest of paying lives.
 */
export async function paymentsRoutes(app: FastifyInstance): Promise<void> {
  const links = orderLinks(app.config);
  const { payments } = app.config;

  app.get<{ Params: { outcome: string } }>('/checkout/opayo/:outcome', checkoutStep, async (req, reply) => {
    if (req.params.outcome !== 'success' && req.params.outcome !== 'failure') throw notFound();
    await nextTurn();
    const q = parseInput(resultQuery, req.query);
    const parsed = parseResult(q.crypt ?? '', payments.encryptionPassword);
    if (!parsed.ok) {
      req.log.warn({ reason: parsed.reason }, 'payment result refused: unreadable');
      return unconfirmed(reply, null);
    }
    await nextTurn();
    const outcome = await applyPaymentResult(app.db, parsed.result, app.clock(), links.mail);
    if (outcome.kind === 'refused') {
      req.log.warn({ reason: outcome.reason, vendorTxCode: parsed.result.vendorTxCode }, 'payment result refused');
      return unconfirmed(reply, outcome.order);
    }
    if ((outcome.kind === 'paid' || outcome.kind === 'failed') && outcome.lowStock) await app.catalog.invalidate();
    if (outcome.kind === 'paid') req.log.info({ order: outcome.order.number }, 'order paid');
    const status = outcome.kind === 'paid' ? 'OK' : outcome.status;
    return reply.redirect(links.path(outcome.order.number, status === 'OK' ? '' : `&result=${status}`), 303);
  });

  function unconfirmed(reply: FastifyReply, order: { number: string; status: string } | null) {
    privatePage(reply);
    return reply.page(
      { title: 'Payment not confirmed', noindex: true },
      <section class="narrow">
        <h1>We couldn't confirm this payment</h1>
        <p class="lead">
          The payment result we received doesn't match an order waiting for it, so nothing has been changed. If you have just paid, please
          don't pay again: <a href="/contact">contact us</a>
          {order ? ` quoting order ${order.number}` : ''} and we will check it with our payment provider.
        </p>
        {order?.status === 'awaiting_payment' && (
          <p>
            <a class="button" href={links.path(order.number)}>
              Back to order {order.number}
            </a>
          </p>
        )}
      </section>,
      400,
    );
  }
}
