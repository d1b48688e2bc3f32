import { type Db, type Executor, type Trx, inTransaction } from '../../db/database.js';
import { hmacHex, truncateIp } from '../../shared/crypto.js';
import { clearBag, listLinesOfBag } from '../bag/bag.service.js';
import { metalLabel } from '../catalog/catalog.domain.js';
import { returnStock, takeStock } from '../catalog/catalog.service.js';
import { type AuditActor, type AuditEntry, auditedRead, entryBy } from '../audit/audit.service.js';
import { enqueueMail } from '../mail/outbox.service.js';
import type { PurposeKey } from '../consent/consent.inventory.js';
import { type ConsentSubject, recordConsent } from '../consent/consent.service.js';
import { staffNamesById } from '../staff/staff.directory.js';
import { type OpayoResult, newVendorTxCode } from '../payments/opayo.js';
import {
  DEFAULT_FINANCIAL_YEAR_END,
  type DeliveryMethod,
  FINISHED_STATUSES,
  type MonthDay,
  ORDER_DETAILS_DAYS,
  UNPAID_CANCEL_DAYS,
  UNPAID_ORDER_RETENTION_DAYS,
  buyerEmail,
  erasureWaitsFor,
  newOrderNumber,
  taxRecordsEndedBefore,
  orderTotals,
  variantLabel,
} from './orders.domain.js';
import {
  type AdminOrderDetail,
  type AdminOrderFilter,
  type AdminOrderListRow,
  countOrdersForDashboard,
  findAdminOrderRecords,
  listAdminOrders,
} from './orders.admin.repository.js';
import type { ErasureReport, Person, SubjectExport, SubjectHandlers } from '../privacy/inventory.js';
import { type OrderMailContext, type OrderMailKind, renderOrderMail } from './orders.mail.js';
import {
  type AttemptRow,
  type OrderRow,
  anonymiseOrders,
  countHoldingOrders,
  deleteOrdersById,
  deleteOrdersChangedBefore,
  deleteOrdersWhere,
  findAttemptByVendorTxCode,
  findAwaitingOrdersForBag,
  findExpiredReservations,
  findLatestAttempt,
  findOrderById,
  findEventsRecordedBy,
  findOrderLines,
  findOrderRecords,
  findEveryBuyer,
  findOrdersByNumbers,
  findOrdersOfPerson,
  findOrdersWithDetailsChangedBefore,
  forgetStaffInEvents,
  findUnpaidOrdersCreatedBefore,
  unlinkOrdersFromCustomer,
  insertAttempt,
  insertOrder,
  insertOrderEvent,
  insertOrderLines,
  lockBuyers,
  orderNumberTaken,
  addRefund,
  setOrderFlags,
  settleAttempt,
  supersedePendingAttempts,
  updateOrderFrom,
} from './orders.repository.js';
import {
  type CustomerOrderListRow,
  type OrderLineRow,
  findOrderNumbersOfCustomer,
  findOrderOfCustomer,
  findOrdersDeliveredBetween,
  linkGuestOrdersToCustomer,
  listOrdersOfCustomer,
} from './orders.repository.js';

/**
 * Orders: placing one reserves its stock and starts an Opayo payment attempt; the result that
 * comes back through the customer's browser is checked against that attempt before anything
 * changes. Stock is handed back when a payment fails, is abandoned or the order is cancelled.
 */

/** Below this many left, the storefront's stock wording changes, so its cached pages are refreshed. */
export const LOW_STOCK = 2;
/** Opayo takes 0.01 to 100,000.00 in one payment. */
export const MAX_ORDER_PENCE = 10_000_000;

export interface Address {
  line1: string;
  line2: string | null;
  city: string;
  postcode: string;
}
export interface CheckoutDetails {
  firstName: string;
  surname: string;
  email: string;
  phone: string;
  billing: Address;
  delivery: Address & { firstName: string; surname: string };
  giftMessage: string | null;
  deliveryMethod: DeliveryMethod;
}

/**
 * What unpaid orders may hold, so that nobody can take the stock off sale without paying: a few
 * orders at once per network and per e-mail address, and a few of each piece in an order.
 */
export interface UnpaidOrderLimits {
  /** Unpaid orders holding stock at once for one network, and for one e-mail address. */
  perBuyer: number;
  /** The most of one piece in an order. */
  maxLineQuantity: number;
  /** Keys the hashes that stand for the buyer's network and e-mail address; the raw values are never stored for this. */
  hashKey: Buffer;
}

/** Who is checking out: the account (if signed in) and the network address the request came from. */
export interface Buyer {
  customerId: number | null;
  ip: string | undefined;
  /**
   * The opt-ins the buyer ticked on the checkout form, for the account or the address in
   * `subject`: recorded in the transaction that places the order, so nothing is recorded for an
   * order that is not placed.
   */
  consents?: { subject: ConsentSubject; optIns: { purpose: PurposeKey; wording: string }[]; policyVersion: string };
}

export type PlaceOrderResult =
  | { ok: true; order: OrderRow; vendorTxCode: string; lowStock: boolean }
  | { ok: false; reason: 'empty' | 'too_large' }
  | { ok: false; reason: 'stock'; variantIds: number[] }
  /** The buyer's network or e-mail address already has `perBuyer` unpaid orders holding stock. */
  | { ok: false; reason: 'unpaid_limit'; perBuyer: number }
  /** A line asks for more than `max` of one piece. */
  | { ok: false; reason: 'line_quantity'; variantIds: number[]; max: number };

