import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type FormBody as Body, fieldText as text, formBodyOf as bodyOf, singleTextOrBlank as single } from '../../http/form-fields.js';
import { listPageCount, listPageNumber, listPageRows, listSearchText } from '../../http/query.js';
import { notFound } from '../../http/errors.js';
import { deriveKey, hmacHex } from '../../shared/crypto.js';
import { formatPence, parsePounds } from '../../shared/money.js';
import { type AuditEntry, entryBy, recordAudit } from '../audit/audit.service.js';
import { actorOf } from '../backoffice/backoffice.plugin.js';
import { type FieldErrors, fieldErrors } from '../../http/views/form.js';
import { type Permission, can } from '../staff/staff.domain.js';
import { type AdminOrderDetail, listOrdersToReconcile, listPaidStockShortOrders } from './orders.admin.repository.js';
import { ORDER_STATUSES, RECONCILE_AFTER_MINUTES, isOrderNumber } from './orders.domain.js';
import { orderLinks } from './orders.links.js';
import { type OrderRow, findOrderByNumber } from './orders.repository.js';
import {
  type StaffActionResult,
  type RecordChange,
  cancelOrder,
  dispatchOrder,
  findOrdersForStaff,
  markDelivered,
  openOrderForStaff,
  recordPaymentFoundInMyOpayo,
  recordRefund,
} from './orders.service.js';
import { type OrderAction, type OrderFormState, OrderPage, type OrderScope, fieldsShown } from './views/admin-order.js';
import {
  DISPATCH_STATUSES,
  type OrderListKind,
  OrderListPage,
  type OrderListQuery,
  ReconcilePage,
  type SearchBy,
} from './views/admin-orders.js';

/**
 * The back office's orders. Two doors, each guarded by one permission:
 *  - /admin/orders (orders.view): customer service's list and the full order, customer details included;
 *  - /admin/dispatch (orders.fulfil): the packing list and a packing view with the delivery name and
 *    address only, never the e-mail, phone or billing address.
 * Cancelling, refunds and reconciliation need orders.manage.
 *
 * What is recorded in the audit trail: the lists show no customer details (number, dates, status,
 * item count, total, delivery method), so browsing them is not recorded. A search by e-mail address
 * or surname tells the searcher which orders are that person's, so it is recorded as a 'view' — the
 * query itself is kept only as a keyed hash, so the audit trail does not become a list of e-mail
 * addresses, while the shop can still answer "who looked this person up?". Opening an order is
 * recorded with the fields shown, in the transaction that reads it. Each staff action is recorded
 * as a 'change' inside the service's own transaction, with the order's history and e-mail.
 */

const date = single.pipe(
  z
    .string()
    .trim()
    .refine((s) => s === '' || (/^\d{4}-\d{2}-\d{2}$/.test(s) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s)), {
      message: 'Dates should look like 2026-11-23.',
    }),
);

const listQuerySchema = z.object({
  q: listSearchText,
  by: single.pipe(
    z
      .enum(['', 'number', 'email', 'surname'], { message: 'Please search by order number, e-mail address or surname.' })
      .transform((b): SearchBy => b || 'number'),
  ),
  status: single.pipe(z.enum(['', ...ORDER_STATUSES], { message: 'Please choose a status from the list.' })),
  from: date,
  to: date,
  page: listPageNumber,
});

const ORDER_NUMBER_HELP = 'An order number looks like AS-7K3M9Q. Please enter it, or its first few characters.';

/**
 * "as-7k3m", "7K3M", "AS7K3M9Q" → "AS-7K3M". Order numbers use Crockford's alphabet, so letters
 * misread from a phone call or handwriting (O for 0, I or L for 1) are read as meant.
 */
function orderNumberPrefix(input: string): string | null {
  let s = input.toUpperCase().replace(/\s+/g, '');
  if (s.startsWith('AS-')) s = s.slice(3);
  else if (/^AS[0-9A-Z]{6}$/.test(s)) s = s.slice(2);
  s = s.replace(/O/g, '0').replace(/[IL]/g, '1');
  return /^[0-9A-HJKMNP-TV-Z]{1,6}$/.test(s) ? `AS-${s}` : null;
}

const TRACKING = /^[A-Z0-9]{8,30}$/;
const VPS_TX_ID = /^\{?([0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12})\}?$/;
const MAX_NOTE = 200;

const DONE: Record<string, string> = {
  dispatched: 'Marked dispatched. The customer has been e-mailed the tracking number.',
  delivered: 'Marked delivered.',
  cancelled: 'Order cancelled. Its stock is back on sale and the customer has been e-mailed.',
  refund: 'Refund recorded.',
  paid: 'Payment recorded. The order is paid and the customer has been sent their confirmation.',
};

