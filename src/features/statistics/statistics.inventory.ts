import type { FeatureInventory, Retention } from '../privacy/inventory.js';
import { OBJECTION_COOKIE, OBJECTION_COOKIE_DAYS, RAW_RETENTION_HOURS } from './statistics.domain.js';

const RAW_RULE: Retention = {
  kind: 'period',
  days: RAW_RETENTION_HOURS / 24,
  from: 'the start of the day of the visit',
  text: `Never written down. The code made from them is kept at most ${RAW_RETENTION_HOURS} hours: the day's random key is deleted then, and each day's page views have been turned into counts and deleted`,
  job: 'statistics.rollup',
};

const KEY_REASON =
  "A keyed hash of the network address and browser, made with a random key for the day that exists only in the shop's database and is deleted 48 hours after the day began; it cannot be turned back into either, nor linked to another day";

/**
 * The shop's own visitor statistics: no cookie, no browser storage, nothing sent anywhere. The
 * network address and User-Agent are handled in memory only; what is written down identifies nobody.
 */
export const statisticsInventory: FeatureInventory = {
  feature: 'statistics',
  subjects: [],
  tables: [],
  personal: [],
  notPersonal: [
    { table: 'stats_salts', column: 'salt', reason: 'A random value, one per day, deleted 48 hours after its day began' },
    { table: 'stats_page_views', column: 'visitor_key', reason: KEY_REASON },
    {
      table: 'stats_page_views',
      column: 'path',
      reason: 'The page: a route pattern (/orders/:number) for private pages, never a token or query string',
    },
    {
      table: 'stats_page_views',
      column: 'referrer_host',
      reason: "The host name of the site a visitor came from, not the page's full address",
    },
    { table: 'stats_page_views', column: 'browser', reason: 'The browser family only (Firefox, Safari), not the User-Agent' },
    { table: 'stats_page_views', column: 'device', reason: 'One of desktop, mobile, tablet or other' },
    { table: 'stats_daily', column: 'visitors', reason: 'A count' },
    {
      table: 'stats_daily_breakdown',
      column: 'value',
      reason: 'A page, browser family, device type or referring host, with counts: about no one',
    },
  ],
  cookies: [
    {
      name: OBJECTION_COOKIE,
      kind: 'strictly-necessary',
      purpose:
        'Remembers that you asked us not to count your visits in our statistics. Set only when you object on this page; Global Privacy Control or Do Not Track in your browser work without it.',
      duration: `${OBJECTION_COOKIE_DAYS} days, or until you let us count your visits again`,
    },
  ],
  transient: [
    {
      label: 'Your network (IP) address and browser identification (User-Agent), for visitor statistics',
      category: 'technical',
      purpose:
        'To count visits, pages viewed, time on site, and which browsers and devices are used, so we can improve the shop. They are turned into a code with a random key for the day (a keyed hash); only the hash, the browser family and the device type are written down, never the address or the User-Agent. No cookie is used for this, the figures are shared with nobody and nothing is sent to any other site. Visits are not counted when your browser sends Global Privacy Control or Do Not Track, or when you object on our Cookies page',
      lawfulBasis: 'legitimate-interests',
      retention: RAW_RULE,
      where: "The web server's memory for a few seconds; the day's hash in the shop's own database for at most 48 hours",
    },
  ],
};
