import { auditInventory } from '../audit/audit.inventory.js';
import { auditSubjects } from '../audit/audit.service.js';
import { backupsInventory } from '../backups/backups.inventory.js';
import { bagInventory } from '../bag/bag.inventory.js';
import { bagSubjects } from '../bag/bag.service.js';
import { breachesInventory } from '../breaches/breaches.inventory.js';
import { breachesSubjects } from '../breaches/breaches.service.js';
import { catalogSubjects } from '../catalog/catalog.admin.service.js';
import { catalogInventory } from '../catalog/catalog.inventory.js';
import { consentInventory } from '../consent/consent.inventory.js';
import { consentSubjects } from '../consent/consent.service.js';
import { contactInventory } from '../contact/contact.inventory.js';
import { contactSubjects } from '../contact/contact.service.js';
import { customersInventory } from '../customers/customers.inventory.js';
import { feedbackInventory } from '../feedback/feedback.inventory.js';
import { feedbackSubjects } from '../feedback/feedback.service.js';
import { customersSubjects } from '../customers/customers.service.js';
import { mailInventory } from '../mail/mail.inventory.js';
import { mailSubjects } from '../mail/outbox.service.js';
import { ordersInventory } from '../orders/orders.inventory.js';
import { ordersSubjects } from '../orders/orders.service.js';
import { partnersInventory } from '../partners/partners.inventory.js';
import { preferencesInventory } from '../preferences/preferences.inventory.js';
import { securityInventory } from '../security/security.inventory.js';
import { staffInventory } from '../staff/staff.inventory.js';
import { staffSubjects } from '../staff/staff.service.js';
import { statisticsInventory } from '../statistics/statistics.inventory.js';
import type { FeatureInventory, SubjectHandlers } from './inventory.js';
import { privacyInventory } from './privacy.inventory.js';
import { privacySubjects } from './privacy.subjects.js';

/** A feature's privacy contract: what it declares, and the functions that export and erase one person from its tables. */
export interface PrivacyContract {
  inventory: FeatureInventory;
  /** Null only for a feature that declares no tables (it stores nothing about anyone); a test holds this. */
  handlers: SubjectHandlers | null;
}

/**
 * Every feature's contract, in the order erasure runs them (export is the same in any order):
 * - the bag and the audit trail find a person's rows through their orders (the bag the order was
 *   placed from, the order numbers the trail names), so they come before the orders' eraser,
 *   which unlinks an order from its bag and its account;
 * - the orders before the accounts, whose deletion empties `orders.customer_id`;
 * - consent before the accounts: it finds the account's entries by its id and current address;
 * - the catalogue's history before the staff accounts, whose deletion empties its `staff_id`.
 */
export const contracts: PrivacyContract[] = [
  { inventory: bagInventory, handlers: bagSubjects },
  { inventory: auditInventory, handlers: auditSubjects },
  { inventory: mailInventory, handlers: mailSubjects },
  { inventory: contactInventory, handlers: contactSubjects },
  { inventory: ordersInventory, handlers: ordersSubjects },
  { inventory: consentInventory, handlers: consentSubjects },
  { inventory: customersInventory, handlers: customersSubjects },
  { inventory: catalogInventory, handlers: catalogSubjects },
  { inventory: staffInventory, handlers: staffSubjects },
  { inventory: securityInventory, handlers: null },
  { inventory: backupsInventory, handlers: null },
  { inventory: partnersInventory, handlers: null },
  { inventory: feedbackInventory, handlers: feedbackSubjects },
  { inventory: statisticsInventory, handlers: null },
  { inventory: preferencesInventory, handlers: null },
  { inventory: privacyInventory, handlers: privacySubjects },
  { inventory: breachesInventory, handlers: breachesSubjects },
];