class StockShort extends Error {
  constructor(readonly variantIds: number[]) {
    super('stock short');
  }
}

/** Thrown to undo the transaction (the replaced order included) when an order may not be placed. */
class Refused extends Error {
  constructor(readonly result: Extract<PlaceOrderResult, { ok: false }>) {
    super(result.reason);
  }
}

/** The keyed hashes an unpaid order keeps of its buyer: the network (IPv4 /24, IPv6 /48) and the e-mail address. */
export function buyerHashes(key: Buffer, ip: string | undefined, email: string): { network: string | null; email: string } {
  const network = truncateIp(ip);
  return { network: network ? hmacHex(key, `network:${network}`) : null, email: hmacHex(key, `email:${buyerEmail(email)}`) };
}

/** True when this network or e-mail address may not hold another unpaid order. */
async function atUnpaidLimit(
  db: Db,
  hashes: { network: string | null; email: string | null },
  perBuyer: number,
  exceptOrderId: number | null = null,
): Promise<boolean> {
  if (hashes.network !== null && (await countHoldingOrders(db, 'unpaid_network_hash', hashes.network, exceptOrderId)) >= perBuyer) {
    return true;
  }
  return hashes.email !== null && (await countHoldingOrders(db, 'unpaid_email_hash', hashes.email, exceptOrderId)) >= perBuyer;
}

const DAY_MS = 86_400_000;

/**
 * Places an order from a bag: a guest's (customerId null) or a signed-in customer's. Refused when
 * the buyer's network or e-mail address already has `limits.perBuyer` unpaid orders holding stock,
 * or a line asks for more than `limits.maxLineQuantity` of one piece.
 */
export async function placeOrder(
  db: Db,
  bagId: number,
  details: CheckoutDetails,
  now: Date,
  buyer: Buyer,
  limits: UnpaidOrderLimits,
): Promise<PlaceOrderResult> {
  const at = now.toISOString();
  const customerId = buyer.customerId;
  const hashes = buyerHashes(limits.hashKey, buyer.ip, details.email);
  try {
    return await inTransaction(db, async (trx) => {
      await lockBuyers(
        trx,
        [hashes.network, hashes.email].filter((h): h is string => h !== null),
      );
      let lowStock = false;
      // A new checkout from the same bag replaces an earlier unpaid one and frees what it held.
      for (const earlier of await findAwaitingOrdersForBag(trx, bagId)) {
        lowStock = (await releaseStock(trx, earlier, at, 'replaced by a new checkout')) || lowStock;
        await supersedePendingAttempts(trx, earlier.id, at);
        await updateOrderFrom(trx, earlier.id, ['awaiting_payment'], { status: 'cancelled', cancelled_at: at, updated_at: at });
        await insertOrderEvent(trx, { orderId: earlier.id, at, kind: 'cancelled', detail: 'Replaced by a new checkout from the same bag' });
      }
      const lines = await listLinesOfBag(trx, bagId);
      if (lines.length === 0) return { ok: false as const, reason: 'empty' as const };
      const over = lines.filter((l) => l.quantity > limits.maxLineQuantity).map((l) => l.variantId);
      if (over.length > 0) throw new Refused({ ok: false, reason: 'line_quantity', variantIds: over, max: limits.maxLineQuantity });
      // Counted after the replaced order has let go, and under the buyer's lock, so two checkouts at once cannot both pass.
      if (await atUnpaidLimit(trx, hashes, limits.perBuyer))
        throw new Refused({ ok: false, reason: 'unpaid_limit', perBuyer: limits.perBuyer });
      const short = lines.filter((l) => !l.available || l.quantity > l.stock).map((l) => l.variantId);
      if (short.length > 0) throw new StockShort(short);
      // Prices come from the catalogue now, never from the form.
      const subtotal = lines.reduce((sum, l) => sum + l.pricePence * l.quantity, 0);
      const totals = orderTotals(subtotal, details.deliveryMethod);
      if (totals.totalPence > MAX_ORDER_PENCE) return { ok: false as const, reason: 'too_large' as const };
      lowStock = (await reserveLines(trx, lines, at)) || lowStock;
      let number = newOrderNumber();
      while (await orderNumberTaken(trx, number)) number = newOrderNumber();
      const orderId = await insertOrder(trx, {
        number,
        status: 'awaiting_payment',
        bag_id: bagId,
        first_name: details.firstName,
        surname: details.surname,
        email: details.email,
        phone: details.phone,
        billing_line1: details.billing.line1,
        billing_line2: details.billing.line2,
        billing_city: details.billing.city,
        billing_postcode: details.billing.postcode,
        delivery_first_name: details.delivery.firstName,
        delivery_surname: details.delivery.surname,
        delivery_line1: details.delivery.line1,
        delivery_line2: details.delivery.line2,
        delivery_city: details.delivery.city,
        delivery_postcode: details.delivery.postcode,
        gift_message: details.giftMessage,
        delivery_method: details.deliveryMethod,
        delivery_pence: totals.deliveryPence,
        subtotal_pence: totals.subtotalPence,
        total_pence: totals.totalPence,
        stock_reserved: 1,
        tracking_number: null,
        created_at: at,
        updated_at: at,
        paid_at: null,
        dispatched_at: null,
        delivered_at: null,
        cancelled_at: null,
        customer_id: customerId,
        unpaid_network_hash: hashes.network,
        unpaid_email_hash: hashes.email,
      });
      await insertOrderLines(
        trx,
        lines.map((l) => ({
          order_id: orderId,
          variant_id: l.variantId,
          sku: l.sku,
          product_name: l.productName,
          variant_label: variantLabel(l, metalLabel(l.metal)),
          unit_pence: l.pricePence,
          quantity: l.quantity,
        })),
      );
      await insertOrderEvent(trx, { orderId, at, kind: 'placed', detail: 'Order placed; stock reserved while payment is made' });
      const vendorTxCode = newVendorTxCode(number);
      await insertAttempt(trx, { orderId, vendorTxCode, amountPence: totals.totalPence, at });
      if (buyer.consents) {
        const { subject, optIns, policyVersion } = buyer.consents;
        for (const { purpose, wording } of optIns) {
          await recordConsent(trx, { subject, purpose, action: 'given', method: 'checkout', wording, policyVersion }, now);
        }
      }
      const order = await findOrderById(trx, orderId);
      if (!order) throw new Error('order vanished inside its own transaction');
      return { ok: true as const, order, vendorTxCode, lowStock };
    });
  } catch (err) {
    if (err instanceof StockShort) return { ok: false, reason: 'stock', variantIds: err.variantIds };
    if (err instanceof Refused) return err.result;
    throw err;
  }
}

