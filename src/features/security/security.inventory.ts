import type { FeatureInventory } from '../privacy/inventory.js';

export const RATE_LIMIT_WINDOW_MINUTES = 10;

export const securityInventory: FeatureInventory = {
  feature: 'security',
  /** Nothing is stored: the only personal data is a network address held in memory for a few minutes. */
  subjects: [],
  tables: [],
  personal: [],
  notPersonal: [],
  cookies: [
    {
      name: 'assay_csrf',
      kind: 'strictly-necessary',
      purpose: 'Proves that a form you send (such as the contact form) came from this shop and not from another website.',
      duration: 'Until you close your browser',
    },
  ],
  transient: [
    {
      label: 'Your network (IP) address',
      category: 'technical',
      purpose: 'To limit how often one network can search or send forms, which protects the shop from abuse',
      lawfulBasis: 'legitimate-interests',
      retention: {
        kind: 'not-stored',
        text: `Held in the web server's memory for at most ${RATE_LIMIT_WINDOW_MINUTES} minutes; never written to disk or to our logs`,
      },
      where: "The web server's memory",
    },
  ],
};
