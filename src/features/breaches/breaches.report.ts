import { CATEGORY_TEXT } from '../privacy/inventory.js';
import { RISK_TEXT, categoriesOf, clockOf, clockText, isRisk, momentText, reportDeadline } from './breaches.domain.js';
import type { BreachRow } from './breaches.repository.js';

/** The shop as the ICO's form asks for it (config.shop). */
export interface ReportingOrganisation {
  name: string;
  address: string;
  email: string;
  icoNumber: string;
}

export interface ReportSection {
  heading: string;
  /** Each entry a label and its answer. */
  answers: { label: string; text: string }[];
}

const orNot = (text: string | null | undefined, otherwise: string) => (text && text.trim() !== '' ? text : otherwise);

/**
 * A draft of the report to the ICO, assembled from the record in the order of the ICO's
 * personal data breach report form: the organisation, what happened and when, how it was found,
 * the data and people affected, the likely consequences, what has been done, whether people have
 * been told, and why the report is late when it is. Staff copy it into the ICO's form (or read it
 * out on the phone); nothing is sent from here.
 */
export function icoReportDraft(
  org: ReportingOrganisation,
  b: BreachRow,
  people: { listed: number; told: number },
  now: Date,
): ReportSection[] {
  const discovered = new Date(b.discovered_at);
  const deadline = reportDeadline(discovered);
  const categories = categoriesOf(b.categories).map((c) => CATEGORY_TEXT[c]);
  const risk = isRisk(b.risk) ? RISK_TEXT[b.risk] : null;
  const clock = clockOf(b, now);
  const late = b.reported_at ? new Date(b.reported_at) > deadline : now > deadline;
  const told = b.people_told_at
    ? `Yes: ${people.told} ${people.told === 1 ? 'person was' : 'people were'} e-mailed a notice, from ${momentText(b.people_told_at)}.`
    : b.people_not_told_reason
      ? `No: ${b.people_not_told_reason}`
      : 'Not yet.';
  return [
    {
      heading: '1. Your organisation',
      answers: [
        { label: 'Organisation name', text: org.name },
        { label: 'Address', text: org.address },
        { label: 'ICO registration number', text: org.icoNumber },
        { label: 'Contact for this report', text: org.email },
      ],
    },
    {
      heading: '2. About the breach',
      answers: [
        { label: 'Our reference', text: `Breach ${b.id}: ${b.title}` },
        { label: 'What happened', text: b.what_happened },
        { label: 'When it happened', text: b.occurred_at ? momentText(b.occurred_at) : 'Not known yet.' },
        { label: 'When we discovered it', text: momentText(b.discovered_at) },
        {
          label: 'How we discovered it',
          text: `Described under "What happened". It was recorded in our breach register on ${momentText(b.recorded_at)}.`,
        },
        { label: 'Report due by', text: `${momentText(deadline)} (72 hours after discovery)` },
      ],
    },
    {
      heading: '3. Personal data and people affected',
      answers: [
        { label: 'Categories of personal data', text: categories.length > 0 ? categories.join(', ') : 'Not known yet.' },
        { label: 'The data affected', text: b.data_affected },
        { label: 'Number of people affected', text: b.people_count === null ? 'Not known yet.' : b.people_count.toLocaleString('en-GB') },
        { label: 'Who they are', text: b.people_affected },
      ],
    },
    {
      heading: '4. Likely consequences',
      answers: [
        { label: 'Our assessment of the risk', text: risk ? risk.label : b.risk },
        { label: 'Potential consequences for the people affected', text: orNot(b.risk_assessment, 'Not assessed yet.') },
      ],
    },
    {
      heading: '5. Taking action',
      answers: [{ label: 'Actions taken and planned', text: orNot(b.actions, 'None recorded yet.') }],
    },
    {
      heading: '6. Telling the people affected',
      answers: [{ label: 'Have the people affected been told?', text: told }],
    },
    {
      heading: '7. Reporting',
      answers: [
        { label: 'Where the report stands', text: clockText(clock) },
        ...(b.ico_reference ? [{ label: 'ICO reference', text: b.ico_reference }] : []),
        ...(late
          ? [{ label: 'Why this report is later than 72 hours', text: orNot(b.late_reason, 'To be given with the report (Art. 33(1)).') }]
          : []),
      ],
    },
  ];
}

/** The draft as plain text, for the download. */
export function reportText(sections: ReportSection[], heading: string): string {
  const lines = [heading, '='.repeat(heading.length), ''];
  for (const s of sections) {
    lines.push(s.heading, '-'.repeat(s.heading.length));
    for (const a of s.answers) lines.push(`${a.label}:`, ...a.text.split('\n').map((l) => `  ${l}`), '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
