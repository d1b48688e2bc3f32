import type { Migration } from 'kysely';
import * as catalogue from './2026-11-23-catalogue.js';
import * as policyVersions from './2026-11-23-policy-versions.js';
import * as backoffice from './2026-11-24-backoffice.js';
import * as productListIndex from './2026-11-24-product-list-index.js';
import * as orders from './2026-11-25-orders.js';
import * as customers from './2026-11-26-customers.js';
import * as customerSignInFailures from './2026-12-01-customer-sign-in-failures.js';
import * as mailReplyTo from './2026-12-01-mail-reply-to.js';
import * as tamperEvidentAudit from './2026-12-01-tamper-evident-audit.js';
import * as twoFactorKeysAndStaffSignInWaits from './2026-12-01-two-factor-keys-and-staff-sign-in-waits.js';
import * as unpaidOrderHolds from './2026-12-01-unpaid-order-holds.js';
import * as jobRuns from './2026-12-02-job-runs.js';
import * as orderRetention from './2026-12-02-order-retention.js';
import * as ordersToAnonymise from './2026-12-02-orders-to-anonymise.js';
import * as personLookups from './2026-12-02-person-lookups.js';
import * as consentAndMarketing from './2026-12-03-consent-and-marketing.js';
import * as audienceInAddressOrder from './2026-12-04-audience-in-address-order.js';
import * as visitorStatistics from './2026-12-05-visitor-statistics.js';
import * as privacyRights from './2026-12-06-privacy-rights.js';
import * as consentStateAddressLookup from './2026-12-07-consent-state-address-lookup.js';
import * as backupsAndSharedLimits from './2026-12-08-backups-and-shared-limits.js';
import * as accountability from './2026-12-09-accountability.js';
import * as storedSearchVector from './2026-12-10-stored-search-vector.js';

/** Every migration, by dated name. Add new ones at the end; never edit an applied one. */
export const migrations: Record<string, Migration> = {
  '2026-11-23-catalogue': catalogue,
  '2026-11-23-policy-versions': policyVersions,
  '2026-11-24-backoffice': backoffice,
  '2026-11-24-product-list-index': productListIndex,
  '2026-11-25-orders': orders,
  '2026-11-26-customers': customers,
  '2026-12-01-customer-sign-in-failures': customerSignInFailures,
  '2026-12-01-mail-reply-to': mailReplyTo,
  '2026-12-01-tamper-evident-audit': tamperEvidentAudit,
  '2026-12-01-two-factor-keys-and-staff-sign-in-waits': twoFactorKeysAndStaffSignInWaits,
  '2026-12-01-unpaid-order-holds': unpaidOrderHolds,
  '2026-12-02-job-runs': jobRuns,
  '2026-12-02-order-retention': orderRetention,
  '2026-12-02-orders-to-anonymise': ordersToAnonymise,
  '2026-12-02-person-lookups': personLookups,
  '2026-12-03-consent-and-marketing': consentAndMarketing,
  '2026-12-04-audience-in-address-order': audienceInAddressOrder,
  '2026-12-05-visitor-statistics': visitorStatistics,
  '2026-12-06-privacy-rights': privacyRights,
  '2026-12-07-consent-state-address-lookup': consentStateAddressLookup,
  '2026-12-08-backups-and-shared-limits': backupsAndSharedLimits,
  '2026-12-09-accountability': accountability,
  '2026-12-10-stored-search-vector': storedSearchVector,
};
