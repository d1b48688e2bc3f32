import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contracts } from '../../src/features/privacy/contracts.registry.js';
import { setFlags } from '../../src/features/privacy/flags.service.js';
import type { PersonalColumn, SubjectExport, SubjectKind, TableName } from '../../src/features/privacy/inventory.js';
import { recordAccountRequest } from '../../src/features/privacy/requests.service.js';
import { exportPerson, findPerson } from '../../src/features/privacy/subjects.service.js';
import { alertConfirmToken, askForAlert, pressAlertConfirm, soldOutPiece } from '../support/alerts.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { JOURNEY_ENV, customerAcrossTheShop, staffAcrossTheShop } from '../support/privacy.js';

/**
 * The exporters' completeness, held by tests rather than memory: every table with a declared
 * personal column has a feature with an exporter and an eraser; and every row an exporter returns
 * carries every declared personal column of its table (but those declared left out of a copy), so
 * a column added to a table and its inventory but forgotten by the exporter fails here.
 */
const now = new Date('2026-11-23T10:00:00Z');
let shop: TestShop;

const personalColumns = (): PersonalColumn[] => contracts.flatMap((c) => c.inventory.personal);
const tablesWithPersonalData = () => [...new Set(personalColumns().map((c) => c.table))];

/** Tables with personal columns this journey leaves without a row for its people, and why. */
const NO_ROW_IN_THIS_JOURNEY: Partial<Record<TableName, string>> = {
  breach_people:
    'Listed only when staff record a breach and the people it affects; test/breaches/people.test.ts copies and erases such rows.',
  customer_sign_in_failures:
    "Rows are found only by a keyed fingerprint of an address, which erasure cannot recompute without the shop's key; none says whose it is.",
  consent_legacy_ticks:
    'Only accounts from before the consent ledger had one, and the shop writes each into the ledger as it starts, so none is left to copy.',
  feedback_answers: 'An answer is stored without any order, address or account, so none can be found as one person’s.',
  erasure_journal: 'Written only when a person is erased, under keyed hashes; a copy made after that finds nobody to give it to.',
};

/** The kinds of person each of the journey's people is, to know whose columns their rows must carry. */
const CUSTOMER_KINDS: SubjectKind[] = ['customer', 'guest-buyer', 'newsletter-signup', 'enquirer', 'requester'];
const STAFF_KINDS: SubjectKind[] = ['staff-member'];

let copies: { kinds: SubjectKind[]; data: SubjectExport }[];

beforeAll(async () => {
  shop = await buildTestShop({ clock: () => now, env: { ...JOURNEY_ENV } });
  const app = shop.app;
  const { person, id, shopper, own } = await customerAcrossTheShop(app, now);
  const piece = await soldOutPiece(app);
  expect((await askForAlert(app, piece.pageUrl, person.email, shopper)).statusCode).toBe(303);
  expect((await pressAlertConfirm(app, await alertConfirmToken(app, person.email), shopper)).statusCode).toBeLessThan(400);
  const request = await recordAccountRequest(app.db, { kind: 'access', customerId: id, email: person.email, details: 'Everything' }, now);
  await setFlags(app.db, person.email, ['objection-statistics'], now, request.id);

  // A member of staff who changes a piece, opens the order and signs in with a password from a network.
  const member = await staffAcrossTheShop(app, own.number);

  const customer = await findPerson(app.db, { email: person.email });
  const staff = await findPerson(app.db, { staffId: member.staffId });
  if (!customer || !staff) throw new Error('a person was not found');
  copies = [
    { kinds: CUSTOMER_KINDS, data: await exportPerson(app.db, customer) },
    { kinds: STAFF_KINDS, data: await exportPerson(app.db, staff) },
  ];
});
afterAll(async () => shop?.close());

/** The declared personal columns of a table that a row about this kind of person must carry in a copy. */
function expectedColumns(table: TableName, kinds: SubjectKind[]): string[] {
  return personalColumns()
    .filter((c) => c.table === table && !c.leftOutOfExport)
    .filter((c) => !c.subjects || c.subjects.some((s) => kinds.includes(s)))
    .map((c) => c.column);
}

describe(`every exporter is there and complete (${testDialect})`, () => {
  it('gives every table with a declared personal column to one feature with an exporter and an eraser', () => {
    const owners = (table: TableName) => contracts.filter((c) => c.inventory.tables.some((t) => t.table === table));
    const tables = tablesWithPersonalData();
    expect(tables.length).toBeGreaterThan(20);
    for (const table of tables) {
      const found = owners(table);
      expect(
        found.map((c) => c.inventory.feature),
        table,
      ).toHaveLength(1);
      expect(found[0]?.handlers, `${table}: no exporter and eraser`).not.toBeNull();
      expect(typeof found[0]?.handlers?.exportSubject, table).toBe('function');
      expect(typeof found[0]?.handlers?.eraseSubject, table).toBe('function');
    }
    // A personal column is declared by the feature that owns its table, not by another one.
    for (const c of contracts)
      for (const p of c.inventory.personal)
        expect(
          c.inventory.tables.map((t) => t.table),
          `${p.table}.${p.column}`,
        ).toContain(p.table);
  });

  it('returns, in every row of a table, every declared personal column of that table but those left out of a copy', () => {
    const gaps: string[] = [];
    let checked = 0;
    for (const { kinds, data } of copies)
      for (const [table, rows] of Object.entries(data) as [TableName, Record<string, unknown>[]][])
        for (const row of rows) {
          for (const column of expectedColumns(table, kinds)) {
            checked++;
            if (!(column in row)) gaps.push(`${table}.${column}`);
          }
        }
    expect([...new Set(gaps)]).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });

  it('has a row to check in every table with personal data, or says why not (and the reasons are real)', () => {
    const withRows = new Set(copies.flatMap(({ data }) => Object.keys(data).filter((t) => (data[t as TableName]?.length ?? 0) > 0)));
    const unchecked = tablesWithPersonalData().filter((t) => !withRows.has(t) && !(t in NO_ROW_IN_THIS_JOURNEY));
    expect(unchecked).toEqual([]);
    for (const t of Object.keys(NO_ROW_IN_THIS_JOURNEY)) {
      expect(withRows.has(t), t).toBe(false);
      expect(tablesWithPersonalData(), `${t} is listed but holds no declared personal column`).toContain(t);
    }
  });

  it('never returns a column declared as left out of a copy', () => {
    const leftOut = personalColumns().filter((c) => c.leftOutOfExport);
    expect(leftOut.length).toBeGreaterThan(3);
    for (const { data } of copies)
      for (const c of leftOut) for (const row of data[c.table] ?? []) expect(row, `${c.table}.${c.column}`).not.toHaveProperty(c.column);
  });
});
