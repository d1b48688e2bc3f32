import type { FeatureInventory, Retention } from '../privacy/inventory.js';

/** Enquiries are kept for a year so that a follow-up can be answered in context, then deleted. */
export const CONTACT_RETENTION = {
  kind: 'period',
  days: 365,
  from: 'you send the enquiry',
  text: '12 months from when you send it, then deleted',
  job: 'contact.retention',
} as const satisfies Retention;

const common = {
  table: 'contact_messages',
  purpose: 'To answer your enquiry',
  lawfulBasis: 'legitimate-interests',
  retention: CONTACT_RETENTION,
  erasure: { action: 'delete' },
  recipients: [
    'Our customer service staff',
    "The shop's own e-mail inbox",
    "Our e-mail delivery provider, the SMTP service that carries the shop's e-mail",
  ],
} as const;

export const contactInventory: FeatureInventory = {
  feature: 'contact',
  subjects: [
    {
      subject: 'enquirer',
      table: 'contact_messages',
      column: 'email',
      how: 'The e-mail address given on the contact form, compared without regard to capitals',
    },
  ],
  tables: [{ table: 'contact_messages', linkedBy: ['email'], rows: 'delete' }],
  personal: [
    {
      ...common,
      recipients: [...common.recipients],
      column: 'name',
      category: 'identity',
      label: 'Your name, as you give it on the contact form',
    },
    {
      ...common,
      recipients: [...common.recipients],
      column: 'email',
      category: 'contact',
      label: 'Your e-mail address, so that we can reply',
    },
    { ...common, recipients: [...common.recipients], column: 'subject', category: 'communication', label: 'The subject of your message' },
    { ...common, recipients: [...common.recipients], column: 'message', category: 'communication', label: 'What you write to us' },
    { ...common, recipients: [...common.recipients], column: 'created_at', category: 'communication', label: 'When you sent your message' },
  ],
  notPersonal: [],
  cookies: [],
  transient: [],
};
