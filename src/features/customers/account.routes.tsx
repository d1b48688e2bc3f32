import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { notFound } from '../../http/errors.js';
import { fieldText, formBodyOf, type FormBody } from '../../http/form-fields.js';
import type { FieldErrors } from '../../http/views/form.js';
import { AUDIT_RETENTION } from '../audit/audit.inventory.js';
import { isOrderNumber } from '../orders/orders.domain.js';
import { orderLinks } from '../orders/orders.links.js';
import { VERIFY_LINK_HOURS, tooManyAttempts } from './customers.domain.js';
import { parseAddress, parseDetails, parseEmail, parseNewPassword } from './customers.forms.js';
import type { CustomerRow } from './customers.repository.js';
import {
  ACCESSES_SHOWN,
  type CustomerSession,
  accessesToCustomer,
  activeSessionsOf,
  addAddress,
  addressOf,
  addressesOf,
  changePassword,
  customerById,
  editAddress,
  makeDefaultAddress,
  orderOf,
  ordersOf,
  removeAddress,
  requestEmailChange,
  revokeSession,
  saveNewsletterChoices,
  signInAddressKey,
  signOutEverywhere,
  updateDetails,
} from './customers.service.js';
import { accountMailContext, clearSessionCookie, requireCustomer } from './customers.session.js';
import { choicesOfAccount, historyOfAccount } from '../consent/consent.service.js';
import { type Partner, activePartners, partnerById } from '../partners/partners.service.js';
import { AccountHome } from './views/account-home.js';
import { AccountLayout, type AccountSection } from './views/account-layout.js';
import { ADDRESS_BOOK_FULL, AddressBook, type AddressValues, EditAddress, addressValues } from './views/addresses.js';
import { DetailsPage, type DetailsValues } from './views/details.js';
import { NewsletterPage, newsletterBoxes } from './views/newsletter.js';
import { OrderDetail, OrdersList } from './views/orders.js';
import { PrivacyPage } from './views/privacy.js';
import { SecurityPage } from './views/security.js';

const ADDRESS_FIELDS = ['first_name', 'surname', 'line1', 'line2', 'city', 'postcode', 'make_default'] as const;
const DETAILS_FIELDS = ['first_name', 'surname', 'phone'] as const;

/** The fields a form sent, as text, so a refused form comes back as it was filled in. */
const keep = <K extends string>(body: FormBody, keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, fieldText(body[k]).slice(0, 300)])) as Partial<Record<K, string>>;

/** Ids in addresses are positive integers that fit a database integer; anything else is simply not found. */
function idParam(raw: string, what: string): number {
  if (!/^[1-9]\d{0,9}$/.test(raw) || Number(raw) > 2_147_483_647) throw notFound(what);
  return Number(raw);
}

const NO_ADDRESS = "We couldn't find that address in your address book.";
const NO_ORDER = "We couldn't find that order on your account.";
const NO_SESSION = "We couldn't find that device: it may already be signed out.";

/**
 * Account Home and its sections. Every page and form first asks for the signed-in customer, and
 * every lookup after that is scoped to that customer's id: another customer's address, order or
 * session is "not found", exactly like one that does not exist.
 */
