import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { privatePage } from '../../http/render.js';
import { deriveKey } from '../../shared/crypto.js';
import { Breadcrumbs, Money, Notice } from '../../http/views/components.js';
import { EmailField, NameFields, PhoneField, PostalFields } from '../../http/views/person-fields.js';
import { Checkbox, ErrorSummary, Field, FieldError, SelectField } from '../../http/views/form.js';
import { bagLink, bagTokenOf, cookieCarries } from '../../http/bag-token.js';
import { type BagLine, bagContents, bagProblems, dropSetAsideLines, openBag, parseSetAside, subtotalOf } from '../bag/bag.service.js';
import type { AddressRow } from '../customers/customers.service.js';
import { metalLabel } from '../catalog/catalog.domain.js';
import { addressesOf, customerById } from '../customers/customers.service.js';
import {
  DELIVERY_OPTIONS,
  DELIVERY_METHODS,
  type DeliveryMethod,
  deliveryCharge,
  isDeliveryMethod,
  lineCapMessage,
  orderTotals,
  variantLabel,
} from '../orders/orders.domain.js';
import { orderLinks } from '../orders/orders.links.js';
import { type Buyer, type UnpaidOrderLimits, placeOrder } from '../orders/orders.service.js';
import { OrderSummary } from '../orders/views/summary.js';
import { type ConsentSubject, normaliseAddress } from '../consent/consent.service.js';
import {
  CHECKOUT_FIELDS,
  CHECKOUT_OPT_INS,
  type CheckoutErrors,
  type CheckoutField,
  checkoutOptIns,
  validateCheckout,
} from './checkout.domain.js';
import { STEPS_AT_ONCE, checkoutStep, checkoutSteps, nextTurn } from './checkout.turns.js';

/** The bag's lines as the order summary shows them. */
function summaryLines(lines: BagLine[]) {
  return lines.map((l) => ({
    name: l.productName,
    detail: variantLabel(l, metalLabel(l.metal)),
    quantity: l.quantity,
    unitPence: l.pricePence,
  }));
}

/**
 * Guest checkout: one page of details, then the Opayo payment page. Placing the order reserves
 * the stock and starts the first payment attempt; prices always come from the catalogue.
 */
