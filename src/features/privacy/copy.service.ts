import type { Executor } from '../../db/database.js';
import type { Person, SubjectExport } from './inventory.js';

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

/** Everything the shop holds about the person, read in one transaction. */
export async function makeCopy(_db: Executor, _person: Person, _now: Date): Promise<PersonalCopy> {
  throw new Error('makeCopy is being built');
}

/** The copy as a zip a person can take elsewhere: the readable page, JSON of every table, CSV of the orders, a README. */
export async function zipOfCopy(_copy: PersonalCopy, _shopName: string): Promise<Buffer> {
  throw new Error('zipOfCopy is being built');
}