/** Hands back the stock an order holds; true when a variant went from LOW_STOCK or fewer. */
async function releaseStock(db: Trx, order: OrderRow, at: string, why: string): Promise<boolean> {
  if (order.stock_reserved !== 1) return false;
  const lines = (await findOrderLines(db, order.id)).flatMap((l) =>
    l.variant_id === null ? [] : [{ variantId: l.variant_id, quantity: l.quantity }],
  );
  const after = await returnStock(db, lines, `Released: ${why}`, new Date(at));
  const lowStock = lines.some((l) => after.has(l.variantId) && (after.get(l.variantId) ?? 0) - l.quantity <= LOW_STOCK);
  await setOrderFlags(db, order.id, { stock_reserved: 0, updated_at: at });
  return lowStock;
}

/**
 * Takes the stock for these lines, or throws StockShort. Always in variant order, so that two
 * checkouts lock rows in the same order and cannot deadlock. True when a variant is left low.
 */
async function reserveLines(db: Trx, lines: { variantId: number | null; quantity: number }[], at: string): Promise<boolean> {
  const known = lines.flatMap((l) => (l.variantId === null ? [] : [{ variantId: l.variantId, quantity: l.quantity }]));
  if (known.length < lines.length) throw new StockShort([]);
  const taken = await takeStock(db, known, 'Reserved for an order', new Date(at));
  if (!taken.ok) throw new StockShort([taken.variantId]);
  return [...taken.left.values()].some((left) => left <= LOW_STOCK);
}

/** Takes the order's stock again (after a failed payment, before the next attempt). */
async function retakeStock(db: Trx, order: OrderRow, at: string): Promise<{ ok: boolean; lowStock: boolean }> {
  const lines = await findOrderLines(db, order.id);
  const lowStock = await reserveLines(
    db,
    lines.map((l) => ({ variantId: l.variant_id, quantity: l.quantity })),
    at,
  );
  await setOrderFlags(db, order.id, { stock_reserved: 1, updated_at: at });
  return { ok: true, lowStock };
}

export type RetryResult =
  | { ok: true; vendorTxCode: string; lowStock: boolean }
  /** `unpaid_limit`: taking the stock again would give the buyer more unpaid orders holding stock than allowed. */
  | { ok: false; reason: 'not_awaiting' | 'stock' | 'unpaid_limit' };

/**
 * A new payment attempt (new VendorTxCode) for an unpaid order, re-reserving its stock if it was
 * released — unless the buyer's other unpaid orders already hold as much as `perBuyer` allows.
 */
export async function startNewAttempt(db: Db, orderId: number, now: Date, perBuyer: number): Promise<RetryResult> {
  const at = now.toISOString();
  try {
    return await inTransaction(db, async (trx) => {
      const seen = await findOrderById(trx, orderId);
      if (!seen || seen.status !== 'awaiting_payment') return { ok: false as const, reason: 'not_awaiting' as const };
      const hashes = { network: seen.unpaid_network_hash, email: seen.unpaid_email_hash };
      await lockBuyers(
        trx,
        [hashes.network, hashes.email].filter((h): h is string => h !== null),
      );
      const order = await findOrderById(trx, orderId);
      if (!order || order.status !== 'awaiting_payment') return { ok: false as const, reason: 'not_awaiting' as const };
      if (order.stock_reserved !== 1 && (await atUnpaidLimit(trx, hashes, perBuyer, order.id))) {
        return { ok: false as const, reason: 'unpaid_limit' as const };
      }
      const taken = order.stock_reserved === 1 ? { ok: true, lowStock: false } : await retakeStock(trx, order, at);
      await supersedePendingAttempts(trx, order.id, at);
      const vendorTxCode = newVendorTxCode(order.number);
      await insertAttempt(trx, { orderId: order.id, vendorTxCode, amountPence: order.total_pence, at });
      await insertOrderEvent(trx, { orderId: order.id, at, kind: 'payment_retry', detail: 'A new payment attempt was started' });
      return { ok: true as const, vendorTxCode, lowStock: taken.lowStock };
    });
  } catch (err) {
    if (err instanceof StockShort) return { ok: false, reason: 'stock' };
    throw err;
  }
}

