import type {
  ColumnOf,
  DataCategory,
  Erasure,
  FeatureInventory,
  LawfulBasis,
  PersonalColumn,
  Retention,
  TableName,
} from '../privacy/inventory.js';
import {
  REMEMBER_DAYS,
  RESET_LINK_MINUTES,
  SESSION_COOKIE,
  SESSION_IDLE_HOURS,
  SESSION_MAX_HOURS,
  SIGN_IN_FAILURES_KEPT_HOURS,
  UNVERIFIED_ACCOUNT_DAYS,
  VERIFY_LINK_HOURS,
} from './customers.domain.js';

/**
 * An account is kept while the customer keeps it: closing it (the privacy-rights pages, or asking
 * us) erases it. The housekeeping job deletes an account whose e-mail address was never confirmed.
 */
export const ACCOUNT_RETENTION = {
  kind: 'until',
  event: `you close your account, or ${UNVERIFIED_ACCOUNT_DAYS} days after you opened it if you never confirm your e-mail address`,
  text: `Until you close your account (or ${UNVERIFIED_ACCOUNT_DAYS} days after you opened it, if you never confirm your e-mail address)`,
  job: 'customers.housekeeping',
} as const satisfies Retention;
const SESSION_RETENTION = {
  kind: 'until',
  event: `you sign out, or the session ends after ${SESSION_IDLE_HOURS} hours without use (${SESSION_MAX_HOURS} hours at most, or ${REMEMBER_DAYS} days if you stay signed in)`,
  text: `Until you sign out, or ${SESSION_IDLE_HOURS} hours without use (${SESSION_MAX_HOURS} hours at most; ${REMEMBER_DAYS} days if you choose to stay signed in)`,
  job: 'customers.housekeeping',
} as const satisfies Retention;
/** The housekeeping job deletes a link one day after it expired. */
export const TOKEN_KEPT_DAYS = 1;
const TOKEN_RETENTION = {
  kind: 'period',
  days: TOKEN_KEPT_DAYS,
  from: 'the link expires',
  text: `A day after the link expires (confirmation links last ${VERIFY_LINK_HOURS} hours, password links ${RESET_LINK_MINUTES} minutes)`,
  job: 'customers.housekeeping',
} as const satisfies Retention;

const SIGN_IN_FAILURES_RETENTION = {
  kind: 'period',
  days: SIGN_IN_FAILURES_KEPT_HOURS / 24,
  from: 'the last wrong password',
  text: `${SIGN_IN_FAILURES_KEPT_HOURS} hours after the last wrong password`,
  job: 'customers.housekeeping',
} as const satisfies Retention;

const erased: Erasure = { action: 'delete' };
const notForTheCopy = {
  password:
    'A one-way fingerprint of your password is of no use to you, and a copy of it would only help someone guessing it; it is left out of your copy.',
  token:
    'A one-way fingerprint of a sign-in session or link is of no use to you, and a copy would only help someone misuse it; it is left out of your copy.',
};

const staff = ['Our customer service staff', 'Our owner and managers'];
const machineOnly = ["No one: only the shop's sign-in checks read it"];

function col<T extends TableName>(
  table: T,
  column: ColumnOf<T>,
  category: DataCategory,
  label: string,
  purpose: string,
  retention: Retention,
  recipients: string[] = staff,
  lawfulBasis: LawfulBasis = 'contract',
  more: Pick<PersonalColumn, 'erasure' | 'subjects' | 'leftOutOfExport'> = { erasure: erased },
): PersonalColumn {
  return { table, column, category, label, purpose, lawfulBasis, retention, recipients, ...more } as PersonalColumn;
}

const account = 'To run the account you opened: sign-in, your details, addresses and orders';
const security = 'To keep your account secure: sign-in sessions and one-time links';

