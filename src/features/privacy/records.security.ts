/**
 * The security measures the records of processing list (UK GDPR Art. 30(1)(g), by way of Art.
 * 32(1)): only what the code really does, each with where it lives and a piece of that file which
 * shows it (`evidence`). A test reads each file named and fails when its evidence is gone,
 * so a measure cannot stay in the record after the code stops doing it.
 */

export interface SecurityMeasure {
  id: string;
  title: string;
  /** What the shop does, in words. */
  detail: string;
  /** The files that do it, from the repository's root. */
  where: string[];
}

/** A measure with what shows it in the code: each file of `where` named here must match its pattern (a regular expression). */
export interface CheckedSecurityMeasure extends SecurityMeasure {
  evidence: { file: string; pattern: string }[];
}

const MEASURES: CheckedSecurityMeasure[] = [
  {
    id: 'passwords',
    title: 'Passwords hashed with Argon2id',
    detail:
      'Staff and customer passwords are stored only as Argon2id hashes; a sign-in takes the same time whether or not the account exists, and after 5 wrong passwords in a row the account waits (1, 2, 4… up to 60 minutes)',
    where: ['src/shared/passwords.ts'],
    evidence: [{ file: 'src/shared/passwords.ts', pattern: '@node-rs/argon2' }],
  },
  {
    id: 'two-factor',
    title: 'Two-factor sign-in for staff',
    detail:
      'In production every member of staff signs in with a password and a one-time code from an authenticator app (TOTP); the two-factor keys are stored encrypted (AES-256-GCM)',
    where: ['src/features/backoffice/backoffice.plugin.tsx', 'src/features/staff/staff.service.ts', 'src/shared/crypto.ts'],
    evidence: [
      { file: 'src/features/backoffice/backoffice.plugin.tsx', pattern: "'requireTwoFactor', app.config.env === 'production'" },
      { file: 'src/features/staff/staff.service.ts', pattern: 'totp' },
      { file: 'src/shared/crypto.ts', pattern: 'aes-256-gcm' },
    ],
  },
  {
    id: 'roles',
    title: 'Roles and permissions',
    detail:
      'Each member of staff has one role (owner, manager, customer service, fulfilment, marketing) giving only the permissions it needs; every back-office route declares its permission, or the shop refuses to start',
    where: ['src/features/staff/staff.domain.ts', 'src/features/backoffice/backoffice.plugin.tsx'],
    evidence: [
      { file: 'src/features/staff/staff.domain.ts', pattern: 'export const MATRIX' },
      { file: 'src/features/backoffice/backoffice.plugin.tsx', pattern: 'does not declare its access' },
    ],
  },
  {
    id: 'audit',
    title: 'Audit trail with tamper evidence',
    detail:
      'Every staff look at, export of or change to personal data is recorded; each entry is sealed with an HMAC-SHA-256 chain keyed by the shop key, the database refuses changes to it, and the chain’s head is e-mailed to the owners daily',
    where: ['src/features/audit/audit.service.ts', 'src/features/audit/audit.job.ts'],
    evidence: [
      { file: 'src/features/audit/audit.service.ts', pattern: 'HMAC-SHA-256' },
      { file: 'src/features/audit/audit.job.ts', pattern: "name: 'audit.anchor'" },
    ],
  },
  {
    id: 'tls',
    title: 'TLS and secure cookies in production',
    detail:
      'In production the shop’s address must be https://; cookies are then sent only over TLS (Secure), HSTS is on, and every cookie is HttpOnly and SameSite',
    where: ['src/config.ts', 'src/app.tsx'],
    evidence: [
      { file: 'src/config.ts', pattern: 'expected an https:// address when NODE_ENV=production' },
      { file: 'src/app.tsx', pattern: 'hsts: config.secureCookies' },
    ],
  },
  {
    id: 'csp',
    title: 'Content Security Policy',
    detail:
      'Pages may load scripts, styles, fonts and images only from the shop itself (no inline scripts or styles), may not be framed, and forms may post only to the shop and the payment page',
    where: ['src/app.tsx'],
    evidence: [
      { file: 'src/app.tsx', pattern: 'contentSecurityPolicy' },
      { file: 'src/app.tsx', pattern: 'scriptSrc: \\["\'self\'"\\]' },
      { file: 'src/app.tsx', pattern: 'frameAncestors: \\["\'none\'"\\]' },
    ],
  },
  {
    id: 'csrf',
    title: 'Forgery protection on every form',
    detail:
      'Every form that changes something is checked with a CSRF token bound to a cookie, or (bag and checkout, which work without cookies) by the browser’s own Origin and Sec-Fetch-Site',
    where: ['src/app.tsx', 'src/http/same-origin.ts'],
    evidence: [
      { file: 'src/app.tsx', pattern: 'Every state-changing route is CSRF-checked' },
      { file: 'src/http/same-origin.ts', pattern: 'Sec-Fetch-Site' },
    ],
  },
  {
    id: 'cards',
    title: 'Card data never stored',
    detail:
      'Card details are typed into Opayo’s own page, never the shop’s; a form holding anything that looks like a card number is refused before it is stored, mailed or logged',
    where: ['src/http/card-guard.ts', 'src/app.tsx', 'src/features/payments/'],
    evidence: [
      { file: 'src/http/card-guard.ts', pattern: 'never takes a card number' },
      { file: 'src/app.tsx', pattern: 'installCardGuard\\(app\\)' },
    ],
  },
  {
    id: 'rate-limits',
    title: 'Rate limits',
    detail:
      'Searches, form posts and unpaid orders are limited per network (counted in the database, so every process of the shop shares the count), and repeated wrong passwords make the account wait',
    where: ['src/features/security/rate-limit.store.ts', 'src/app.tsx'],
    evidence: [
      { file: 'src/features/security/rate-limit.store.ts', pattern: 'export function sharedRateLimitStore' },
      { file: 'src/app.tsx', pattern: 'store: sharedRateLimitStore\\(app\\)' },
    ],
  },
  {
    id: 'tokens',
    title: 'Tokens and keys stored as hashes',
    detail:
      'Bag, session and one-time-link tokens are kept only as their SHA-256; the network and address codes that limit unpaid orders and the suppression list are keyed hashes',
    where: ['src/shared/crypto.ts', 'src/features/bag/bag.repository.ts'],
    evidence: [
      {
        file: 'src/shared/crypto.ts',
        pattern: "export function tokenHash\\(token: string\\): string \\{\\n  return createHash\\('sha256'\\)",
      },
      { file: 'src/features/bag/bag.repository.ts', pattern: 'token_hash' },
    ],
  },
  {
    id: 'erasure-journal',
    title: 'Erasure journal',
    detail:
      'Every erasure is journalled under keyed hashes only, so that a database restored from a backup taken before it has the erasure applied again before the shop serves',
    where: ['src/features/privacy/erasure.journal.ts'],
    evidence: [{ file: 'src/features/privacy/erasure.journal.ts', pattern: 'applied again before the shop serves' }],
  },
  {
    id: 'logs',
    title: 'Logs without personal data',
    detail:
      'Requests are logged by method and path only (no query string, address, browser or cookie), fields with personal-sounding names are censored, and errors are logged without their messages',
    where: ['src/http/logging.ts'],
    evidence: [{ file: 'src/http/logging.ts', pattern: 'Logs carry no personal data' }],
  },
];

const BACKUPS: CheckedSecurityMeasure = {
  id: 'backups',
  title: 'Encrypted backups in a second place',
  detail:
    'The database and images are backed up every day with restic, encrypted with BACKUP_PASSWORD before they leave the shop, to a repository in another place; a restore drill checks a copy against the live database',
  where: ['src/features/backups/backup.service.ts', 'src/features/backups/restic.ts'],
  evidence: [
    { file: 'src/features/backups/backup.service.ts', pattern: 'restic' },
    { file: 'src/features/backups/restic.ts', pattern: 'encrypted with BACKUP_PASSWORD before it leaves the shop' },
  ],
};

/** The measures in force: backups only when they are set up (BACKUP_REPOSITORY). */
export function securityMeasures(options: { backupsConfigured: boolean }): SecurityMeasure[] {
  return (options.backupsConfigured ? [...MEASURES, BACKUPS] : MEASURES).map(({ evidence: _evidence, ...m }) => m);
}

/** Every measure the record can list, whatever the configuration: what the test checks against the code. */
export const ALL_SECURITY_MEASURES: readonly CheckedSecurityMeasure[] = [...MEASURES, BACKUPS];
