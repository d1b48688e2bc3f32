import type { FeatureInventory } from '../privacy/inventory.js';
import { CHOICE_COOKIE, COOKIE_DAYS, PREFS_COOKIE, RECENT_MAX } from './preferences.domain.js';

/**
 * Remembered selections live only in the visitor's browser: the shop stores nothing about them.
 * Each answer to "remember my selections" is a consent ledger entry, declared by the consent
 * feature; it names only a random id, kept in the choice cookie.
 */
export const preferencesInventory: FeatureInventory = {
  feature: 'preferences',
  subjects: [],
  tables: [],
  personal: [],
  notPersonal: [],
  cookies: [
    {
      name: CHOICE_COOKIE,
      kind: 'strictly-necessary',
      purpose:
        'Remembers your answer to "Remember my selections" (yes or no), so that we do not ask again, and a random id your answer is filed under in our consent records. Set only when you answer.',
      duration: `${COOKIE_DAYS} days (about 6 months) from your last answer`,
    },
    {
      name: PREFS_COOKIE,
      kind: 'preferences',
      purpose: `Only if you say yes: the last ${RECENT_MAX} pieces you looked at, and the metal, UK ring size and chain length you chose last, so that product pages can show them again. It is read only in the page sent to you; we keep no copy. Saying no deletes it.`,
      duration: `${COOKIE_DAYS} days (about 6 months) from the last piece you looked at`,
    },
  ],
  transient: [],
};
