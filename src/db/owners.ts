import type { Database } from './schema.js';

/**
 * One owner per table. Only the owner's repositories (`src/features/<owner>/*.repository.ts`, or
 * `src/jobs/` for the job runner) query a table; any other feature asks the owner's service, which
 * takes the caller's transaction when the work must be one whole. A new table without an owner
 * here does not compile, and test/project/table-ownership.test.ts fails when a repository names a
 * table its feature does not own.
 */

/** The areas that can own tables: the feature folders under src/features, and the job runner. */
export type FeatureName =
  | 'audit'
  | 'backoffice'
  | 'backups'
  | 'bag'
  | 'breaches'
  | 'campaigns'
  | 'catalog'
  | 'consent'
  | 'checkout'
  | 'contact'
  | 'customers'
  | 'feedback'
  | 'handover'
  | 'jobs'
  | 'mail'
  | 'orders'
  | 'pages'
  | 'partners'
  | 'payments'
  | 'privacy'
  | 'security'
  | 'statistics'
  | 'staff';

export const TABLE_OWNERS = {
  // The catalogue: what is for sale, its stock and the history of its stock and prices.
  categories: 'catalog',
  collections: 'catalog',
  products: 'catalog',
  product_collections: 'catalog',
  variants: 'catalog',
  product_images: 'catalog',
  product_search: 'catalog',
  stock_movements: 'catalog',
  price_changes: 'catalog',
  // Bags, until an order is placed from one.
  bags: 'bag',
  bag_items: 'bag',
  // Orders with their lines, history and payment attempts.
  orders: 'orders',
  order_lines: 'orders',
  order_events: 'orders',
  payment_attempts: 'orders',
  // Accounts.
  customers: 'customers',
  customer_addresses: 'customers',
  customer_sessions: 'customers',
  customer_sign_in_failures: 'customers',
  customer_tokens: 'customers',
  // Staff and their sign-in.
  staff: 'staff',
  staff_networks: 'staff',
  staff_tokens: 'staff',
  staff_recovery_codes: 'staff',
  staff_sessions: 'staff',
  audit_log: 'audit',
  contact_messages: 'contact',
  mail_outbox: 'mail',
  mail_bodies: 'mail',
  // Consent: the ledger, what it was asked with, the current state, sign-ups awaiting confirmation, suppressions.
  consent_wordings: 'consent',
  consent_ledger: 'consent',
  consent_state: 'consent',
  consent_requests: 'consent',
  consent_legacy_ticks: 'consent',
  marketing_suppressions: 'consent',
  campaigns: 'campaigns',
  partners: 'partners',
  feedback_answers: 'feedback',
  // Visitor statistics: the day's salts, raw page views of two days at most, and the daily figures.
  stats_salts: 'statistics',
  stats_page_views: 'statistics',
  stats_daily: 'statistics',
  stats_daily_breakdown: 'statistics',
  policy_versions: 'privacy',
  // Privacy rights: requests and their steps, objection and restriction flags, the erasure journal.
  privacy_requests: 'privacy',
  privacy_request_events: 'privacy',
  privacy_flags: 'privacy',
  erasure_journal: 'privacy',
  job_runs: 'jobs',
  backup_runs: 'backups',
  rate_limit_hits: 'security',
  // The breach register and the people each breach affects.
  breaches: 'breaches',
  breach_people: 'breaches',
  staff_undertakings: 'staff',
} as const satisfies Record<keyof Database, FeatureName>;

/** Tables the schema types do not describe because only raw SQL reads them: SQLite's full-text index of the catalogue. */
export const UNTYPED_TABLE_OWNERS = {
  product_fts: 'catalog',
} as const satisfies Record<string, FeatureName>;

export type TableName = keyof Database;

/** Who owns a table by its name as SQL writes it; undefined for a name that is not a table. */
export function ownerOf(table: string): FeatureName | undefined {
  const all: Record<string, FeatureName> = { ...TABLE_OWNERS, ...UNTYPED_TABLE_OWNERS };
  return Object.hasOwn(all, table) ? all[table] : undefined;
}
