import { auditInventory } from '../audit/audit.inventory.js';
import { backupsInventory } from '../backups/backups.inventory.js';
import { bagInventory } from '../bag/bag.inventory.js';
import { breachesInventory } from '../breaches/breaches.inventory.js';
import { catalogInventory } from '../catalog/catalog.inventory.js';
import { consentInventory } from '../consent/consent.inventory.js';
import { customersInventory } from '../customers/customers.inventory.js';
import { contactInventory } from '../contact/contact.inventory.js';
import { feedbackInventory } from '../feedback/feedback.inventory.js';
import { mailInventory } from '../mail/mail.inventory.js';
import { ordersInventory } from '../orders/orders.inventory.js';
import { partnersInventory } from '../partners/partners.inventory.js';
import { preferencesInventory } from '../preferences/preferences.inventory.js';
import { securityInventory } from '../security/security.inventory.js';
import { staffInventory } from '../staff/staff.inventory.js';
import { statisticsInventory } from '../statistics/statistics.inventory.js';
import type { FeatureInventory } from './inventory.js';
import { privacyInventory } from '../privacy/privacy.inventory.js';

/** Every feature's inventory. A test fails when a `<feature>.inventory.ts` file is missing here. */
export const inventories: FeatureInventory[] = [
  catalogInventory,
  contactInventory,
  securityInventory,
  staffInventory,
  auditInventory,
  mailInventory,
  bagInventory,
  ordersInventory,
  customersInventory,
  consentInventory,
  partnersInventory,
  feedbackInventory,
  statisticsInventory,
  preferencesInventory,
  privacyInventory,
  backupsInventory,
  breachesInventory,
];
