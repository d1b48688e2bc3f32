import type { HandoverPart } from './handover.tables.js';

/**
 * README.txt of the whole-shop export: what each file holds, what stayed behind and why, and
 * what the new owner must do with the customers' data. Plain text, so it opens anywhere.
 */

const wrap = (text: string, width = 96): string => {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out.join('\n');
};

const para = (text: string) => `${wrap(text)}\n`;
const item = (text: string) =>
  `${wrap(text, 92)
    .split('\n')
    .map((l, i) => (i === 0 ? `  - ${l}` : `    ${l}`))
    .join('\n')}\n`;

export function readmeText(m: {
  shopName: string;
  exportedAt: Date;
  tables: { table: string; rows: number }[];
  parts: readonly HandoverPart[];
  photos: number;
}): string {
  const rows = new Map(m.tables.map((t) => [t.table, t.rows]));
  const out: string[] = [];
  out.push(`${m.shopName}: whole-shop export\n${'='.repeat(m.shopName.length + 20)}\n\n`);
  out.push(
    para(
      `Made ${m.exportedAt.toISOString()} for a sale of the business. It holds the shop's catalogue, its customers' accounts and addresses, its orders, the consent ledger and the suppression list: personal data of the shop's customers. Keep it encrypted, share it with as few people as possible, and delete copies that are no longer needed.`,
    ),
  );
  out.push('\n');
  out.push(
    para(
      "Before the sale is completed, the shop's advisors and prospective buyers get only what they need to judge the business (counts, totals, a sample with the names and addresses removed), never this whole export. The whole export goes to the new owner, at completion.",
    ),
  );
  out.push('\nThe new owner’s duties\n----------------------\n');
  out.push(
    item(
      'Use the data only for the same purposes it was collected for, as the privacy policy in force at the sale says (fulfilling orders, keeping accounts, the tax record, and marketing only to people who agreed to it).',
    ),
  );
  out.push(
    item(
      'Tell the customers that the business has changed hands, who the new owner is and how to reach them (the shop can send that notice to every account holder and every guest buyer whose details it holds from Back office > Whole-shop export before it is handed over).',
    ),
  );
  out.push(
    item(
      'Honour the suppression list and every withdrawal in the consent ledger: never send marketing to an address that withdrew consent for it. Consent given to the old owner covers only the purposes it was asked for.',
    ),
  );
  out.push(item('Keep each record no longer than the published retention periods, and answer privacy requests as the policy promises.'));
  out.push('\nFiles\n-----\n');
  out.push(
    para(
      'Every table is here twice: data/<table>.jsonl, one JSON object a line, exact (for `npm run import-shop -- <this zip>`, which loads it into an empty shop), and csv/<table>.csv, for people (UTF-8; amounts are in pence; a cell that would start a spreadsheet formula is quoted with a leading apostrophe). manifest.json lists every file with its rows, bytes and SHA-256, and the database schema (migration) it was made from.',
    ),
  );
  out.push('\n');
  for (const part of m.parts) {
    for (const t of part.tables) {
      const n = rows.get(t.table) ?? 0;
      out.push(item(`${t.table} (${n} ${n === 1 ? 'row' : 'rows'}): ${t.holds}.`));
      for (const l of t.leftOut) out.push(`      Not included: ${l.columns.join(', ')} — ${l.why}.\n`);
    }
  }
  out.push(
    item(
      `images/: the uploaded product photos (${m.photos} ${m.photos === 1 ? 'file' : 'files'}, named as product_images.file_key and width), and images/drawn/: the drawn pictures of the demo catalogue, also held in product_images.body.`,
    ),
  );
  out.push('\nWhat stays behind, and why\n--------------------------\n');
  out.push(
    item(
      'Passwords (their one-way fingerprints), sign-in sessions and e-mailed links: they are keys to the customers’ accounts, and anyone holding a copy of this export could use them or try to guess the passwords offline. In the new shop each customer chooses a new password with "Forgotten your password?", which also proves they still hold the address.',
    ),
  );
  out.push(
    item(
      'Staff accounts, the audit trail, the e-mail outbox, bags, enquiries, visitor statistics, privacy requests and backups: they are the old business’s own records, not the shop being sold.',
    ),
  );
  out.push(
    item(
      'The fingerprints in the consent ledger, the consent state and the suppression list are keyed with the shop’s SECRET_KEY. They match in the new shop only when it runs with the same SECRET_KEY, handed over apart from this file (never with it). Without it the suppression list cannot be matched to addresses: keep the old key.',
    ),
  );
  return out.join('');
}
