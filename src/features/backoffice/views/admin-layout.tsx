import type { ComponentChildren } from 'preact';
import { ActionButton } from '../../../http/views/form.js';
import { type Permission, ROLE_LABELS, can } from '../../staff/staff.domain.js';
import type { StaffSession } from '../../staff/staff.service.js';

export interface AdminMeta {
  title: string;
  /** Which navigation entry is current. */
  section?: string;
  csrfToken?: string;
}

const NAV: { href: string; label: string; section: string; permission: Permission }[] = [
  { href: '/admin', label: 'Dashboard', section: 'dashboard', permission: 'dashboard.view' },
  { href: '/admin/products', label: 'Products', section: 'products', permission: 'catalogue.view' },
  { href: '/admin/categories', label: 'Categories & collections', section: 'categories', permission: 'catalogue.edit' },
  { href: '/admin/orders', label: 'Orders', section: 'orders', permission: 'orders.view' },
  { href: '/admin/dispatch', label: 'Dispatch', section: 'dispatch', permission: 'orders.fulfil' },
  { href: '/admin/orders/reconcile', label: 'Reconcile payments', section: 'reconcile', permission: 'orders.manage' },
  { href: '/admin/enquiries', label: 'Enquiries', section: 'enquiries', permission: 'enquiries.view' },
  { href: '/admin/privacy-requests', label: 'Privacy requests', section: 'privacy-requests', permission: 'privacy.requests' },
  { href: '/admin/feedback', label: 'Feedback', section: 'feedback', permission: 'feedback.view' },
  { href: '/admin/campaigns', label: 'Campaigns', section: 'campaigns', permission: 'marketing.view' },
  { href: '/admin/statistics', label: 'Statistics', section: 'statistics', permission: 'statistics.view' },
  { href: '/admin/marketing-requests', label: 'Marketing requests', section: 'marketing-requests', permission: 'marketing.requests' },
  { href: '/admin/partners', label: 'Partners', section: 'partners', permission: 'partners.view' },
  { href: '/admin/staff', label: 'Staff', section: 'staff', permission: 'staff.manage' },
  { href: '/admin/audit', label: 'Audit trail', section: 'audit', permission: 'audit.view' },
  { href: '/admin/backups', label: 'Backups', section: 'backups', permission: 'backups.manage' },
  { href: '/admin/breaches', label: 'Breach register', section: 'breaches', permission: 'breaches.manage' },
  { href: '/admin/records', label: 'Records of processing', section: 'records', permission: 'records.view' },
  { href: '/admin/policy', label: 'Privacy policy', section: 'policy', permission: 'policy.manage' },
  { href: '/admin/export', label: 'Whole-shop export', section: 'export', permission: 'shop.export' },
];

export function AdminLayout({
  shopName,
  session,
  meta,
  children,
}: {
  shopName: string;
  session: StaffSession | null;
  meta: AdminMeta;
  children: ComponentChildren;
}) {
  // The navigation waits until the member is fully signed in and has accepted the undertaking: until then every entry leads back here.
  const full = session?.stage === 'full' && session.undertakingAcceptedAt !== null;
  return (
    <html lang="en-GB">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{`${meta.title} | Back office | ${shopName}`}</title>
        <link rel="stylesheet" href="/assets/site.css" />
        <link rel="stylesheet" href="/assets/admin.css" />
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
        <script src="/assets/admin.js" defer />
      </head>
      <body class="admin">
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="admin-header">
          <a class="admin-brand" href="/admin">
            {shopName} <span>back office</span>
          </a>
          {session && (
            <div class="admin-who">
              <span>
                {session.staff.name} · {ROLE_LABELS[session.staff.role]}
              </span>
              <a href="/admin/account">Your account</a>
              {meta.csrfToken && (
                <ActionButton action="/admin/sign-out" csrf={meta.csrfToken} buttonClass="link-button">
                  Sign out
                </ActionButton>
              )}
            </div>
          )}
        </header>
        <div class={`admin-body${session && full ? ' with-nav' : ''}`}>
          {session && full && (
            <nav aria-label="Back office" class="admin-nav">
              <ul>
                {NAV.filter((n) => can(session.staff.role, n.permission)).map((n) => (
                  <li key={n.href}>
                    <a href={n.href} aria-current={meta.section === n.section ? 'page' : undefined}>
                      {n.label}
                    </a>
                  </li>
                ))}
                <li>
                  <a href="/" class="to-shop">
                    View the shop →
                  </a>
                </li>
              </ul>
            </nav>
          )}
          <main id="main" tabIndex={-1} class="admin-main">
            {children}
          </main>
        </div>
      </body>
    </html>
  );
}
