import type { SubjectHandlers } from './inventory.js';

/**
 * Privacy requests: from anyone (the public form), from Account Home, or recorded by staff from an
 * e-mail or a letter; the identity check, the statutory clock, the answer and the proof.
 */

/** The privacy feature's own exporter and eraser: a person's requests, flags and journal entries. */
export const privacySubjects: SubjectHandlers = {
  async exportSubject() {
    return {};
  },
  async eraseSubject() {
    return {};
  },
};