export async function accountRoutes(app: FastifyInstance): Promise<void> {
  const mail = accountMailContext(app.config);
  const links = orderLinks(app.config);
  const addressKey = signInAddressKey(app.config.secretKey);
  // Forms that check a password or send mail are limited per network as well.
  const limit = { rateLimit: { max: app.config.rateLimits.formsPer10Minutes * 2, timeWindow: '10 minutes' } };
  // Every route here is for the signed-in customer only: anyone else is sent to sign in before any body is read.
  const customerOnly = { customer: 'signed-in' } as const;
  const signedInOnly = { config: customerOnly };

  const show = (reply: FastifyReply, current: AccountSection, title: string, body: ComponentChildren, status = 200) =>
    reply.page(
      { title, noindex: true },
      <AccountLayout current={current} title={title} csrf={reply.csrfToken()}>
        {body}
      </AccountLayout>,
      status,
    );

  /** The signed-in customer and their account, or null once the reply is a redirect to sign in. */
  async function signedIn(req: FastifyRequest, reply: FastifyReply): Promise<{ session: CustomerSession; customer: CustomerRow } | null> {
    const session = await requireCustomer(req, reply);
    if (!session) return null;
    const customer = await customerById(app.db, session.customerId);
    if (!customer) {
      // Sessions go with their account; this is only a deletion racing this request.
      clearSessionCookie(reply, app.config);
      await reply.redirect('/account/sign-in', 303);
      return null;
    }
    return { session, customer };
  }

  const query = (req: FastifyRequest) => req.query as Record<string, unknown>;

  // ——— Account Home ———

  app.get('/account', signedInOnly, async (req, reply) => {
    const me = await signedIn(req, reply);
    if (!me) return reply;
    const id = me.customer.id;
    const [addresses, orders, sessions, accesses] = await Promise.all([
      addressesOf(app.db, id),
      ordersOf(app.db, id),
      activeSessionsOf(app.db, id, app.clock()),
      accessesToCustomer(app.db, id),
    ]);
    return show(
      reply,
      '/account',
      'Account Home',
      <AccountHome
        customer={me.customer}
        subscribed={
          (await choicesOfAccount(app.db, { customerId: me.customer.id, email: me.customer.email })).get('general-subscription')?.given ??
          false
        }
        defaultAddress={addresses.find((a) => a.is_default === 1) ?? addresses[0] ?? null}
        addressCount={addresses.length}
        latestOrders={orders.slice(0, 3)}
        orderCount={orders.length}
        sessionCount={sessions.length}
        accessCount={accesses.length}
        accessCountIsCapped={accesses.length >= ACCESSES_SHOWN}
      />,
    );
  });

  // ——— My details ———

  const detailsPage = (
    reply: FastifyReply,
    customer: CustomerRow,
    state: {
      values?: DetailsValues;
      errors?: FieldErrors;
      emailValue?: string;
      emailErrors?: FieldErrors;
      notice?: { kind: 'success' | 'info'; text: string };
    },
    status = 200,
  ) =>
    show(
      reply,
      '/account/details',
      'My details',
      <DetailsPage
        csrf={reply.csrfToken()}
        email={customer.email}
        values={state.values ?? { first_name: customer.first_name, surname: customer.surname, phone: customer.phone }}
        errors={state.errors ?? {}}
        emailValue={state.emailValue ?? ''}
        emailErrors={state.emailErrors ?? {}}
        notice={state.notice}
      />,
      status,
    );

  app.get('/account/details', signedInOnly, async (req, reply) => {
    const me = await signedIn(req, reply);
    if (!me) return reply;
    const q = query(req);
    const email = fieldText(q.email);
    const notice =
      email === 'sent'
        ? {
            kind: 'info' as const,
            text: `We've sent a link to the new address. Your address changes once you confirm it there (the link works for ${VERIFY_LINK_HOURS} hours); until then we keep using ${me.customer.email}. We've told your current address about the change too.`,
          }
        : email === 'changed'
          ? { kind: 'success' as const, text: `Your e-mail address is now ${me.customer.email}. We've told your previous address.` }
          : fieldText(q.saved)
            ? { kind: 'success' as const, text: 'Your details are saved.' }
            : undefined;
    return detailsPage(reply, me.customer, { notice });
  });

  app.post('/account/details', signedInOnly, async (req, reply) => {
    const me = await signedIn(req, reply);
    if (!me) return reply;
    const body = formBodyOf(req);
    const parsed = parseDetails(body);
    if (!parsed.ok) return detailsPage(reply, me.customer, { values: keep(body, DETAILS_FIELDS), errors: parsed.errors }, 400);
    await updateDetails(app.db, me.customer.id, parsed.value, app.clock());
    return reply.redirect('/account/details?saved=1', 303);
  });

  app.post('/account/details/email', { config: { ...limit, ...customerOnly } }, async (req, reply) => {
    const me = await signedIn(req, reply);
    if (!me) return reply;
    const body = formBodyOf(req);
    const emailValue = fieldText(body.email).slice(0, 300);
    const current = fieldText(body.current_password);
    const parsed = parseEmail(body);
    const emailErrors: FieldErrors = parsed.ok ? {} : { ...parsed.errors };
    if (current === '') emailErrors.current_password = 'Please enter your current password.';
    else if (current.length > 200) emailErrors.current_password = "That isn't your current password. Please try again.";
    if (!parsed.ok || emailErrors.current_password) return detailsPage(reply, me.customer, { emailValue, emailErrors }, 400);
    const result = await requestEmailChange(app.db, me.customer.id, parsed.value, current, app.clock(), mail, addressKey);
    if (!result.ok) {
      const refused: FieldErrors =
        result.reason === 'waiting'
          ? { current_password: tooManyAttempts(result.minutes) }
          : result.reason === 'wrong-password'
            ? { current_password: "That isn't your current password. Please try again." }
            : { email: 'That is already the address of your account.' };
      return detailsPage(reply, me.customer, { emailValue, emailErrors: refused }, result.reason === 'waiting' ? 429 : 400);
    }
    return reply.redirect('/account/details?email=sent', 303);
  });

  // ——— Address book ———

  const addressBook = async (
    reply: FastifyReply,
    customer: CustomerRow,
    state: { values?: AddressValues; errors?: FieldErrors; notice?: string; error?: string },
    status = 200,
  ) =>
    show(
      reply,
      '/account/addresses',
      'Address book',
      <AddressBook
        csrf={reply.csrfToken()}
        addresses={await addressesOf(app.db, customer.id)}
        values={state.values ?? { first_name: customer.first_name, surname: customer.surname }}
        errors={state.errors ?? {}}
        notice={state.notice}
        error={state.error}
      />,
      status,
    );

  const ADDRESS_NOTICES: Record<string, string> = {
    added: 'The address is added to your address book.',
    saved: 'The address is saved.',
    deleted: 'The address is deleted.',
    default: 'Your default delivery address is changed.',
  };

  app.get('/account/addresses', signedInOnly, async (req, reply) => {
    const me = await signedIn(req, reply);
    if (!me) return reply;
    return addressBook(reply, me.customer, { notice: ADDRESS_NOTICES[fieldText(query(req).done)] });
  });

  app.post('/account/addresses', signedInOnly, async (req, reply) => {
    const me = await signedIn(req, reply);
    if (!me) return reply;
    const body = formBodyOf(req);
    const parsed = parseAddress(body);
    if (!parsed.ok) return addressBook(reply, me.customer, { values: keep(body, ADDRESS_FIELDS), errors: parsed.errors }, 400);
    const added = await addAddress(app.db, me.customer.id, parsed.value, fieldText(body.make_default) === 'yes', app.clock());
    if (!added.ok) return addressBook(reply, me.customer, { values: keep(body, ADDRESS_FIELDS), error: ADDRESS_BOOK_FULL }, 400);
    return reply.redirect('/account/addresses?done=added', 303);
  });

  const editPage = (reply: FastifyReply, id: number, values: AddressValues, errors: FieldErrors, status = 200) =>
    show(
      reply,
      '/account/addresses',
      'Change an address',
      <EditAddress csrf={reply.csrfToken()} id={id} values={values} errors={errors} />,
      status,
    );

  app.get<{ Params: { id: string } }>('/account/addresses/:id', signedInOnly, async (req, reply) => {
    const me = await signedIn(req, reply);
    if (!me) return reply;
    const address = await addressOf(app.db, me.customer.id, idParam(req.params.id, NO_ADDRESS));
    if (!address) throw notFound(NO_ADDRESS);
    return editPage(reply, address.id, addressValues(address), {});
  });

  app.post<{ Params: { id: string } }>('/account/addresses/:id', signedInOnly, async (req, reply) => {
    const me = await signedIn(req, reply);
    if (!me) return reply;
    const id = idParam(req.params.id, NO_ADDRESS);
    // Ownership first: another customer's address is not found, whatever the form holds.
    if (!(await addressOf(app.db, me.customer.id, id))) throw notFound(NO_ADDRESS);
    const body = formBodyOf(req);
    const parsed = parseAddress(body);
    if (!parsed.ok) return editPage(reply, id, keep(body, ADDRESS_FIELDS), parsed.errors, 400);
    if (!(await editAddress(app.db, me.customer.id, id, parsed.value, app.clock()))) throw notFound(NO_ADDRESS);
    return reply.redirect('/account/addresses?done=saved', 303);
  });

  app.post<{ Params: { id: string } }>('/account/addresses/:id/delete', signedInOnly, async (req, reply) => {
    const me = await signedIn(req, reply);
    if (!me) return reply;
    if (!(await removeAddress(app.db, me.customer.id, idParam(req.params.id, NO_ADDRESS), app.clock()))) throw notFound(NO_ADDRESS);
    return reply.redirect('/account/addresses?done=deleted', 303);
  });

  app.post<{ Params: { id: string } }>('/account/addresses/:id/default', signedInOnly, async (req, reply) => {
    const me = await signedIn(req, reply);
    if (!me) return reply;
    if (!(await makeDefaultAddress(app.db, me.customer.id, idParam(req.params.id, NO_ADDRESS), app.clock()))) throw notFound(NO_ADDRESS);
    return reply.redirect('/account/addresses?done=default', 303);
  });

  // ——— Orders ———

  app.get('/account/orders', signedInOnly, async (req, reply) => {
    const me = await signedIn(req, reply);
    if (!me) return reply;
    return show(
      reply,
      '/account/orders',
      'Orders',
      <OrdersList orders={await ordersOf(app.db, me.customer.id)} email={me.customer.email} />,
    );
  });

  app.get<{ Params: { number: string } }>('/account/orders/:number', signedInOnly, async (req, reply) => {
    const me = await signedIn(req, reply);
    if (!me) return reply;
    const number = req.params.number;
    const found = isOrderNumber(number) ? await orderOf(app.db, me.customer.id, number) : null;
    if (!found) throw notFound(NO_ORDER);
    const payHref = found.order.status === 'awaiting_payment' ? links.path(found.order.number) : null;
    return show(
      reply,
      '/account/orders',
      `Order ${found.order.number}`,
      <OrderDetail order={found.order} lines={found.lines} payHref={payHref} />,
    );
  });

  // ——— Newsletter Subscription ———

  /**
   * The page's boxes for an account, and what it consents to now: ours, one per partner in use,
   * and — so that it can still be withdrawn — one for each retired partner the account still
   * consents to (a retired partner is never offered anew).
   */
  async function newsletterOf(account: { customerId: number; email: string }) {
    const [choices, partners] = await Promise.all([choicesOfAccount(app.db, account), activePartners(app.db)]);
    const given = new Set([...choices.values()].filter((c) => c.given).map((c) => c.purpose));
    const inUse = new Set(partners.map((p) => `partner:${p.id}`));
    const retired: Partner[] = [];
    for (const purpose of given) {
      if (!/^partner:\d+$/.test(purpose) || inUse.has(purpose)) continue;
      const partner = await partnerById(app.db, Number(purpose.slice('partner:'.length)));
      if (partner) retired.push(partner);
    }
    return { given, boxes: newsletterBoxes(partners, retired) };
  }

  app.get('/account/newsletter', signedInOnly, async (req, reply) => {
    const me = await signedIn(req, reply);
    if (!me) return reply;
    const account = { customerId: me.customer.id, email: me.customer.email };
    const [{ given, boxes }, history] = await Promise.all([newsletterOf(account), historyOfAccount(app.db, account)]);
    // The history names every partner it mentions, retired ones too.
    const partnerIds = new Set(history.flatMap((e) => (/^partner:\d+$/.test(e.purpose) ? [Number(e.purpose.slice(8))] : [])));
    const partnerNames = new Map<number, string>();
    for (const id of partnerIds) {
      const partner = await partnerById(app.db, id);
      if (partner) partnerNames.set(id, partner.name);
    }
    return show(
      reply,
      '/account/newsletter',
      'Newsletter Subscription',
      <NewsletterPage
        csrf={reply.csrfToken()}
        boxes={boxes}
        given={given}
        saved={fieldText(query(req).saved) !== ''}
        history={history}
        partnerNames={partnerNames}
        policyVersions={await app.privacy.versions()}
      />,
    );
  });

  app.post('/account/newsletter', signedInOnly, async (req, reply) => {
    const me = await signedIn(req, reply);
    if (!me) return reply;
    const now = app.clock();
    const body = formBodyOf(req);
    const account = { customerId: me.customer.id, email: me.customer.email };
    // The boxes are those offered now: one for a partner retired since the page was shown can only withdraw.
    const choices = (await newsletterOf(account)).boxes.map((b) => ({
      purpose: b.purpose,
      wording: b.wording,
      on: fieldText(body[b.field]) === 'yes',
    }));
    await saveNewsletterChoices(app.db, account, choices, (await app.privacy.policy(now)).version, now);
    return reply.redirect('/account/newsletter?saved=1', 303);
  });

  // ——— Privacy ———

  app.get('/account/privacy', signedInOnly, async (req, reply) => {
    const me = await signedIn(req, reply);
    if (!me) return reply;
    return show(
      reply,
      '/account/privacy',
      'Privacy',
      <PrivacyPage
        shopEmail={app.config.shop.email}
        accesses={await accessesToCustomer(app.db, me.customer.id)}
        shownAtMost={ACCESSES_SHOWN}
        retention={AUDIT_RETENTION.text}
      />,
    );
  });

  // ——— Security ———

  const SECURITY_NOTICES: Record<string, string> = {
    password:
      "Your password is changed, and every other device has been signed out. Any e-mail-change or password-reset link still waiting no longer works. We've e-mailed you to confirm.",
    revoked: 'That device is signed out.',
    others: 'Every other device is signed out, and any e-mail-change or password-reset link still waiting no longer works.',
  };

  const securityPage = async (reply: FastifyReply, session: CustomerSession, errors: FieldErrors, notice?: string, status = 200) =>
    show(
      reply,
      '/account/security',
      'Security',
      <SecurityPage
        csrf={reply.csrfToken()}
        errors={errors}
        sessions={await activeSessionsOf(app.db, session.customerId, app.clock())}
        currentSessionId={session.sessionId}
        notice={notice}
      />,
      status,
    );

  app.get('/account/security', signedInOnly, async (req, reply) => {
    const me = await signedIn(req, reply);
    if (!me) return reply;
    return securityPage(reply, me.session, {}, SECURITY_NOTICES[fieldText(query(req).done)]);
  });

  app.post('/account/security/password', { config: { ...limit, ...customerOnly } }, async (req, reply) => {
    const me = await signedIn(req, reply);
    if (!me) return reply;
    const body = formBodyOf(req);
    const current = fieldText(body.current_password);
    const parsed = parseNewPassword(body, { email: me.customer.email, first_name: me.customer.first_name, surname: me.customer.surname });
    const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors };
    if (current === '') errors.current_password = 'Please enter your current password.';
    else if (current.length > 200) errors.current_password = "That isn't your current password.";
    if (!parsed.ok || errors.current_password) return securityPage(reply, me.session, errors, undefined, 400);
    const result = await changePassword(app.db, me.session, current, parsed.value, app.clock(), mail, addressKey);
    if (!result.ok && result.reason === 'waiting') {
      return securityPage(reply, me.session, { current_password: tooManyAttempts(result.minutes) }, undefined, 429);
    }
    if (!result.ok) {
      return securityPage(reply, me.session, { current_password: "That isn't your current password. Please try again." }, undefined, 400);
    }
    return reply.redirect('/account/security?done=password', 303);
  });

  app.post<{ Params: { id: string } }>('/account/sessions/:id/revoke', signedInOnly, async (req, reply) => {
    const me = await signedIn(req, reply);
    if (!me) return reply;
    const id = idParam(req.params.id, NO_SESSION);
    if (!(await revokeSession(app.db, me.customer.id, id))) throw notFound(NO_SESSION);
    if (id === me.session.sessionId) {
      clearSessionCookie(reply, app.config);
      return reply.redirect('/account/sign-in?signed-out=1', 303);
    }
    return reply.redirect('/account/security?done=revoked', 303);
  });

  app.post('/account/sessions/revoke-others', signedInOnly, async (req, reply) => {
    const me = await signedIn(req, reply);
    if (!me) return reply;
    await signOutEverywhere(app.db, me.customer.id, me.session.sessionId, app.clock());
    return reply.redirect('/account/security?done=others', 303);
  });
}
