import type { Executor } from '../../db/database.js';
import { findStaffNames, listStaff } from './staff.repository.js';

/**
 * Who the staff are, as other features ask: names to show beside what someone did, the list to
 * filter the audit trail by, and the owners to write to. Kept apart from staff.service, which
 * records its own actions through the audit feature, so that the audit feature can ask this
 * without an import cycle. Nothing here returns a password hash, key or session.
 */

export interface StaffMember {
  id: number;
  name: string;
  email: string;
  role: string;
  disabled: boolean;
}

/** Every staff member, disabled ones first, then by name (as the staff list shows them). */
export async function staffMembers(db: Executor): Promise<StaffMember[]> {
  return (await listStaff(db)).map((s) => ({ id: s.id, name: s.name, email: s.email, role: s.role, disabled: s.disabled_at !== null }));
}

/** The owners who can still sign in. */
export async function activeOwners(db: Executor): Promise<StaffMember[]> {
  return (await staffMembers(db)).filter((s) => s.role === 'owner' && !s.disabled);
}

/** Names by staff id, for these ids, in one query; an id no longer on the staff list is absent. */
export async function staffNamesById(db: Executor, ids: readonly (number | null)[]): Promise<Map<number, string>> {
  const known = ids.filter((id): id is number => id !== null);
  return new Map((await findStaffNames(db, known)).map((s) => [s.id, s.name]));
}
