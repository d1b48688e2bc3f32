import { z } from 'zod';
import { type Executor, inTransaction } from '../../db/database.js';
import { textField } from '../../http/form-fields.js';
import { type AuditActor, entryBy, recordAudit } from '../audit/audit.service.js';
import {
  type PartnerRow,
  findPartner,
  insertPartner,
  listActivePartners,
  listAllPartners,
  retireActivePartner,
  updateActivePartner,
} from './partners.repository.js';

/**
 * The companies the owner has declared the shop may share data with. Each is shown by name on the
 * privacy page and as its own unticked choice in Account Home; nothing is shared with one without
 * the person's consent to that partner (`partner:<id>` in the consent ledger).
 */

export interface Partner {
  id: number;
  name: string;
  /** The fields it would receive, as the partner export names them. */
  receives: string[];
  why: string;
  country: string;
  policyUrl: string;
  createdAt: string;
  retiredAt: string | null;
}

export function partnerOf(row: PartnerRow): Partner {
  return {
    id: row.id,
    name: row.name,
    receives: JSON.parse(row.receives) as string[],
    why: row.why,
    country: row.country,
    policyUrl: row.policy_url,
    createdAt: row.created_at,
    retiredAt: row.retired_at,
  };
}

/** The partners in use now (not retired), in the order they were declared. */
export async function activePartners(db: Executor): Promise<Partner[]> {
  return (await listActivePartners(db)).map(partnerOf);
}

export async function partnerById(db: Executor, id: number): Promise<Partner | null> {
  const row = await findPartner(db, id);
  return row ? partnerOf(row) : null;
}

/**
 * What a partner can be declared to receive: exactly the columns the partner export can write,
 * each with the words the back office, the privacy page, the consent wording and the ledger use.
 */
export const PARTNER_FIELDS = {
  first_name: 'first name',
  surname: 'surname',
  email: 'e-mail address',
  postcode: 'postcode',
  town: 'town',
} as const;
export type PartnerField = keyof typeof PARTNER_FIELDS;

const isPartnerField = (f: string): f is PartnerField => Object.hasOwn(PARTNER_FIELDS, f);

/** The fields a partner receives, in the order of PARTNER_FIELDS (the export's column order). */
export function fieldsOf(partner: Pick<Partner, 'receives'>): PartnerField[] {
  return (Object.keys(PARTNER_FIELDS) as PartnerField[]).filter((f) => partner.receives.includes(f));
}

/** "first name, e-mail address and postcode": what a partner receives, in words. */
export function receivesInWords(partner: Pick<Partner, 'receives'>): string {
  const words = fieldsOf(partner).map((f) => PARTNER_FIELDS[f]);
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** Every partner, retired ones too, in the order they were declared: for the back office. */
export async function allPartners(db: Executor): Promise<Partner[]> {
  return (await listAllPartners(db)).map(partnerOf);
}

const httpsLink = z
  .string({ message: "Please enter the address of the partner's privacy policy." })
  .transform((v) => v.trim())
  .pipe(
    z
      .string()
      .min(1, "Please enter the address of the partner's privacy policy.")
      .max(500, 'Please keep the privacy-policy address under 500 characters.'),
  )
  .refine(
    (v) => {
      try {
        const u = new URL(v);
        return u.protocol === 'https:' && u.hostname.includes('.') && u.username === '' && u.password === '';
      } catch {
        return false;
      }
    },
    { message: "Please enter the full address of the partner's privacy policy, starting with https:// (an http:// page is not accepted)." },
  );

/** The partner form, as the back office posts it (`receives` repeats, one value per ticked box). */
export const partnerFormSchema = z.object({
  name: textField("the partner's name", 120),
  receives: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
    .pipe(
      z
        .array(
          z.string().refine(isPartnerField, 'Please choose what the partner would receive from the list: the export can write only those.'),
        )
        .min(1, 'Please tick at least one thing the partner would receive.')
        .max(Object.keys(PARTNER_FIELDS).length)
        .transform((fs) => [...new Set(fs)] as PartnerField[]),
    ),
  why: textField('why the partner would receive it', 300),
  country: textField("the partner's country", 60),
  policyUrl: httpsLink,
});
export type PartnerInput = z.output<typeof partnerFormSchema>;

export type PartnerChange =
  | { ok: true; id: number; changed: boolean }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'invalid'; errors: Partial<Record<keyof PartnerInput, string>> };

