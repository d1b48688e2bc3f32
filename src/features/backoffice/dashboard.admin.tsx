import type { FastifyInstance } from 'fastify';
import { can } from '../staff/staff.domain.js';
import { dashboardCounts } from './dashboard.repository.js';

export const LOW_STOCK_AT = 2;

export async function dashboardRoutes(app: FastifyInstance): Promise<void> {
  app.get('/admin', { config: { access: 'dashboard.view' } }, async (req, reply) => {
    const now = app.clock();
    const counts = await dashboardCounts(app.db, { weekAgo: new Date(now.getTime() - 7 * 86_400_000).toISOString() }, LOW_STOCK_AT);
    const session = req.staffSession!;
    const role = session.staff.role;
    const hour = Number(new Intl.DateTimeFormat('en-GB', { hour: 'numeric', hourCycle: 'h23', timeZone: 'Europe/London' }).format(now));
    return reply.adminPage(
      { title: 'Dashboard', section: 'dashboard', csrfToken: reply.csrfToken() },
      <section>
        <h1>
          Good {hour < 12 ? 'morning' : hour < 18 ? 'afternoon' : 'evening'}, {session.staff.name.split(' ')[0]}
        </h1>
        {!session.staff.twoFactor && (
          <p class="notice notice-info">
            Two-factor sign-in is off for your account. <a href="/admin/account/two-factor">Turn it on</a> — it is required on the live
            shop.
          </p>
        )}
        <ul class="stats">
          <li>
            <span class="figure">0</span> orders today
            <br />
            <small>Online checkout is not open yet, so no orders can arrive.</small>
          </li>
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
          <li>
            <span class="figure">0</span> open privacy requests
            <br />
            <small>Requests by e-mail are answered within one month.</small>
          </li>
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