export const customersInventory: FeatureInventory = {
  feature: 'customers',
  subjects: [
    { subject: 'customer', table: 'customers', column: 'id', how: 'The account itself' },
    { subject: 'customer', table: 'customer_addresses', column: 'customer_id', how: "The account's address book" },
    { subject: 'customer', table: 'customer_sessions', column: 'customer_id', how: "The account's sign-in sessions" },
    {
      subject: 'customer',
      table: 'customer_tokens',
      column: 'customer_id',
      how: 'The confirmation and password links sent for the account',
    },
  ],
  tables: [
    { table: 'customers', linkedBy: ['id', 'email'], rows: 'delete' },
    { table: 'customer_addresses', linkedBy: ['customer_id'], rows: 'delete' },
    { table: 'customer_sessions', linkedBy: ['customer_id'], rows: 'delete' },
    { table: 'customer_tokens', linkedBy: ['customer_id', 'email'], rows: 'delete' },
    {
      table: 'customer_sign_in_failures',
      linkedBy: ['address_hash'],
      rows: 'keep',
      note: "Found only through a keyed fingerprint of the address, which the shop's erasure cannot recompute without its key; no row says whose it is, and each goes 24 hours after the last wrong password.",
    },
  ],
  personal: [
    col('customers', 'email', 'contact', 'Your e-mail address, which you sign in with', account, ACCOUNT_RETENTION),
    col('customers', 'first_name', 'identity', 'Your first name', account, ACCOUNT_RETENTION),
    col('customers', 'surname', 'identity', 'Your surname', account, ACCOUNT_RETENTION),
    col('customers', 'phone', 'contact', 'Your phone number', account, ACCOUNT_RETENTION),
    col(
      'customers',
      'password_hash',
      'account',
      'A one-way (Argon2id) fingerprint of your password — never the password itself',
      security,
      ACCOUNT_RETENTION,
      machineOnly,
      'contract',
      { erasure: erased, leftOutOfExport: notForTheCopy.password },
    ),
    col('customers', 'email_verified_at', 'account', 'When you confirmed your e-mail address', account, ACCOUNT_RETENTION),
    col('customers', 'created_at', 'account', 'When you opened your account', account, ACCOUNT_RETENTION),
    col('customer_addresses', 'first_name', 'identity', 'The first name on each address in your address book', account, ACCOUNT_RETENTION),
    col('customer_addresses', 'surname', 'identity', 'The surname on each address in your address book', account, ACCOUNT_RETENTION),
    col('customer_addresses', 'line1', 'address', 'The addresses in your address book', account, ACCOUNT_RETENTION),
    col('customer_addresses', 'line2', 'address', 'The addresses in your address book (second line)', account, ACCOUNT_RETENTION),
    col('customer_addresses', 'city', 'address', 'The towns in your address book', account, ACCOUNT_RETENTION),
    col('customer_addresses', 'postcode', 'address', 'The postcodes in your address book', account, ACCOUNT_RETENTION),
    col(
      'customer_sessions',
      'token_hash',
      'technical',
      'A one-way fingerprint of each sign-in session',
      security,
      SESSION_RETENTION,
      machineOnly,
      'contract',
      { erasure: erased, leftOutOfExport: notForTheCopy.token },
    ),
    col(
      'customer_sessions',
      'device',
      'technical',
      'The browser and system of each session ("Firefox on Windows"), so you can recognise it',
      security,
      SESSION_RETENTION,
      machineOnly,
    ),
    col('customer_sessions', 'last_seen_at', 'technical', 'When each session was last used', security, SESSION_RETENTION, machineOnly),
    col(
      'customer_tokens',
      'token_hash',
      'technical',
      'A one-way fingerprint of each confirmation or password link we send',
      security,
      TOKEN_RETENTION,
      machineOnly,
      'contract',
      { erasure: erased, leftOutOfExport: notForTheCopy.token },
    ),
    col('customer_tokens', 'email', 'contact', 'The address a confirmation link was sent to', security, TOKEN_RETENTION, machineOnly),
    col(
      'customer_sign_in_failures',
      'address_hash',
      'technical',
      'A keyed one-way fingerprint of an e-mail address someone tried to sign in with using a wrong password, with how many times and when — never the address itself',
      'To stop password guessing: after 5 wrong passwords in a row, signing in with that address waits a while, whether or not it has an account',
      SIGN_IN_FAILURES_RETENTION,
      machineOnly,
      'legitimate-interests',
      {
        erasure: {
          action: 'keep',
          basis: 'legitimate-interests',
          reason:
            "It cannot be traced back to an address without the shop's secret key, and removing it early would let a guesser start again",
          until: SIGN_IN_FAILURES_RETENTION,
        },
        leftOutOfExport: "It cannot be matched to you without the shop's secret key, so it is not part of the copy of your data.",
      },
    ),
  ],
  notPersonal: [],
  cookies: [
    {
      name: SESSION_COOKIE,
      kind: 'strictly-necessary',
      purpose: 'Keeps you signed in to your account. Set only when you sign in.',
      duration: `Until you close your browser, or ${REMEMBER_DAYS} days if you choose to stay signed in`,
    },
  ],
  transient: [],
};
