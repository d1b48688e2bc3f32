import type { FastifyInstance } from 'fastify';
import { Notice } from '../../http/views/components.js';
import { catalogueStockCounts } from '../catalog/catalog.service.js';
import { countEnquiriesSince } from '../contact/contact.service.js';
import { outboxHealth } from '../mail/outbox.service.js';
import { RECONCILE_AFTER_MINUTES } from '../orders/orders.domain.js';
import { orderDashboardCounts } from '../orders/orders.service.js';
import { can } from '../staff/staff.domain.js';
import { requestClockCounts } from '../privacy/requests.service.js';
import { backupStatus } from '../backups/backups.status.js';
import { BackupStatusLines, backupsNeedAttention } from '../backups/views/backup-status.js';
import { breachesAwaitingReport } from '../breaches/breaches.service.js';
import { BreachesPanel } from '../breaches/views/breach-pages.js';

export const LOW_STOCK_AT = 2;

/** The instant the shop's day began: midnight in London, as an ISO instant. */
function londonMidnight(now: Date): string {
  const [y, m, d] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(now)
    .split('-')
    .map(Number) as [number, number, number];
  const utcMidnight = Date.UTC(y, m - 1, d);
  // London is UTC or UTC+1, so its clock at that UTC midnight reads 00:00 or 01:00: the offset in hours.
  // (The clocks change at 01:00 UTC, so the offset at UTC midnight is the one London's midnight had.)
  const offsetHours = Number(
    new Intl.DateTimeFormat('en-GB', { hour: 'numeric', hourCycle: 'h23', timeZone: 'Europe/London' }).format(new Date(utcMidnight)),
  );
  return new Date(utcMidnight - offsetHours * 3_600_000).toISOString();
}

export async function dashboardRoutes(app: FastifyInstance): Promise<void> {
  app.get('/admin', { config: { access: 'dashboard.view' } }, async (req, reply) => {
    const now = app.clock();
    const session = req.staffSession!;
    const role = session.staff.role;
    // Each figure is asked of the feature that owns its table, all at once.
    // The backups are the owner's and the manager's to watch: the manager sees them, the owner acts on them.
    const seesBackups = can(role, 'backups.view');
    const [stock, enquiriesThisWeek, orders, mail, privacy, backups, breaches] = await Promise.all([
      catalogueStockCounts(app.db, LOW_STOCK_AT),
      countEnquiriesSince(app.db, new Date(now.getTime() - 7 * 86_400_000)),
      orderDashboardCounts(app.db, {
        today: londonMidnight(now),
        reconcileBefore: new Date(now.getTime() - RECONCILE_AFTER_MINUTES * 60_000).toISOString(),
      }),
      outboxHealth(app.db, now),
      can(role, 'privacy.requests') ? requestClockCounts(app.db, now) : null,
      seesBackups ? backupStatus(app, now) : null,
      // Open breaches still to be reported or decided, the most urgent first: one query on the open-breach index.
      can(role, 'breaches.manage') ? breachesAwaitingReport(app.db, now) : null,
    ]);
    const counts = {
      ...stock,
      enquiriesThisWeek,
      ordersPaidToday: orders.paidToday,
      ordersToDispatch: orders.toDispatch,
      ordersToReconcile: orders.toReconcile,
    };
    const hour = Number(new Intl.DateTimeFormat('en-GB', { hour: 'numeric', hourCycle: 'h23', timeZone: 'Europe/London' }).format(now));
    return reply.adminPage(
      { title: 'Dashboard', section: 'dashboard', csrfToken: reply.csrfToken() },
      <section>
        <h1>
          Good {hour < 12 ? 'morning' : hour < 18 ? 'afternoon' : 'evening'}, {session.staff.name.split(' ')[0]}
        </h1>
        {!session.staff.twoFactor && (
          <Notice kind="info">
            Two-factor sign-in is off for your account. <a href="/admin/account/two-factor">Turn it on</a> — it is required on the live
            shop.
          </Notice>
        )}
        <ul class="stats">
          {breaches && breaches.breaches.length > 0 && <BreachesPanel awaiting={breaches.breaches} more={breaches.more} />}
          <li>
            <span class="figure">{counts.ordersPaidToday}</span> orders today
            <br />
            <small>Paid since midnight (UK time).</small>
            {can(role, 'orders.view') && (
              <>
                <br />
                <a href="/admin/orders">See orders</a>
              </>
            )}
          </li>
          <li>
            <span class="figure">{counts.ordersToDispatch}</span> orders to dispatch
            <br />
            <small>Paid and waiting to be posted.</small>
            {can(role, 'orders.fulfil') && (
              <>
                <br />
                <a href="/admin/dispatch">Dispatch list</a>
              </>
            )}
          </li>
          {can(role, 'orders.manage') && (
            <li class={counts.ordersToReconcile > 0 ? 'stat-attention' : undefined}>
              <span class="figure">{counts.ordersToReconcile}</span> orders to reconcile
              <br />
              <small>No payment result after {RECONCILE_AFTER_MINUTES} minutes: check them in MyOpayo.</small>
              <br />
              <a href="/admin/orders/reconcile">Reconcile payments</a>
            </li>
          )}
          <li>
            <span class="figure">{counts.lowStock}</span> variants low on stock ({LOW_STOCK_AT} or fewer)
            {can(role, 'catalogue.view') && (
              <>
                <br />
                <a href="/admin/products">See products</a>
              </>
            )}
          </li>
          <li>
            <span class="figure">{counts.soldOut}</span> variants sold out
          </li>
          <li>
            <span class="figure">{counts.products}</span> products on sale
          </li>
          {privacy && (
            <li class={privacy.overdue > 0 || privacy.complaintsToAcknowledge > 0 ? 'stat-attention' : undefined}>
              <span class="figure">{privacy.overdue}</span> privacy requests overdue, <span class="figure">{privacy.dueSoon}</span> due
              within 7 days
              <br />
              <small>
                {privacy.complaintsToAcknowledge} complaint{privacy.complaintsToAcknowledge === 1 ? '' : 's'} awaiting acknowledgement.
                Answers are due one month from confirmation.
              </small>
              <br />
              <a href="/admin/privacy-requests?status=live">Privacy requests</a>
            </li>
          )}
          {can(role, 'orders.view') && (
            <li class={mail.overdue > 0 || mail.failed > 0 ? 'stat-attention' : undefined}>
              <span class="figure">{mail.waiting}</span> e-mails waiting to send
              <br />
              <small>
                {mail.overdue > 0
                  ? `${mail.overdue} overdue by more than 10 minutes: the mail worker may have stopped.`
                  : 'Order e-mails go out within a minute or two.'}
                {mail.failed > 0 && ` ${mail.failed} could not be sent after every retry: contact those customers another way.`}
              </small>
            </li>
          )}
          {backups && (
            <li class={backupsNeedAttention(backups) ? 'stat-attention backups-panel' : 'backups-panel'}>
              <strong>Backups</strong>
              <BackupStatusLines status={backups} />
              {can(role, 'backups.manage') && <a href="/admin/backups">Backups</a>}
            </li>
          )}
          {can(role, 'enquiries.view') && (
            <li>
              <span class="figure">{counts.enquiriesThisWeek}</span> enquiries in the last 7 days
              <br />
              <a href="/admin/enquiries">Read enquiries</a>
            </li>
          )}
        </ul>
      </section>,
    );
  });
}
