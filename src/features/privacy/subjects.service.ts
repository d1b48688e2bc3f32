import { type Executor, inTransaction } from '../../db/database.js';
import { accountForPrivacy } from '../customers/customers.service.js';
import { memberForPrivacy } from '../staff/staff.service.js';
import { type PrivacyContract, contracts as allContracts } from './contracts.registry.js';
import type { ErasureReport, Person, SubjectExport } from './inventory.js';

/**
 * One person's data across the shop: each feature exports and erases its own tables (its
 * `<feature>Subjects` handlers); this composes them in one transaction, so a copy is one
 * consistent moment and an erasure happens entirely or not at all. The pages that ask for these
 * come with the privacy-rights work.
 */

/**
 * The person a request is about: a customer by their account, or anyone by an e-mail address
 * (with the account of that address, if there is one), or a member of staff by their number.
 * Null when there is no such account or member; an address alone is always a person (a guest
 * buyer, an enquirer), who may simply have nothing stored.
 */
export async function findPerson(
  db: Executor,
  by: { email: string } | { customerId: number } | { staffId: number },
): Promise<Person | null> {
  if ('staffId' in by) {
    const member = await memberForPrivacy(db, by.staffId);
    return member ? { customerId: null, emails: [member.email], staffId: member.staffId } : null;
  }
  const account = await accountForPrivacy(db, by);
  if ('customerId' in by) return account ? { customerId: account.customerId, emails: [account.email], staffId: null } : null;
  const emails = [...new Set([by.email.trim(), ...(account ? [account.email] : [])])];
  return { customerId: account?.customerId ?? null, emails, staffId: null };
}

/** A copy of everything the shop stores about the person, table by table (each table belongs to one feature). */
export function exportPerson(db: Executor, person: Person, contracts: PrivacyContract[] = allContracts): Promise<SubjectExport> {
  return inTransaction(db, async (trx) => {
    const out: SubjectExport = {};
    for (const { handlers } of contracts) if (handlers) Object.assign(out, await handlers.exportSubject(trx, person));
    return out;
  });
}

/** Erases the person from every feature, each as its inventory declares, in one transaction; what was done, table by table. */
export function erasePerson(db: Executor, person: Person, now: Date, contracts: PrivacyContract[] = allContracts): Promise<ErasureReport> {
  return inTransaction(db, async (trx) => {
    const report: ErasureReport = {};
    for (const { handlers } of contracts) if (handlers) Object.assign(report, await handlers.eraseSubject(trx, person, now));
    return report;
  });
}
