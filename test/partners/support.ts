import type { FastifyInstance } from 'fastify';
import { CONSENT_WORDING } from '../../src/features/consent/consent.inventory.js';
import { setAccountChoice } from '../../src/features/consent/consent.service.js';
import { addAddress } from '../../src/features/customers/customers.service.js';
import { partnerById, receivesInWords } from '../../src/features/partners/partners.service.js';
import { type TestPerson, registerAndVerify } from '../support/customer.js';
import { adminPost } from '../support/staff.js';

export const ACME = {
  name: 'Acme Catalogues Ltd',
  receives: ['first_name', 'email', 'postcode'],
  why: 'to post you their seasonal catalogue of jewellery tools',
  country: 'United Kingdom',
  policyUrl: 'https://acme-catalogues.example/privacy',
};

/** Declares a partner as the owner does, through the back office; returns its id. */
export async function declareAsOwner(app: FastifyInstance, ownerCookie: string, fields: Record<string, string | string[]> = ACME) {
  const res = await adminPost(app, ownerCookie, '/admin/partners/new', '/admin/partners', fields);
  if (res.statusCode !== 303) throw new Error(`partner refused: ${res.statusCode} ${res.body.slice(0, 400)}`);
  const id = Number(/^\/admin\/partners\/(\d+)\?/.exec(String(res.headers.location))?.[1]);
  if (!id) throw new Error(`no partner id in ${res.headers.location}`);
  return id;
}

/** A verified customer with a default address, so a postcode and town can be exported. */
export async function customerWithAddress(app: FastifyInstance, overrides: Partial<TestPerson> = {}) {
  const { person, id } = await registerAndVerify(app, overrides);
  const added = await addAddress(
    app.db,
    id,
    {
      firstName: person.first_name,
      surname: person.surname,
      line1: person.line1,
      line2: null,
      city: person.city,
      postcode: person.postcode,
    },
    true,
    app.clock(),
  );
  if (!added.ok) throw new Error('could not add the address');
  return { person, id };
}

/** The customer's own Account Home choice for one partner, with the partner's wording, as the Newsletter Subscription page saves it. */
export async function choosePartner(app: FastifyInstance, customer: { id: number; person: TestPerson }, partnerId: number, on: boolean) {
  const partner = await partnerById(app.db, partnerId);
  if (!partner) throw new Error(`no partner ${partnerId}`);
  await setAccountChoice(
    app.db,
    {
      account: { customerId: customer.id, email: customer.person.email },
      purpose: `partner:${partnerId}`,
      on,
      method: 'account',
      wording: CONSENT_WORDING.partner({ name: partner.name, receives: receivesInWords(partner), why: partner.why }),
      policyVersion: (await app.privacy.policy(app.clock())).version,
    },
    app.clock(),
  );
}