export type PaymentOutcome =
  | { kind: 'paid'; order: OrderRow; lowStock: boolean }
  | { kind: 'failed'; order: OrderRow; status: string; lowStock: boolean }
  /** The same result again (a refreshed return page): nothing changes. */
  | { kind: 'repeat'; order: OrderRow; status: string }
  /** Refused: a result already used, for an attempt that is not the order's current one, for another amount, or unknown. */
  | { kind: 'refused'; reason: 'replay' | 'stale' | 'amount' | 'unknown'; order: OrderRow | null };

/**
 * Applies a decrypted Opayo result. Protection rests on the encryption password alone, so the
 * result must name this order's current attempt, for exactly the amount asked, and is used once.
 */
export async function applyPaymentResult(db: Db, result: OpayoResult, now: Date, mail: OrderMailContext): Promise<PaymentOutcome> {
  const at = now.toISOString();
  return inTransaction(db, async (trx): Promise<PaymentOutcome> => {
    const attempt = await findAttemptByVendorTxCode(trx, result.vendorTxCode);
    if (!attempt) return { kind: 'refused', reason: 'unknown', order: null };
    const order = await findOrderById(trx, attempt.order_id);
    if (!order) return { kind: 'refused', reason: 'unknown', order: null };
    if (attempt.status !== 'pending') {
      return sameResult(attempt, result) ? { kind: 'repeat', order, status: attempt.status } : { kind: 'refused', reason: 'replay', order };
    }
    const latest = await findLatestAttempt(trx, order.id);
    if (latest?.id !== attempt.id) return { kind: 'refused', reason: 'stale', order };
    if (result.amountPence !== attempt.amount_pence) return { kind: 'refused', reason: 'amount', order };
    const settled = await settleAttempt(trx, attempt.id, {
      status: result.status,
      at,
      vpsTxId: result.vpsTxId,
      statusDetail: result.statusDetail.slice(0, 255),
      txAuthNo: result.txAuthNo,
    });
    if (!settled) return { kind: 'refused', reason: 'replay', order };

    if (result.status === 'OK') {
      const lowStock = await markPaid(trx, order, at);
      await insertOrderEvent(trx, {
        orderId: order.id,
        at,
        kind: 'paid',
        detail: `Paid through Opayo (${result.vpsTxId}${result.txAuthNo ? `, authorisation ${result.txAuthNo}` : ''})`,
      });
      const paid = (await findOrderById(trx, order.id)) as OrderRow;
      await queueOrderMail(trx, 'confirmation', paid, mail, now);
      return { kind: 'paid', order: paid, lowStock };
    }
    const lowStock = await releaseStock(trx, order, at, `payment ${result.status.toLowerCase()}`);
    await insertOrderEvent(trx, {
      orderId: order.id,
      at,
      kind: 'payment_failed',
      detail: `Opayo: ${result.status} — ${result.statusDetail}`.slice(0, 300),
    });
    return { kind: 'failed', order: (await findOrderById(trx, order.id)) as OrderRow, status: result.status, lowStock };
  });
}

/**
 * Makes an order paid, however the payment became known, and empties the bag it came from. If its
 * reservation had lapsed, the stock is taken again; if it has gone meanwhile, the order is flagged
 * for staff. True when a variant is left low.
 */
async function markPaid(trx: Trx, order: OrderRow, at: string): Promise<boolean> {
  let lowStock = false;
  if (order.stock_reserved !== 1) {
    try {
      lowStock = (await retakeStock(trx, order, at)).lowStock;
    } catch (err) {
      if (!(err instanceof StockShort)) throw err;
      await setOrderFlags(trx, order.id, { stock_short: 1 });
    }
  }
  await updateOrderFrom(trx, order.id, ['awaiting_payment', 'cancelled'], {
    status: 'paid',
    paid_at: at,
    cancelled_at: null,
    stock_reserved: 1,
    updated_at: at,
  });
  if (order.bag_id !== null) await clearBag(trx, order.bag_id);
  return lowStock;
}

function sameResult(attempt: AttemptRow, result: OpayoResult): boolean {
  return attempt.vps_tx_id === result.vpsTxId && attempt.status === result.status;
}

async function queueOrderMail(db: Db, kind: OrderMailKind, order: OrderRow, ctx: OrderMailContext, now: Date): Promise<void> {
  const mail = renderOrderMail(kind, order, await findOrderLines(db, order.id), ctx);
  await enqueueMail(db, { kind: `order-${kind}`, reference: order.number, to: order.email, ...mail }, now, ctx.messageDomain);
}