export async function checkoutRoutes(app: FastifyInstance): Promise<void> {
  checkoutSteps.allow(STEPS_AT_ONCE[app.dialect]);
  const links = orderLinks(app.config);
  const limits: UnpaidOrderLimits = {
    perBuyer: app.config.orders.unpaidPerBuyer,
    maxLineQuantity: app.config.orders.maxLineQuantity,
    hashKey: deriveKey(app.config.secretKey, 'unpaid-order-buyers'),
  };

  /** A signed-in customer's id and address book; guests get nothing and nothing changes for them. */
  async function signedInCustomer(req: FastifyRequest) {
    const session = await req.customerSession();
    if (!session) return null;
    const [customer, addresses] = await Promise.all([customerById(app.db, session.customerId), addressesOf(app.db, session.customerId)]);
    return customer ? { customer, addresses } : null;
  }

  app.get('/checkout', checkoutStep, async (req, reply) => {
    await nextTurn();
    const bag = await openBag(app.db, bagTokenOf(req), app.clock());
    const { lines, setAside } = await bagContents(app.db, bag);
    if (!bag || lines.length === 0) return reply.redirect(bagLink('/bag', bag && !cookieCarries(req, bag) ? bag.token : null), 303);
    if (lines.some((l) => l.quantity > limits.maxLineQuantity)) {
      return lineCapPage(reply, limits.maxLineQuantity, cookieCarries(req, bag) ? null : bag.token);
    }
    if (bagProblems(lines, limits.maxLineQuantity).size > 0)
      return reply.redirect(bagLink('/bag', cookieCarries(req, bag) ? null : bag.token), 303);
    privatePage(reply);
    // Signed in: the account's details and its default address (as the billing address) are filled in.
    const me = await signedInCustomer(req);
    const home = me ? (me.addresses.find((a) => a.is_default === 1) ?? me.addresses[0]) : undefined;
    const prefill: Partial<Record<CheckoutField, string>> = me
      ? {
          first_name: me.customer.first_name,
          surname: me.customer.surname,
          email: me.customer.email,
          phone: me.customer.phone,
          ...(home
            ? { billing_line1: home.line1, billing_line2: home.line2 ?? '', billing_city: home.city, billing_postcode: home.postcode }
            : {}),
        }
      : {};
    await nextTurn();
    return checkoutForm(reply, {
      lines,
      setAside,
      bagToken: bag.token,
      linkToken: cookieCarries(req, bag) ? null : bag.token,
      values: { same_address: 'yes', delivery_method: 'tracked48', ...prefill },
      errors: {},
      savedAddresses: me?.addresses ?? [],
      savedDelivery: '',
    });
  });

  app.post(
    '/checkout',
    {
      ...checkoutStep,
      config: { csrf: 'origin', rateLimit: { max: app.config.rateLimits.formsPer10Minutes * 3, timeWindow: '10 minutes' } },
    },
    async (req, reply) => {
      await nextTurn();
      const body = (req.body ?? {}) as Record<string, unknown>;
      const bag = await openBag(app.db, bagTokenOf(req), app.clock());
      if (!bag) return emptyBag(reply);
      const linkToken = cookieCarries(req, bag) ? null : bag.token;
      const me = await signedInCustomer(req);
      // A saved address chosen for delivery fills the delivery fields here, on the server: no script needed.
      const savedDelivery = me ? (typeof body.saved_delivery === 'string' ? body.saved_delivery : '') : '';
      const chosen = me?.addresses.find((a) => String(a.id) === savedDelivery);
      if (chosen) {
        Object.assign(body, {
          same_address: '',
          delivery_first_name: chosen.first_name,
          delivery_surname: chosen.surname,
          delivery_line1: chosen.line1,
          delivery_line2: chosen.line2 ?? '',
          delivery_city: chosen.city,
          delivery_postcode: chosen.postcode,
        });
      }
      const checked = validateCheckout(body);
      const values = Object.fromEntries(CHECKOUT_FIELDS.map((k) => [k, typeof body[k] === 'string' ? (body[k] as string) : ''])) as Record<
        CheckoutField,
        string
      >;
      // The bag's lines are read here only to show the form again; placing the order reads them itself.
      const renderForm = async (errors: CheckoutErrors, notice?: string) => {
        const { lines, setAside } = await bagContents(app.db, bag);
        if (lines.length === 0) return setAside.length > 0 ? reply.redirect(bagLink('/bag', linkToken), 303) : emptyBag(reply);
        return checkoutForm(
          reply,
          {
            lines,
            setAside,
            bagToken: bag.token,
            linkToken,
            values,
            errors,
            notice,
            savedAddresses: me?.addresses ?? [],
            savedDelivery: chosen ? savedDelivery : '',
          },
          400,
        );
      };
      if (!checked.ok) return renderForm(checked.errors);
      // Sold-out or withdrawn lines the page showed as not included leave the bag; one that has
      // gone since the page was shown sends the shopper back to the bag to see it first.
      if (!(await dropSetAsideLines(app.db, bag, parseSetAside(body.set_aside), app.clock())))
        return reply.redirect(bagLink('/bag', linkToken), 303);
      // Signed in, the order joins the account, to be followed from Account Home.
      const now = app.clock();
      const optIns = checkoutOptIns(body);
      const buyer: Buyer = { customerId: me?.customer.id ?? null, ip: req.ip };
      if (optIns.length > 0) {
        // A ticked box is the account's consent when the order goes to the account's own address;
        // otherwise it is the consent of the address typed, which is where the e-mails would go.
        const subject: ConsentSubject =
          me && normaliseAddress(me.customer.email) === normaliseAddress(checked.value.email)
            ? { customerId: me.customer.id, email: me.customer.email }
            : { customerId: null, email: checked.value.email };
        buyer.consents = { subject, optIns, policyVersion: (await app.privacy.policy(now)).version };
      }
      await nextTurn();
      const placed = await placeOrder(app.db, bag.id, checked.value, now, buyer, limits);
      if (!placed.ok) {
        if (placed.reason === 'empty') return emptyBag(reply);
        if (placed.reason === 'too_large')
          return renderForm({}, 'This order is larger than we can take online (£100,000). Please contact us to arrange it.');
        if (placed.reason === 'line_quantity') return renderForm({}, lineCapMessage(placed.max));
        if (placed.reason === 'unpaid_limit') {
          return renderForm({}, unpaidLimitMessage(placed.perBuyer, app.config.payments.reservationMinutes));
        }
        // Something sold out or was withdrawn meanwhile: the bag says which, and what to do.
        return reply.redirect(bagLink('/bag', linkToken), 303);
      }
      if (placed.lowStock) await app.catalog.invalidate();
      return reply.redirect(links.path(placed.order.number), 303);
    },
  );
}

