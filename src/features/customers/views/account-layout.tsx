import type { ComponentChildren } from 'preact';
import { Breadcrumbs } from '../../../http/views/components.js';
import { ActionButton } from '../../../http/views/form.js';

/** Account Home's sections, as named in our privacy policy. */
export const ACCOUNT_SECTIONS = [
  { path: '/account', label: 'Account Home' },
  { path: '/account/details', label: 'My details' },
  { path: '/account/addresses', label: 'Address book' },
  { path: '/account/orders', label: 'Orders' },
  { path: '/account/newsletter', label: 'Newsletter Subscription' },
  { path: '/account/privacy', label: 'Privacy' },
  { path: '/account/security', label: 'Security' },
] as const;
export type AccountSection = (typeof ACCOUNT_SECTIONS)[number]['path'];

export function AccountLayout({
  current,
  title,
  csrf,
  children,
}: {
  current: AccountSection;
  title: string;
  csrf: string;
  children: ComponentChildren;
}) {
  const trail =
    current === '/account'
      ? [{ href: '/', label: 'Home' }, { label: 'Account Home' }]
      : [{ href: '/', label: 'Home' }, { href: '/account', label: 'Account Home' }, { label: title }];
  return (
    <div class="account-page">
      <Breadcrumbs trail={trail} />
      <div class="account-layout">
        <nav class="account-nav" aria-label="Your account">
          <ul>
            {ACCOUNT_SECTIONS.map((s) => (
              <li key={s.path}>
                <a href={s.path} aria-current={s.path === current ? 'page' : undefined}>
                  {s.label}
                </a>
              </li>
            ))}
          </ul>
          <ActionButton action="/account/sign-out" csrf={csrf} buttonClass="button button-quiet">
            Sign out
          </ActionButton>
        </nav>
        <div class="account-main">
          <h1>{title}</h1>
          {children}
        </div>
      </div>
    </div>
  );
}