/** Stock held by unpaid orders whose payment has not come back in time goes back on sale. */
export async function releaseExpiredReservations(db: Db, now: Date, minutes: number): Promise<{ released: number; lowStock: boolean }> {
  const at = now.toISOString();
  const cutoff = new Date(now.getTime() - minutes * 60_000).toISOString();
  let released = 0;
  let lowStock = false;
  for (const order of await findExpiredReservations(db, cutoff)) {
    await inTransaction(db, async (trx) => {
      const fresh = await findOrderById(trx, order.id);
      if (!fresh || fresh.status !== 'awaiting_payment' || fresh.stock_reserved !== 1) return;
      lowStock = (await releaseStock(trx, fresh, at, `no payment result after ${minutes} minutes`)) || lowStock;
      await insertOrderEvent(trx, {
        orderId: order.id,
        at,
        kind: 'reservation_released',
        detail: `No payment result after ${minutes} minutes`,
      });
      released++;
    });
  }
  return { released, lowStock };
}

/** Unpaid orders are cancelled after UNPAID_CANCEL_DAYS. */
export async function cancelLongUnpaidOrders(db: Db, now: Date): Promise<number> {
  const at = now.toISOString();
  let n = 0;
  for (const order of await findUnpaidOrdersCreatedBefore(db, new Date(now.getTime() - UNPAID_CANCEL_DAYS * DAY_MS).toISOString())) {
    await inTransaction(db, async (trx) => {
      const fresh = await findOrderById(trx, order.id);
      if (!fresh || fresh.status !== 'awaiting_payment') return;
      await releaseStock(trx, fresh, at, 'never paid');
      await supersedePendingAttempts(trx, fresh.id, at);
      await updateOrderFrom(trx, fresh.id, ['awaiting_payment'], { status: 'cancelled', cancelled_at: at, updated_at: at });
      await insertOrderEvent(trx, { orderId: fresh.id, at, kind: 'cancelled', detail: `Not paid within ${UNPAID_CANCEL_DAYS} days` });
      n++;
    });
  }
  return n;
}

/**
 * The end of every staff action, inside its transaction: the order's history (with who did it),
 * the e-mail to the customer if the action sends one, and the caller's audit record.
 */
async function completeStaffAction(
  trx: Trx,
  orderId: number,
  event: { at: string; kind: string; detail: string; staffId: number },
  record: RecordChange,
  lowStock: boolean,
  mail?: { kind: OrderMailKind; ctx: OrderMailContext; now: Date },
): Promise<StaffActionResult> {
  await insertOrderEvent(trx, { orderId, ...event });
  const order = (await findOrderById(trx, orderId)) as OrderRow;
  if (mail) await queueOrderMail(trx, mail.kind, order, mail.ctx, mail.now);
  await record(trx, order);
  return { ok: true, order, lowStock };
}

// ——— Staff actions (the back office calls these; each is one transaction, e-mail included) ———

export type StaffActionResult = { ok: true; order: OrderRow; lowStock: boolean } | { ok: false; message: string };
/** Runs inside the action's transaction once it has succeeded, so its record (the audit entry) stands or falls with the change. */
export type RecordChange = (trx: Trx, after: OrderRow) => Promise<void>;
const noRecord: RecordChange = async () => {};

/**
 * Who acts on which order, when; `record` writes the caller's audit entry inside the action's
 * transaction; `mail` is what an e-mail to the customer needs, for the actions that send one.
 */
export interface OrderStaffAction {
  orderId: number;
  staffId: number;
  now: Date;
  record?: RecordChange;
  mail?: OrderMailContext;
}
type MailingAction = OrderStaffAction & { mail: OrderMailContext };

/** What a staff action did, for its history and e-mail; or why it was refused, with nothing changed. */
type ActionOutcome = { ok: false; message: string } | { ok: true; kind: string; detail: string; lowStock?: boolean; mail?: OrderMailKind };

/**
 * One staff action on an order: its transaction, the change `work` makes, then its history entry
 * (with who did it), the e-mail to the customer if it sends one and the caller's audit record.
 */
function staffAction(db: Db, action: OrderStaffAction, work: (trx: Trx, at: string) => Promise<ActionOutcome>): Promise<StaffActionResult> {
  const { orderId, staffId, now, record = noRecord } = action;
  const at = now.toISOString();
  return inTransaction(db, async (trx): Promise<StaffActionResult> => {
    const outcome = await work(trx, at);
    if (!outcome.ok) return outcome;
    const mail = outcome.mail && action.mail ? { kind: outcome.mail, ctx: action.mail, now } : undefined;
    const event = { at, kind: outcome.kind, detail: outcome.detail, staffId };
    return completeStaffAction(trx, orderId, event, record, outcome.lowStock ?? false, mail);
  });
}

const refused = (message: string): ActionOutcome => ({ ok: false, message });

export async function dispatchOrder(db: Db, action: MailingAction, trackingNumber: string): Promise<StaffActionResult> {
  const { orderId } = action;
  return staffAction(db, action, async (trx, at) => {
    const moved = await updateOrderFrom(trx, orderId, ['paid'], {
      status: 'dispatched',
      tracking_number: trackingNumber,
      dispatched_at: at,
      updated_at: at,
    });
    if (!moved) return refused('Only a paid order that has not been dispatched can be marked dispatched.');
    return { ok: true, kind: 'dispatched', detail: `Dispatched, tracking ${trackingNumber}`, mail: 'dispatch' };
  });
}