export async function ordersAdminRoutes(app: FastifyInstance): Promise<void> {
  const mail = orderLinks(app.config).mail;
  const searchKey = deriveKey(app.config.secretKey, 'audit-order-search');
  const roleCan = (req: FastifyRequest, p: Permission) => req.staffSession !== null && can(req.staffSession.staff.role, p);
  const audit = (req: FastifyRequest, entry: Omit<AuditEntry, 'actor' | 'network'>): AuditEntry => entryBy(actorOf(req), entry);

  // ---- Lists -------------------------------------------------------------------------------

  async function listPage(req: FastifyRequest, reply: FastifyReply, kind: OrderListKind) {
    const raw = req.query as Record<string, unknown>;
    const typed: OrderListQuery = {
      q: text(raw.q).slice(0, 100),
      by: kind === 'orders' && (text(raw.by) === 'email' || text(raw.by) === 'surname') ? (text(raw.by) as SearchBy) : 'number',
      status: text(raw.status).slice(0, 20),
      from: text(raw.from).slice(0, 10),
      to: text(raw.to).slice(0, 10),
      page: 1,
    };
    const meta = { title: kind === 'orders' ? 'Orders' : 'Dispatch', section: kind, csrfToken: reply.csrfToken() };
    const refuse = (message: string) =>
      reply.adminPage(meta, <OrderListPage kind={kind} query={typed} rows={[]} total={0} pages={1} error={message} />, 400);

    const parsed = listQuerySchema.safeParse(raw ?? {});
    if (!parsed.success) return refuse(parsed.error.issues[0]?.message ?? 'Please check the search.');
    const q = parsed.data;
    if (kind === 'dispatch' && q.by !== 'number') return refuse('The dispatch list can be searched by order number only.');
    if (kind === 'dispatch' && q.status !== '' && !(DISPATCH_STATUSES as readonly string[]).includes(q.status)) {
      return refuse('Please choose a status from the list.');
    }

    let numberPrefix: string | undefined;
    let person: { email?: string; surname?: string } = {};
    if (q.q !== '') {
      if (q.by === 'number') {
        const prefix = orderNumberPrefix(q.q);
        if (!prefix) return refuse(ORDER_NUMBER_HELP);
        numberPrefix = prefix;
      } else if (q.by === 'email') {
        if (!/^[^\s@]+@[^\s@]+$/.test(q.q)) return refuse("Please enter the customer's whole e-mail address, such as name@example.co.uk.");
        person = { email: q.q };
      } else {
        person = { surname: q.q };
      }
    }
    let [from, to] = [q.from, q.to];
    if (from && to && from > to) [from, to] = [to, from];
    const query: OrderListQuery = { q: q.q, by: q.by, status: q.status, from, to, page: q.page };
    const statuses = kind === 'orders' ? (q.status ? [q.status] : undefined) : [q.status || 'paid'];
    const filter = {
      numberPrefix,
      ...person,
      statuses,
      from: from ? `${from}T00:00:00.000Z` : undefined,
      before: to ? new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString() : undefined,
      sort: kind === 'dispatch' && statuses?.[0] === 'paid' ? ('oldest-paid' as const) : ('newest' as const),
      ...listPageRows(q.page),
    };

    const searchedBy = person.email !== undefined ? 'email' : person.surname !== undefined ? 'surname' : null;
    const lookup = searchedBy
      ? audit(req, {
          action: 'view',
          subject: { type: 'order_search', id: hmacHex(searchKey, `${searchedBy}:${q.q.toLowerCase()}`).slice(0, 32) },
          fields: [searchedBy],
        })
      : null;
    const { rows, total } = await findOrdersForStaff(app.db, filter, lookup, app.clock());
    const pages = listPageCount(total, q.page);
    return reply.adminPage(meta, <OrderListPage kind={kind} query={query} rows={rows} total={total} pages={pages} />);
  }

  app.get('/admin/orders', { config: { access: 'orders.view' } }, (req, reply) => listPage(req, reply, 'orders'));
  app.get('/admin/dispatch', { config: { access: 'orders.fulfil' } }, (req, reply) => listPage(req, reply, 'dispatch'));

  // ---- Reconciliation ----------------------------------------------------------------------

  app.get('/admin/orders/reconcile', { config: { access: 'orders.manage' } }, async (req, reply) => {
    const now = app.clock();
    const cutoff = new Date(now.getTime() - RECONCILE_AFTER_MINUTES * 60_000).toISOString();
    const [rows, stockShort] = await Promise.all([listOrdersToReconcile(app.db, cutoff), listPaidStockShortOrders(app.db)]);
    const query = req.query as Record<string, unknown>;
    const done = DONE[text(query.done)];
    const number = text(query.order);
    return reply.adminPage(
      { title: 'Reconcile payments', section: 'reconcile', csrfToken: reply.csrfToken() },
      <ReconcilePage
        csrf={reply.csrfToken()}
        rows={rows}
        stockShort={stockShort}
        afterMinutes={RECONCILE_AFTER_MINUTES}
        now={now}
        notice={done && isOrderNumber(number) ? `${number}: ${done}` : done}
      />,
    );
  });

  // ---- One order ---------------------------------------------------------------------------

  function numberParam(raw: string): string {
    if (!isOrderNumber(raw)) throw notFound("We couldn't find that order. Order numbers look like AS-7K3M9Q.");
    return raw;
  }

  /** Reads the order and records the look in the same transaction, so no view goes unrecorded. */
  async function openOrder(req: FastifyRequest, number: string, scope: OrderScope): Promise<AdminOrderDetail> {
    const detail = await openOrderForStaff(app.db, number, (order) => fieldsShown(order, scope), actorOf(req), app.clock());
    if (!detail) throw notFound("We couldn't find that order. It may have been deleted at the end of its retention period.");
    return detail;
  }

  async function orderPage(
    req: FastifyRequest,
    reply: FastifyReply,
    number: string,
    scope: OrderScope,
    state: { notice?: string; refusal?: string; form?: OrderFormState } = {},
    status = 200,
  ) {
    const detail = await openOrder(req, number, scope);
    return reply.adminPage(
      {
        title: `${scope === 'full' ? 'Order' : 'Packing'} ${number}`,
        section: scope === 'full' ? 'orders' : 'dispatch',
        csrfToken: reply.csrfToken(),
      },
      <OrderPage
        detail={detail}
        scope={scope}
        csrf={reply.csrfToken()}
        canFulfil={roleCan(req, 'orders.fulfil')}
        canManage={roleCan(req, 'orders.manage')}
        canViewFull={roleCan(req, 'orders.view')}
        {...state}
      />,
      status,
    );
  }

  const doneNotice = (req: FastifyRequest) => DONE[text((req.query as Record<string, unknown>).done)];

  app.get<{ Params: { number: string } }>('/admin/orders/:number', { config: { access: 'orders.view' } }, async (req, reply) =>
    orderPage(req, reply, numberParam(req.params.number), 'full', { notice: doneNotice(req) }),
  );
  app.get<{ Params: { number: string } }>('/admin/dispatch/:number', { config: { access: 'orders.fulfil' } }, async (req, reply) =>
    orderPage(req, reply, numberParam(req.params.number), 'packing', { notice: doneNotice(req) }),
  );

  // ---- Actions -----------------------------------------------------------------------------

  type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

  /**
   * One shape for every action: validate (400 with the form kept), let the service act (its
   * refusal shown as a notice, 409), record the change, then go back where the form was.
   */
  function action<T>(spec: {
    url: string;
    access: Permission;
    action: OrderAction;
    fields: readonly string[];
    parse: (body: Body, order: OrderRow) => Parsed<T>;
    run: (order: OrderRow, value: T, staffId: number, record: RecordChange) => Promise<StaffActionResult>;
    changed: (before: OrderRow, after: OrderRow) => string[];
    reason?: (value: T) => string;
    done: string;
  }) {
    app.post<{ Params: { number: string } }>(spec.url, { config: { access: spec.access } }, async (req, reply) => {
      const number = numberParam(req.params.number);
      const order = await findOrderByNumber(app.db, number);
      if (!order) throw notFound("We couldn't find that order.");
      const body = bodyOf(req);
      const from = text(body.from);
      // A failed action is shown on the page the form was on; customer details only to those who may see them.
      const scope: OrderScope = from === 'dispatch' || !roleCan(req, 'orders.view') ? 'packing' : 'full';
      const values = Object.fromEntries(spec.fields.map((f) => [f, text(body[f]).slice(0, 300)]));
      const parsed = spec.parse(body, order);
      if (!parsed.ok) return orderPage(req, reply, number, scope, { form: { action: spec.action, values, errors: parsed.errors } }, 400);
      const staffId = req.staffSession!.staff.id;
      // The audit entry is written in the action's own transaction: no change without its record.
      const record: RecordChange = (trx, after) =>
        recordAudit(
          trx,
          audit(req, {
            action: 'change',
            subject: { type: 'order', id: number },
            fields: spec.changed(order, after),
            reason: spec.reason?.(parsed.value),
          }),
          app.clock(),
        );
      const result = await spec.run(order, parsed.value, staffId, record);
      if (!result.ok)
        return orderPage(req, reply, number, scope, { refusal: result.message, form: { action: spec.action, values, errors: {} } }, 409);
      if (result.lowStock) await app.catalog.invalidate();
      const to =
        from === 'reconcile' && roleCan(req, 'orders.manage')
          ? `/admin/orders/reconcile?done=${spec.done}&order=${number}`
          : scope === 'full'
            ? `/admin/orders/${number}?done=${spec.done}`
            : `/admin/dispatch/${number}?done=${spec.done}`;
      return reply.redirect(to, 303);
    });
  }

  /** The columns whose values differ, for the audit entry. */
  const diff = (before: OrderRow, after: OrderRow): string[] =>
    (Object.keys(after) as (keyof OrderRow)[]).filter((k) => k !== 'updated_at' && before[k] !== after[k]);

  action({
    url: '/admin/dispatch/:number/dispatch',
    access: 'orders.fulfil',
    action: 'dispatch',
    fields: ['tracking'],
    parse: (body) => {
      const tracking = text(body.tracking).toUpperCase().replace(/\s+/g, '');
      if (tracking === '') return { ok: false, errors: { tracking: 'Please enter the tracking number from the Royal Mail label.' } };
      if (!TRACKING.test(tracking)) {
        return {
          ok: false,
          errors: {
            tracking: 'A tracking number is 8 to 30 letters and digits, such as AB123456789GB. Please copy it from the Royal Mail label.',
          },
        };
      }
      return { ok: true, value: tracking };
    },
    run: (order, tracking, staffId, record) =>
      dispatchOrder(app.db, { orderId: order.id, staffId, now: app.clock(), mail, record }, tracking),
    changed: diff,
    done: 'dispatched',
  });

  action({
    url: '/admin/dispatch/:number/delivered',
    access: 'orders.fulfil',
    action: 'delivered',
    fields: [],
    parse: () => ({ ok: true, value: null }),
    run: (order, _v, staffId, record) => markDelivered(app.db, { orderId: order.id, staffId, now: app.clock(), record }),
    changed: diff,
    done: 'delivered',
  });

  const cancelSchema = z.object({
    reason: single.pipe(
      z
        .string()
        .trim()
        .min(1, 'Please say why the order is being cancelled. It is kept in the order history; the customer does not see it.')
        .max(MAX_NOTE, `Please keep the reason under ${MAX_NOTE} characters.`),
    ),
  });

  action({
    url: '/admin/orders/:number/cancel',
    access: 'orders.manage',
    action: 'cancel',
    fields: ['reason'],
    parse: (body) => {
      const r = cancelSchema.safeParse(body);
      return r.success ? { ok: true, value: r.data.reason } : { ok: false, errors: fieldErrors(r.error.issues) };
    },
    run: (order, reason, staffId, record) => cancelOrder(app.db, { orderId: order.id, staffId, now: app.clock(), mail, record }, reason),
    changed: diff,
    reason: (reason) => reason,
    done: 'cancelled',
  });

  action({
    url: '/admin/orders/:number/refund',
    access: 'orders.manage',
    action: 'refund',
    fields: ['amount', 'note'],
    parse: (body, order) => {
      const errors: FieldErrors = {};
      const left = order.total_pence - order.refunded_pence;
      const amount = text(body.amount);
      const note = text(body.note).trim();
      const parsed = parsePounds(amount, { noun: 'amount', example: '12.50' });
      if (amount.trim() === '') errors.amount = 'Please enter the amount refunded in MyOpayo, in pounds, such as 12.50.';
      else if (!parsed.ok) errors.amount = parsed.message;
      else if (parsed.pence > left) errors.amount = `That is more than is left to refund on this order (${formatPence(left)}).`;
      if (note.length > MAX_NOTE) errors.note = `Please keep the note under ${MAX_NOTE} characters.`;
      if (!parsed.ok || Object.keys(errors).length > 0) return { ok: false, errors };
      return { ok: true, value: { pence: parsed.pence, note } };
    },
    run: (order, v, staffId, record) => recordRefund(app.db, { orderId: order.id, staffId, now: app.clock(), record }, v),
    changed: diff,
    done: 'refund',
  });

  action({
    url: '/admin/orders/:number/payment',
    access: 'orders.manage',
    action: 'payment',
    fields: ['vps_tx_id'],
    parse: (body) => {
      const m = VPS_TX_ID.exec(text(body.vps_tx_id).trim().toUpperCase());
      if (!m) {
        return {
          ok: false,
          errors: {
            vps_tx_id:
              "That doesn't look like a VPSTxId. Copy it from the transaction in MyOpayo: it looks like {2F8E7C6A-1B3D-4E5F-8A9B-0C1D2E3F4A5B}.",
          },
        };
      }
      return { ok: true, value: `{${m[1]}}` };
    },
    run: (order, vpsTxId, staffId, record) =>
      recordPaymentFoundInMyOpayo(app.db, { orderId: order.id, staffId, now: app.clock(), mail, record }, vpsTxId),
    changed: diff,
    done: 'paid',
  });
}
