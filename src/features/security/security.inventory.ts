import type { FeatureInventory, Retention } from '../privacy/inventory.js';

/** The longest window of any rate limit: a counter is deleted within a minute of its window's end. */
export const RATE_LIMIT_WINDOW_MINUTES = 10;

const COUNTER_RULE: Retention = {
  kind: 'period',
  days: (RATE_LIMIT_WINDOW_MINUTES + 1) / (24 * 60),
  from: 'the first request of the window',
  text: `A keyed hash of it is kept in the shop's database for at most ${RATE_LIMIT_WINDOW_MINUTES} minutes (deleted within a minute after that); the address itself is never written to disk or to our logs`,
  job: 'security.housekeeping',
};

export const securityInventory: FeatureInventory = {
  feature: 'security',
  /**
   * Nobody is found by a counter: its key is a keyed hash of the network address that cannot be
   * turned back into it, and it is gone within minutes. Hence no subject, exporter or eraser.
   */
  subjects: [],
  tables: [],
  personal: [],
  notPersonal: [
    {
      table: 'rate_limit_hits',
      column: 'key',
      reason: `A keyed hash (HMAC-SHA256 with a key derived from the shop's secret key) of a rate limit's name and a network address, never the address; it cannot be turned back into the address, and is deleted at most ${RATE_LIMIT_WINDOW_MINUTES} minutes (and a minute) after the window it counts began`,
    },
    { table: 'rate_limit_hits', column: 'hits', reason: 'A count of requests in the window' },
    { table: 'rate_limit_hits', column: 'resets_at', reason: 'When the window ends' },
  ],
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
      purpose:
        'To limit how often one network can search or send forms, which protects the shop from abuse; every process of the shop counts in the same place',
      lawfulBasis: 'legitimate-interests',
      retention: COUNTER_RULE,
      where: "The web server's memory while it answers; a keyed hash of it in the shop's database",
    },
  ],
};