/** Why a buyer cannot place another order yet: what they can do, and when it changes by itself. */
function unpaidLimitMessage(perBuyer: number, minutes: number): string {
  const orders = perBuyer === 1 ? 'is already 1 unpaid order' : `are already ${perBuyer} unpaid orders`;
  const them = perBuyer === 1 ? 'it is' : 'they are';
  return (
    `There ${orders} from your network or e-mail address, holding pieces until ${them} paid for. ` +
    `Please pay for ${perBuyer === 1 ? 'that order' : 'one of those'} first, or try again in ${minutes} minutes, when pieces that have not been paid for go back on sale.`
  );
}

/** The checkout form: at first, and again (400) with what needs putting right. */
function checkoutForm(reply: FastifyReply, props: Parameters<typeof CheckoutPage>[0], status?: number) {
  privatePage(reply);
  return reply.page({ title: 'Checkout', noindex: true }, <CheckoutPage {...props} />, status);
}

/** A bag line holds more of one piece than an order may: the bag is where to change it. */
function lineCapPage(reply: FastifyReply, max: number, linkToken: string | null) {
  privatePage(reply);
  return reply.page(
    { title: 'Checkout', noindex: true },
    <section class="narrow">
      <h1>Please lower a quantity</h1>
      <p class="lead">{lineCapMessage(max)}</p>
      <p>
        <a class="button button-primary" href={bagLink('/bag', linkToken)}>
          Back to your bag
        </a>
      </p>
    </section>,
    400,
  );
}

function emptyBag(reply: FastifyReply) {
  privatePage(reply);
  return reply.page(
    { title: 'Checkout', noindex: true },
    <section class="narrow">
      <h1>Your bag is empty</h1>
      <p class="lead">Your bag has expired or is empty, so there is nothing to pay for. Nothing has been charged.</p>
      <p>
        <a class="button button-primary" href="/">
          Continue shopping
        </a>
      </p>
    </section>,
    400,
  );
}