const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

function rowOf(input: PartnerInput) {
  return {
    name: input.name,
    receives: JSON.stringify(fieldsOf(input)),
    why: input.why,
    country: input.country,
    policy_url: input.policyUrl,
  };
}

/** Declares a partner the shop may share with, once each person agrees to it by name. Audited. */
export function declarePartner(db: Executor, input: PartnerInput, actor: AuditActor, now: Date): Promise<PartnerChange> {
  return inTransaction(db, async (trx): Promise<PartnerChange> => {
    if ((await activePartners(trx)).some((p) => sameName(p.name, input.name)))
      return {
        ok: false,
        reason: 'invalid',
        errors: { name: `A partner called ${input.name} is already declared. Please edit that one.` },
      };
    const id = await insertPartner(trx, { ...rowOf(input), created_at: now.toISOString(), retired_at: null });
    await recordAudit(
      trx,
      entryBy(actor, { action: 'create', subject: { type: 'partner', id }, fields: ['name', 'receives', 'why', 'country', 'policy_url'] }),
      now,
    );
    return { ok: true, id, changed: true };
  });
}

/**
 * Corrects a partner's details. What it receives can shrink but never grow: everyone who agreed
 * did so to the fields it was listed with, so sharing more needs a new partner and new consent.
 */
export function editPartner(db: Executor, id: number, input: PartnerInput, actor: AuditActor, now: Date): Promise<PartnerChange> {
  return inTransaction(db, async (trx): Promise<PartnerChange> => {
    const before = await partnerById(trx, id);
    if (!before || before.retiredAt !== null) return { ok: false, reason: 'not_found' };
    const added = fieldsOf(input).filter((f) => !before.receives.includes(f));
    if (added.length > 0) {
      return {
        ok: false,
        reason: 'invalid',
        errors: {
          receives: `People agreed to share only their ${receivesInWords(before)} with ${before.name}, so it cannot be given their ${receivesInWords({ receives: added })} as well. To share more, declare a new partner: people are then asked again.`,
        },
      };
    }
    if ((await activePartners(trx)).some((p) => p.id !== id && sameName(p.name, input.name)))
      return { ok: false, reason: 'invalid', errors: { name: `A partner called ${input.name} is already declared.` } };
    const row = rowOf(input);
    const changed = (Object.keys(row) as (keyof typeof row)[]).filter(
      (k) =>
        row[k] !==
        {
          name: before.name,
          receives: JSON.stringify(fieldsOf(before)),
          why: before.why,
          country: before.country,
          policy_url: before.policyUrl,
        }[k],
    );
    if (changed.length === 0) return { ok: true, id, changed: false };
    await updateActivePartner(trx, id, row);
    await recordAudit(trx, entryBy(actor, { action: 'change', subject: { type: 'partner', id }, fields: changed }), now);
    return { ok: true, id, changed: true };
  });
}

/**
 * Retires a partner: it is no longer offered, named on the privacy page or exported to. The
 * consents given to it stay in the ledger, as the record of what was agreed. Audited.
 */
export function retirePartner(db: Executor, id: number, actor: AuditActor, now: Date): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    if (!(await retireActivePartner(trx, id, now.toISOString()))) return false;
    await recordAudit(trx, entryBy(actor, { action: 'change', subject: { type: 'partner', id }, fields: ['retired_at'] }), now);
    return true;
  });
}
