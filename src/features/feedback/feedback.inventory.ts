import type { FeatureInventory, Retention } from '../privacy/inventory.js';

/** How long a feedback request's link works, from when it is sent. */
export const FEEDBACK_LINK_DAYS = 30;
/** How long an answer is kept. */
export const FEEDBACK_RETENTION_YEARS = 2;

export const FEEDBACK_RETENTION = {
  kind: 'period',
  days: FEEDBACK_RETENTION_YEARS * 365,
  from: 'you send your answer',
  text: `${FEEDBACK_RETENTION_YEARS} years after you send it, then deleted`,
  job: 'feedback.retention',
} as const satisfies Retention;

const readers = ['Our owner and managers'];
const why = 'To learn what buyers thought of their order, and put right what went wrong';

/**
 * An answer to a feedback request holds only what the person typed: a rating and comments, with
 * the day it came. No order number, no address, no account: nothing says whose it is.
 */
export const feedbackInventory: FeatureInventory = {
  feature: 'feedback',
  subjects: [
    {
      subject: 'customer',
      table: 'feedback_answers',
      column: 'comments',
      how: 'Not by person: an answer carries no order, address or account, so it cannot be found by whose it is',
    },
    {
      subject: 'guest-buyer',
      table: 'feedback_answers',
      column: 'comments',
      how: 'Not by person: an answer carries no order, address or account, so it cannot be found by whose it is',
    },
  ],
  tables: [
    {
      table: 'feedback_answers',
      linkedBy: ['comments'],
      rows: 'keep',
      note: "Nothing in an answer says whose it is (no order number, address or account is stored with it, and only the day it came), so no one's answer can be found to copy or erase; each goes 2 years after it was sent.",
    },
  ],
  personal: [
    {
      table: 'feedback_answers',
      column: 'comments',
      category: 'communication',
      label: 'What you write in answer to a feedback request: it may contain whatever you choose to type',
      purpose: why,
      lawfulBasis: 'consent',
      retention: FEEDBACK_RETENTION,
      recipients: readers,
      erasure: {
        action: 'keep',
        basis: 'consent',
        reason: 'It is stored without any order, address or account, so the shop cannot tell which answer is yours to erase it',
        until: FEEDBACK_RETENTION,
      },
    },
    {
      table: 'feedback_answers',
      column: 'rating',
      category: 'communication',
      label: 'The rating from 1 to 5 you give, if you give one',
      purpose: why,
      lawfulBasis: 'consent',
      retention: FEEDBACK_RETENTION,
      recipients: readers,
      erasure: {
        action: 'keep',
        basis: 'consent',
        reason: 'It is stored without any order, address or account, so the shop cannot tell which answer is yours to erase it',
        until: FEEDBACK_RETENTION,
      },
    },
  ],
  notPersonal: [],
  cookies: [],
  transient: [],
};
