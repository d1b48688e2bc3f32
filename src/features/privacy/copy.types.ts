import type { SubjectExport } from './inventory.js';

/** The shapes of a person's copy, apart from the service so that its views can name them without importing it. */

/** A person's copy of their data: in words, section by section, and as the data itself, table by table. */
export interface PersonalCopy {
  madeAt: string;
  emails: string[];
  sections: CopySection[];
  data: SubjectExport;
}

/** One part of the readable copy ("Your orders"), as labelled values. */
export interface CopySection {
  id: string;
  title: string;
  intro: string;
  items: { heading?: string; fields: { label: string; value: string }[] }[];
}
