import type { Executor } from '../../db/database.js';
import { type PartnerRow, findPartner, listActivePartners } from './partners.repository.js';

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