export async function markDelivered(db: Db, action: OrderStaffAction): Promise<StaffActionResult> {
  const { orderId } = action;
  return staffAction(db, action, async (trx, at) => {
    const moved = await updateOrderFrom(trx, orderId, ['dispatched'], { status: 'delivered', delivered_at: at, updated_at: at });
    if (!moved) return refused('Only a dispatched order can be marked delivered.');
    return { ok: true, kind: 'delivered', detail: 'Marked delivered' };
  });
}

/** Cancels an order not yet dispatched, hands its stock back and tells the customer. */
export async function cancelOrder(db: Db, action: MailingAction, reason: string): Promise<StaffActionResult> {
  const { orderId } = action;
  return staffAction(db, action, async (trx, at) => {
    const order = await findOrderById(trx, orderId);
    if (!order || !['awaiting_payment', 'paid'].includes(order.status)) {
      return refused('Only an order awaiting payment or paid, and not yet dispatched, can be cancelled.');
    }
    const lowStock = await releaseStock(trx, order, at, 'order cancelled');
    await supersedePendingAttempts(trx, orderId, at);
    if (!(await updateOrderFrom(trx, orderId, [order.status], { status: 'cancelled', cancelled_at: at, updated_at: at }))) {
      return refused('The order changed while you were looking at it. Please check it and try again.');
    }
    return { ok: true, kind: 'cancelled', detail: `Cancelled: ${reason}`, lowStock, mail: 'cancellation' };
  });
}

/** Records a refund already made in MyOpayo; a refund of the whole amount makes the order Refunded. */
export async function recordRefund(db: Db, action: OrderStaffAction, refund: { pence: number; note: string }): Promise<StaffActionResult> {
  const { orderId } = action;
  const { pence, note } = refund;
  return staffAction(db, action, async (trx, at) => {
    const order = await findOrderById(trx, orderId);
    if (!order || order.paid_at === null) return refused('Only an order that was paid can have a refund recorded.');
    const left = order.total_pence - order.refunded_pence;
    if (pence < 1 || pence > left) return refused(`The refund must be between £0.01 and ${(left / 100).toFixed(2)}.`);
    const refunded = order.refunded_pence + pence;
    const recorded = await addRefund(trx, orderId, {
      before: order.refunded_pence,
      after: refunded,
      status: refunded === order.total_pence ? 'refunded' : order.status,
      at,
    });
    if (!recorded) return refused('Another refund was recorded at the same moment. Please check the order and try again.');
    const detail = `Refund of £${(pence / 100).toFixed(2)} recorded (made in MyOpayo)${note ? `: ${note}` : ''}`;
    return { ok: true, kind: 'refund', detail };
  });
}

/**
 * Reconciliation: the customer paid but the result never came back (a closed tab). Staff find
 * the transaction in MyOpayo and record it here; the order is then paid as if it had returned.
 */
export async function recordPaymentFoundInMyOpayo(db: Db, action: MailingAction, vpsTxId: string): Promise<StaffActionResult> {
  const { orderId } = action;
  return staffAction(db, action, async (trx, at) => {
    const order = await findOrderById(trx, orderId);
    if (!order || order.status !== 'awaiting_payment') return refused('Only an order awaiting payment can be marked paid.');
    const lowStock = await markPaid(trx, order, at);
    const latest = await findLatestAttempt(trx, orderId);
    if (latest?.status === 'pending') {
      await settleAttempt(trx, latest.id, { status: 'OK', at, vpsTxId, statusDetail: 'Recorded by staff from MyOpayo', txAuthNo: null });
    }
    return { ok: true, kind: 'paid', detail: `Payment ${vpsTxId} found in MyOpayo and recorded`, lowStock, mail: 'confirmation' };
  });
}

// ——— Retention (job orders.retention) and erasure of one person (composed in privacy/) ———

/** Orders anonymised per transaction, so that a first run over years of orders holds no lock for long. */
const RETENTION_BATCH = 500;

/**
 * Policy (job `orders.retention`, daily):
 * - a finished order (paid, then dispatched, delivered, refunded or cancelled) loses the buyer's
 *   names, contact details, addresses, gift message, tracking number and the history's notes
 *   ORDER_DETAILS_DAYS after its last change (the returns window plus the card-dispute window);
 *   it stays in the back office and the account's order history as a record without them;
 * - the tax record that is left (date, lines, amounts, VAT, delivery country, number) is deleted,
 *   with its lines, events and payment attempts, once TAX_RECORD_YEARS have passed since the end
 *   of the financial year of its last change (the year ending on `financialYearEnd`);
 * - an order never paid for is deleted UNPAID_ORDER_RETENTION_DAYS after it was placed (it was
 *   cancelled after UNPAID_CANCEL_DAYS by `orders.cancel-unpaid`).
 */
