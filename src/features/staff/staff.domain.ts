/**
 * Who may do what in the back office: one permission matrix, in code. Every back-office route
 * names the permission it needs; a test walks every route for every role.
 */

export const ROLES = ['owner', 'manager', 'customer_service', 'fulfilment', 'marketing'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  owner: 'Owner',
  manager: 'Manager',
  customer_service: 'Customer service',
  fulfilment: 'Fulfilment',
  marketing: 'Marketing',
};

export const PERMISSIONS = {
  'dashboard.view': 'See the dashboard',
  'catalogue.view': 'See products, prices and stock',
  'catalogue.edit': 'Create and change products, prices, images, categories and collections',
  'stock.adjust': 'Adjust stock, with a reason',
  'enquiries.view': "Read customers' contact-form enquiries (personal data; every look is recorded)",
  'orders.view': "See orders: customers' names, contact details and addresses (every look is recorded)",
  'orders.fulfil': 'Pack and dispatch orders: delivery name and address only',
  'orders.manage': 'Cancel orders and record refunds and reconciled payments',
  'staff.manage': 'Invite staff, change roles, disable accounts',
  'audit.view': 'Browse and verify the audit trail',
  'marketing.view': 'See marketing campaigns and their reports',
  'marketing.send': 'Write, test, schedule, send and cancel marketing campaigns',
  'marketing.requests': 'Record a marketing request received by e-mail or post (a withdrawal, with the reason)',
  'partners.view': 'See the partners the shop may share data with, each only with consent',
  'partners.manage': 'Declare, change and retire partners, and export to one the customers who agreed to it (every export is recorded)',
  'feedback.view': 'Read the answers to feedback requests (they name no one)',
  'statistics.view': 'See the visitor statistics and download their figures (counts only: they name no one)',
  'privacy.requests':
    "Handle privacy requests: record those received by e-mail or post, answer them, correct and erase customers' data (every step is recorded)",
  'statistics.export': 'Take the research export of the visitor statistics for an outside agency, with a reason (every export is recorded)',
  'backups.manage': 'See the backups and their restore drills, back up now and run the restore drill (every run is recorded)',
  'backups.view': 'See on the dashboard whether the last backup and restore drill succeeded',
  'policy.manage': 'Mark a privacy policy change as material, with its summary, which shows a notice and e-mails account holders',
  'records.view': 'See and download the records of processing and the retention schedule with its last runs',
  'breaches.manage':
    'Record suspected personal-data breaches, assess them, report them and tell the people affected (every step is recorded)',
  'shop.export': 'Take the whole-shop export for a sale of the business (with password and two-factor code; recorded)',
} as const;
export type Permission = keyof typeof PERMISSIONS;

export const MATRIX: Record<Role, readonly Permission[]> = {
  owner: Object.keys(PERMISSIONS) as Permission[],
  manager: [
    'dashboard.view',
    'catalogue.view',
    'catalogue.edit',
    'stock.adjust',
    'enquiries.view',
    'orders.view',
    'orders.fulfil',
    'orders.manage',
    'marketing.view',
    'marketing.send',
    'marketing.requests',
    'partners.view',
    'feedback.view',
    'statistics.view',
    'statistics.export',
    'privacy.requests',
    'backups.view',
    'breaches.manage',
  ],
  customer_service: [
    'dashboard.view',
    'catalogue.view',
    'enquiries.view',
    'orders.view',
    'orders.manage',
    'marketing.requests',
    'privacy.requests',
  ],
  fulfilment: ['dashboard.view', 'catalogue.view', 'stock.adjust', 'orders.fulfil'],
  marketing: ['dashboard.view', 'catalogue.view', 'marketing.view', 'marketing.send', 'marketing.requests', 'statistics.view'],
};

export function can(role: string, permission: Permission): boolean {
  return isRole(role) && MATRIX[role].includes(permission);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/**
 * What a back-office route requires: a permission from the matrix, 'signed-in' for a staff
 * member's own account pages, or 'public' for the sign-in and set-up pages.
 */
export type RouteAccess = Permission | 'signed-in' | 'public';

/** Staff session rules. */
export const IDLE_TIMEOUT_MINUTES = 30;
export const SESSION_MAX_HOURS = 12;
export const SETUP_LINK_HOURS = 72;
export const PASSWORD_MIN_LENGTH = 12;
export const RECOVERY_CODES = 10;

/**
 * Waits after failed sign-ins. Failures are counted per account and network (the shared rule in
 * shared/passwords.ts: 5 in a row, then 1 minute doubling to an hour), so a stranger who knows only
 * the address locks out only their own network. Across all networks a softer slow-down applies,
 * and only to networks the account has not signed in from within KNOWN_NETWORK_DAYS.
 */
export const ACCOUNT_SLOW_DOWN_AFTER = 10;
export const ACCOUNT_SLOW_DOWN_MAX_MINUTES = 15;
export const KNOWN_NETWORK_DAYS = 90;
/** At most one e-mail about repeated failed sign-ins per member in this many minutes. */
export const LOCKOUT_MAIL_EVERY_MINUTES = 60;
/** How long an owner's two-factor reset lets the member's next password sign-in enrol a new key. */
export const TWO_FACTOR_RESET_HOURS = 72;

/** Minutes an account waits, on networks it has not signed in from, after the nth failure across all networks. */
export function accountSlowDownMinutes(failures: number): number {
  if (failures < ACCOUNT_SLOW_DOWN_AFTER) return 0;
  return Math.min(ACCOUNT_SLOW_DOWN_MAX_MINUTES, 2 ** (failures - ACCOUNT_SLOW_DOWN_AFTER));
}
