/**
 * Characters no text a person types into the shop may carry: C0 and C1 control characters, DEL,
 * and the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which
 * can make stored text display differently from what it is (an address or a name that reads
 * backwards in the back office or on a packing slip). Tab, line feed and carriage return are
 * allowed only in fields that are multi-line.
 */
// Matching control characters is the point of these two patterns.
/* eslint-disable no-control-regex */
const HIDDEN_ALWAYS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const HIDDEN_ON_ONE_LINE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
/* eslint-enable no-control-regex */

/**
 * The form fields that are multi-line (each is a textarea on its page): the contact message, the
 * gift message, the back office's descriptions and care notes, a campaign's body, and the breach register's
 * descriptions, reasons and list of addresses. A test renders every page with
 * a textarea and fails when one is missing here.
 */
export const MULTILINE_FIELDS: ReadonlySet<string> = new Set([
  'message',
  'gift_message',
  'description',
  'care',
  'body',
  'what_happened',
  'data_affected',
  'people_affected',
  'risk_assessment',
  'actions',
  'emails',
  'late_reason',
  'not_reported_reason',
  'not_told_reason',
]);

/** True when the text holds a character that no field accepts (tab and line breaks only where the field is multi-line). */
export function hasHiddenCharacter(text: string, multiline = false): boolean {
  return (multiline ? HIDDEN_ALWAYS : HIDDEN_ON_ONE_LINE).test(text);
}

export const HIDDEN_CHARACTER_TITLE = 'Please check what you typed';
export const HIDDEN_CHARACTER_MESSAGE =
  'Part of what you sent contains a hidden control or text-direction character, often picked up when text is copied from another document. Please type it again, then send it once more.';

/** The message for one field, for forms that show errors next to their fields. */
export const hiddenCharacterMessage = (field: string) =>
  `Please type ${field} again: it contains a hidden control or text-direction character, often picked up when text is copied.`;