export async function applyOrderRetention(
  db: Db,
  now: Date,
  financialYearEnd: MonthDay = DEFAULT_FINANCIAL_YEAR_END,
): Promise<{ anonymised: number; deleted: number }> {
  const at = now.toISOString();
  const detailsCutoff = new Date(now.getTime() - ORDER_DETAILS_DAYS * DAY_MS).toISOString();
  let anonymised = 0;
  for (;;) {
    const done = await inTransaction(db, async (trx) => {
      const ids = await findOrdersWithDetailsChangedBefore(trx, FINISHED_STATUSES, detailsCutoff, RETENTION_BATCH);
      return (await anonymiseOrders(trx, ids, at, { unlinkCustomer: false })).orders;
    });
    anonymised += done;
    if (done < RETENTION_BATCH) break;
  }
  const deleted = await inTransaction(db, async (trx) => {
    const taxRecords = await deleteOrdersChangedBefore(trx, taxRecordsEndedBefore(now, financialYearEnd).toISOString());
    const neverPaid = await deleteOrdersWhere(trx, {
      statuses: ['cancelled'],
      createdBefore: new Date(now.getTime() - UNPAID_ORDER_RETENTION_DAYS * DAY_MS).toISOString(),
      neverPaid: true,
    });
    return taxRecords + neverPaid;
  });
  return { anonymised, deleted };
}

/**
 * @deprecated The job `orders.retention` calls applyOrderRetention with the configured financial
 * year end; this keeps the old name working, and counts the orders deleted.
 */
export async function eraseExpiredOrders(db: Db, now: Date, financialYearEnd: MonthDay = DEFAULT_FINANCIAL_YEAR_END): Promise<number> {
  return (await applyOrderRetention(db, now, financialYearEnd)).deleted;
}

/** Every row of the orders tables about one person: their orders (by account or e-mail address) with lines, history and payment attempts. */
async function exportSubject(trx: Trx, person: Person): Promise<SubjectExport> {
  const orders = await findOrdersOfPerson(trx, person.customerId, person.emails);
  const ids = orders.map((o) => o.id);
  const { lines, events, attempts } = await findOrderRecords(trx, ids);
  // A member of staff's own steps in orders they handled: when and what, not the customer's notes.
  const recorded = person.staffId === null ? [] : await findEventsRecordedBy(trx, person.staffId);
  const history = [...events, ...recorded.filter((e) => !ids.includes(e.order_id))];
  const out: SubjectExport = {};
  if (orders.length > 0) out.orders = orders;
  if (lines.length > 0) out.order_lines = lines;
  if (history.length > 0) out.order_events = history;
  if (attempts.length > 0) out.payment_attempts = attempts;
  return out;
}

/**
 * Erases one person from the orders tables, as the inventory declares: an order that was paid
 * keeps only its tax record (anonymised as at the end of its details' period, and taken out of the
 * account); one never paid is no tax record and is deleted, handing back any stock it still holds
 * and closing its payment attempts. A member of staff is taken out of the order histories.
 */
async function eraseSubject(trx: Trx, person: Person, now: Date): Promise<ErasureReport> {
  const at = now.toISOString();
  const all = await findOrdersOfPerson(trx, person.customerId, person.emails);
  // An order still to be delivered, or in its returns window, is finished first: it leaves the
  // account now and keeps what delivery and a return need; finishErasureOfOrders erases it later.
  const waiting = all.filter((o) => erasureWaitsFor(o, now));
  const unlinked = await unlinkOrdersFromCustomer(
    trx,
    waiting.filter((o) => o.customer_id !== null).map((o) => o.id),
  );
  const orders = all.filter((o) => !waiting.includes(o));
  const neverPaid = orders.filter((o) => o.paid_at === null);
  for (const order of neverPaid) {
    await releaseStock(trx, order, at, 'the buyer asked for their data to be erased');
    await supersedePendingAttempts(trx, order.id, at);
  }
  const dropped = await findOrderRecords(
    trx,
    neverPaid.map((o) => o.id),
  );
  const deleted = await deleteOrdersById(
    trx,
    neverPaid.map((o) => o.id),
  );
  const kept = await anonymiseOrders(
    trx,
    orders.filter((o) => o.paid_at !== null).map((o) => o.id),
    at,
    { unlinkCustomer: true },
  );
  const staffSteps = person.staffId === null ? 0 : await forgetStaffInEvents(trx, person.staffId);
  return {
    orders: { deleted, anonymised: kept.orders + unlinked },
    order_lines: { deleted: dropped.lines.length, anonymised: 0 },
    order_events: { deleted: dropped.events.length, anonymised: kept.events + staffSteps },
    payment_attempts: { deleted: dropped.attempts.length, anonymised: kept.attempts },
  };
}

/**
 * The numbers of the person's orders that erasing them must wait for (erasureWaitsFor): paid and
 * not yet delivered, or still in the returns window. Ask before erasing: the eraser leaves these
 * out of the account but keeps them whole.
 */
export async function ordersErasureWaitsFor(db: Executor, person: Person, now: Date): Promise<string[]> {
  const orders = await findOrdersOfPerson(db, person.customerId, person.emails);
  return orders.filter((o) => erasureWaitsFor(o, now)).map((o) => o.number);
}

/** A waiting order once its erasure is finished: who to tell, read before it was anonymised. */
export interface FinishedErasure {
  number: string;
  email: string;
  firstName: string;
  /** When the order was placed, for the date its tax record is kept until. */
  createdAt: string;
}

