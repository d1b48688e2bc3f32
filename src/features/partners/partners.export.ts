import { type Executor, inTransaction } from '../../db/database.js';
import { type AuditActor, entryBy, recordAudit } from '../audit/audit.service.js';
import { consentingTo, recordShared } from '../consent/consent.service.js';
import { type PartnerExportDetails, partnerExportDetails } from '../customers/customers.service.js';
import { heldBackAmong } from '../privacy/flags.service.js';
import { type Partner, type PartnerField, fieldsOf, partnerById, receivesInWords } from './partners.service.js';

/**
 * The partner export: the one way personal data leaves the shop for a partner. It holds only the
 * customers who consent to that partner now (the consent ledger's `partner:<id>`, less any address
 * on the suppression list), and only the fields the partner was declared with. Taking it needs a
 * reason; the audit entry and one `shared` ledger entry per person are written in one transaction
 * with the read, so nothing is handed over that is not recorded, and Account Home can tell each
 * person what was shared with whom, and when. Nothing is ever sold.
 */

export const REASON_MAX = 300;

/** The export's column headings, in PARTNER_FIELDS order. */
export const COLUMN_TITLES: Record<PartnerField, string> = {
  first_name: 'First name',
  surname: 'Surname',
  email: 'E-mail address',
  postcode: 'Postcode',
  town: 'Town',
};

const VALUE_OF: Record<PartnerField, (d: PartnerExportDetails) => string> = {
  first_name: (d) => d.firstName,
  surname: (d) => d.surname,
  email: (d) => d.email,
  postcode: (d) => d.postcode,
  town: (d) => d.town,
};

export type PartnerExport =
  | { ok: true; partner: Partner; columns: { key: PartnerField; header: string }[]; rows: Record<PartnerField, string>[] }
  | { ok: false; reason: 'not_found' | 'no_reason' | 'nobody' };

/** The customers who consent to this partner now, as account ids (sharing is asked in Account Home only). */
async function consentingCustomers(db: Executor, partnerId: number): Promise<{ customerId: number; email: string }[]> {
  const seen = new Set<number>();
  const out: { customerId: number; email: string }[] = [];
  const consenting = await consentingTo(db, `partner:${partnerId}`);
  // An objection to sharing, or a restriction, holds a person back whatever their consent says.
  const heldBack = await heldBackAmong(
    db,
    consenting.map((s) => s.email),
    'sharing',
  );
  for (const s of consenting) {
    if (s.customerId === null || seen.has(s.customerId) || heldBack.has(s.email.trim().toLowerCase())) continue;
    seen.add(s.customerId);
    out.push({ customerId: s.customerId, email: s.email });
  }
  return out;
}

/** How many customers an export to this partner would hold now. */
export async function exportAudienceSize(db: Executor, partnerId: number): Promise<number> {
  return (await consentingCustomers(db, partnerId)).length;
}

export function exportToPartner(
  db: Executor,
  input: { partnerId: number; reason: string; actor: AuditActor },
  now: Date,
): Promise<PartnerExport> {
  const reason = input.reason.trim().replace(/\s+/g, ' ');
  if (reason === '') return Promise.resolve({ ok: false, reason: 'no_reason' });
  return inTransaction(db, async (trx): Promise<PartnerExport> => {
    const partner = await partnerById(trx, input.partnerId);
    if (!partner || partner.retiredAt !== null) return { ok: false, reason: 'not_found' };
    const people = await consentingCustomers(trx, partner.id);
    const details = await partnerExportDetails(
      trx,
      people.map((p) => p.customerId),
    );
    const fields = fieldsOf(partner);
    const shared = people.filter((p) => details.has(p.customerId));
    if (shared.length === 0) return { ok: false, reason: 'nobody' };
    await recordAudit(
      trx,
      entryBy(input.actor, {
        action: 'export',
        subject: { type: 'partner', id: partner.id },
        fields: [...fields, `customers:${shared.length}`],
        reason: reason.slice(0, REASON_MAX),
      }),
      now,
    );
    const rows: Record<PartnerField, string>[] = [];
    const what = receivesInWords(partner);
    for (const person of shared) {
      const d = details.get(person.customerId) as PartnerExportDetails;
      await recordShared(
        trx,
        {
          subject: { customerId: person.customerId, email: d.email },
          purpose: `partner:${partner.id}`,
          detail: what,
          reason: reason.slice(0, REASON_MAX),
          actor: input.actor,
        },
        now,
      );
      rows.push(Object.fromEntries(fields.map((f) => [f, VALUE_OF[f](d)])) as Record<PartnerField, string>);
    }
    return { ok: true, partner, columns: fields.map((key) => ({ key, header: COLUMN_TITLES[key] })), rows };
  });
}