function CheckoutPage({
  lines,
  setAside,
  bagToken,
  linkToken,
  values,
  errors,
  notice,
  savedAddresses,
  savedDelivery,
}: {
  lines: BagLine[];
  /** Sold-out or withdrawn lines of the bag, not in this order. */
  setAside: BagLine[];
  bagToken: string;
  linkToken: string | null;
  values: Partial<Record<CheckoutField, string>>;
  errors: CheckoutErrors;
  notice?: string;
  /** A signed-in customer's address book: with more than one address, delivery can go to any of them. */
  savedAddresses: AddressRow[];
  savedDelivery: string;
}) {
  const subtotal = subtotalOf(lines);
  const method: DeliveryMethod = values.delivery_method && isDeliveryMethod(values.delivery_method) ? values.delivery_method : 'tracked48';
  return (
    <div class="checkout-page">
      <Breadcrumbs trail={[{ href: '/', label: 'Home' }, { href: bagLink('/bag', linkToken), label: 'Your bag' }, { label: 'Checkout' }]} />
      <h1>Checkout</h1>
      {notice && <Notice kind="error">{notice}</Notice>}
      {setAside.length > 0 && (
        <Notice kind="info">
          Not included in this order, as {setAside.length === 1 ? 'it is' : 'they are'} sold out or no longer available:{' '}
          {setAside.map((l) => l.productName).join(', ')}. <a href={bagLink('/bag', linkToken)}>See your bag</a>
        </Notice>
      )}
      <ErrorSummary errors={errors} />
      <div class="checkout-layout">
        <form method="post" action="/checkout" class="checkout-form" novalidate>
          <input type="hidden" name="bag" value={bagToken} />
          <input type="hidden" name="set_aside" value={setAside.map((l) => l.variantId).join(',')} />
          <fieldset>
            <legend>Your details</legend>
            <NameFields values={values} errors={errors} />
            <EmailField value={values.email} errors={errors} hint="For your order confirmation and delivery updates only." />
            <PhoneField values={values} errors={errors} hint="In case the courier needs to reach you." />
          </fieldset>
          <fieldset>
            <legend>Billing address</legend>
            <p class="hint">The address your card is registered to.</p>
            <PostalFields values={values} errors={errors} prefix="billing_" section="billing" />
          </fieldset>
          <fieldset>
            <legend>Delivery address</legend>
            {savedAddresses.length > 1 && (
              <SelectField
                name="saved_delivery"
                label="Deliver to a saved address"
                hint="Choose one from your address book, or leave this as it is to use the choice below."
                value={savedDelivery}
                options={[
                  { value: '', label: 'No — use the choice below' },
                  ...savedAddresses.map((a) => ({
                    value: String(a.id),
                    label:
                      [`${a.first_name} ${a.surname}`, a.line1, a.line2, a.city, a.postcode].filter(Boolean).join(', ') +
                      (a.is_default === 1 ? ' (default)' : ''),
                  })),
                ]}
              />
            )}
            <Checkbox
              name="same_address"
              label="Deliver to my billing address"
              checked={values.same_address === 'yes'}
              input={{ 'data-toggles': 'delivery-fields' }}
            />
            <div id="delivery-fields" class="delivery-fields">
              <p class="hint">Leave these empty if you deliver to your billing address.</p>
              <NameFields values={values} errors={errors} prefix="delivery_" section="shipping" optional />
              <PostalFields values={values} errors={errors} prefix="delivery_" section="shipping" optional />
            </div>
          </fieldset>
          <fieldset aria-describedby={errors.delivery_method ? 'delivery_method-error' : undefined}>
            <legend>Delivery</legend>
            {DELIVERY_METHODS.map((m) => {
              const charge = deliveryCharge(m, subtotal);
              return (
                <div class="check delivery-option" key={m}>
                  <input type="radio" id={`delivery-${m}`} name="delivery_method" value={m} checked={method === m} />
                  <label for={`delivery-${m}`}>
                    <span class="option-name">{DELIVERY_OPTIONS[m].label}</span>
                    <span class="option-detail">
                      {DELIVERY_OPTIONS[m].detail} — {charge === 0 ? 'Free' : <Money pence={charge} />}
                    </span>
                  </label>
                </div>
              );
            })}
            <FieldError id="delivery_method" error={errors.delivery_method} />
          </fieldset>
          <fieldset>
            <legend>Gift message</legend>
            <Field
              name="gift_message"
              label="A message to print on the gift card"
              optional
              rows={3}
              maxLength={200}
              value={values.gift_message}
              errors={errors}
            />
          </fieldset>
          <fieldset>
            <legend>Keeping in touch</legend>
            <p class="hint">
              Both optional: leave them unticked and we e-mail you only about this order. Messages about your order come either way.
            </p>
            {CHECKOUT_OPT_INS.map((o) => (
              <Checkbox key={o.field} name={o.field} label={o.wording} checked={values[o.field] === 'yes'} />
            ))}
          </fieldset>
          <p class="form-note">
            We use these details only to take payment for and deliver your order (and for what you tick above), and keep them as our{' '}
            <a href="/privacy">privacy policy</a> explains. Your card details go straight to Opayo, our payment provider — never to us.
          </p>
          <button type="submit" class="button button-primary button-wide">
            Continue to payment
          </button>
        </form>
        <OrderSummary lines={summaryLines(lines)} totals={orderTotals(subtotal, method)} deliveryMethod={method} />
      </div>
    </div>
  );
}
