import { addressHashOf } from '../consent/consent.keys.js';
import { exportFlags } from './flags.service.js';
import { type ErasureReport, type SubjectHandlers, emailsOf, exportOf } from './inventory.js';
import { type RequestRow, anonymiseRequests, eventsOfRequests, requestsOfPerson } from './requests.repository.js';

/**
 * The privacy feature's own exporter and eraser, apart from the requests' service (which finds
 * people through subjects.service, which composes every feature's handlers, these among them).
 */

/** A request as a person's copy shows it: never a token's hash. */
function requestForCopy(r: RequestRow): Record<string, unknown> {
  const { token_hash: _t, answer_token_hash: _a, residue_scan: _s, ...rest } = r;
  return rest;
}

/** The privacy feature's own exporter and eraser: a person's requests, flags and journal entries. */
export const privacySubjects: SubjectHandlers = {
  async exportSubject(trx, person) {
    const emails = emailsOf(person);
    const requests = await requestsOfPerson(trx, {
      emails,
      hashes: emails.map((e) => addressHashOf(trx, e)),
      customerId: person.customerId,
    });
    const events = await eventsOfRequests(
      trx,
      requests.map((r) => r.id),
    );
    const out = exportOf({
      privacy_requests: requests.map(requestForCopy),
      privacy_request_events: events.map((e) => ({ ...e })),
    });
    return { ...out, ...(await exportFlags(trx, person)) };
  },
  /** The record stays as the proof that the request was answered; the address, name, details and account go. */
  async eraseSubject(trx, person, now) {
    const emails = emailsOf(person);
    const requests = await requestsOfPerson(trx, {
      emails,
      hashes: emails.map((e) => addressHashOf(trx, e)),
      customerId: person.customerId,
    });
    const anonymised = await anonymiseRequests(
      trx,
      requests.map((r) => r.id),
      now.toISOString(),
    );
    const report: ErasureReport = { privacy_requests: { deleted: 0, anonymised } };
    return report;
  },
};
