import { catalogInventory } from '../catalog/catalog.inventory.js';
import { contactInventory } from '../contact/contact.inventory.js';
import { securityInventory } from '../security/security.inventory.js';
import type { FeatureInventory } from './inventory.js';

/** Every feature's inventory. A test fails when a `<feature>.inventory.ts` file is missing here. */
export const inventories: FeatureInventory[] = [catalogInventory, contactInventory, securityInventory];