/**
 * Finishes the erasure of waiting orders that no longer need their details (delivered or
 * dispatched RETURNS_WINDOW_DAYS ago, or cancelled or refunded): each keeps only its tax record,
 * as any erased order does. Returns those finished (with the address to tell, read first) and the
 * numbers still waiting. An order already anonymised (by retention) counts as finished.
 */
export async function finishErasureOfOrders(
  trx: Trx,
  numbers: string[],
  now: Date,
): Promise<{ finished: FinishedErasure[]; stillWaiting: string[] }> {
  const orders = await findOrdersByNumbers(trx, numbers);
  const ready = orders.filter((o) => !erasureWaitsFor(o, now));
  const finished = ready.map((o) => ({ number: o.number, email: o.email, firstName: o.first_name, createdAt: o.created_at }));
  await anonymiseOrders(
    trx,
    ready.filter((o) => o.anonymised_at === null).map((o) => o.id),
    now.toISOString(),
    { unlinkCustomer: true },
  );
  return { finished, stillWaiting: orders.filter((o) => erasureWaitsFor(o, now)).map((o) => o.number) };
}

/** The orders feature's exporter and eraser, over its own tables, inside the caller's transaction. */
export const ordersSubjects: SubjectHandlers = {
  exportSubject,
  eraseSubject,
  /** Every buyer on an order, by address and the account it was placed from. */
  async knownPeople(trx) {
    return (await findEveryBuyer(trx)).map((b) => ({ email: b.email, customerId: b.customer_id, staffId: null }));
  },
};

/**
 * The back office's order list. A search by a person's e-mail address or surname tells the
 * searcher which orders are theirs, so it is a read of personal data: pass its audit entry, and
 * it is recorded in the transaction that searches. Other lists show no customer details.
 */
export function findOrdersForStaff(
  db: Db,
  filter: AdminOrderFilter,
  lookup: AuditEntry | null,
  now: Date,
): Promise<{ rows: AdminOrderListRow[]; total: number }> {
  if (!lookup) return listAdminOrders(db, filter);
  return auditedRead(
    db,
    now,
    (trx) => listAdminOrders(trx, filter),
    () => lookup,
  );
}

/**
 * One order as staff open it; `shown` says which of its personal fields the page shows, and
 * those are recorded in the audit trail in the transaction that reads it.
 */
export function openOrderForStaff(
  db: Db,
  number: string,
  shown: (order: OrderRow) => string[],
  actor: AuditActor,
  now: Date,
): Promise<AdminOrderDetail | null> {
  return auditedRead(
    db,
    now,
    (trx) => findAdminOrder(trx, number),
    (found) => {
      const fields = found ? shown(found.order) : [];
      return fields.length > 0 ? entryBy(actor, { action: 'view', subject: { type: 'order', id: number }, fields }) : null;
    },
  );
}

// ——— Asked by other features: a customer's orders ———

export type { CustomerOrderListRow, OrderLineRow, OrderRow };

/** A guest's orders placed with an address the customer has now proved is theirs join the account (inside the caller's transaction). */
export function linkGuestOrders(db: Executor, customerId: number, email: string): Promise<number> {
  return linkGuestOrdersToCustomer(db, customerId, email);
}

/** How many orders an account's order list shows, newest first. */
export const CUSTOMER_ORDERS_SHOWN = 500;

/** The orders of this customer's account, newest first. */
export function ordersOfCustomer(db: Executor, customerId: number): Promise<CustomerOrderListRow[]> {
  return listOrdersOfCustomer(db, customerId, CUSTOMER_ORDERS_SHOWN);
}

/** One of the customer's own orders with its lines; null for anyone else's, so the two cannot be told apart. */
export async function orderOfCustomer(
  db: Executor,
  customerId: number,
  number: string,
): Promise<{ order: OrderRow; lines: OrderLineRow[] } | null> {
  const order = await findOrderOfCustomer(db, customerId, number);
  return order ? { order, lines: await findOrderLines(db, order.id) } : null;
}

/** The numbers of the orders on this customer's account: the audit trail names orders by number. */
export function orderNumbersOfCustomer(db: Executor, customerId: number): Promise<string[]> {
  return findOrderNumbersOfCustomer(db, customerId);
}

/** One order for the back office, each event of its history with the name of who did it (one query for all the names). */
async function findAdminOrder(db: Executor, number: string): Promise<AdminOrderDetail | null> {
  const found = await findAdminOrderRecords(db, number);
  if (!found) return null;
  const names = await staffNamesById(
    db,
    found.events.map((e) => e.staffId),
  );
  return {
    ...found,
    events: found.events.map(({ staffId, ...e }) => ({ ...e, staffName: staffId === null ? null : (names.get(staffId) ?? null) })),
  };
}

/** The dashboard's order figures: paid since `today` began, waiting to be posted, and to reconcile (no result since `reconcileBefore`). */
export function orderDashboardCounts(
  db: Executor,
  since: { today: string; reconcileBefore: string },
): Promise<{ paidToday: number; toDispatch: number; toReconcile: number }> {
  return countOrdersForDashboard(db, since);
}

/** The orders marked delivered in [from, to) with their buyer's address: for the feedback requests sent some days after delivery. */
export function ordersDeliveredBetween(db: Executor, from: Date, to: Date): Promise<{ number: string; email: string }[]> {
  return findOrdersDeliveredBetween(db, from.toISOString(), to.toISOString());
}
