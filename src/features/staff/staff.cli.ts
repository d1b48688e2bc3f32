/**
 * Staff accounts from the command line, for the first owner and for emergencies:
 *   npm run staff -- create --email ann@shop.example --role owner [--name "Ann Smith"]
 *   npm run staff -- link --email ann@shop.example      (a new one-time set-up link; ends the old password and sessions)
 *   npm run staff -- list
 */
import { parseArgs } from 'node:util';
import { fail, loadConfigOrExit } from '../../cli.js';
import { openDatabase } from '../../db/database.js';
import { migrateToLatest } from '../../db/migrate.js';
import { keyAuditTrail } from '../audit/audit.service.js';
import { ROLES, ROLE_LABELS, isRole } from './staff.domain.js';
import { findStaffByEmail, listStaff } from './staff.repository.js';
import { staffMailContext } from './staff.mail.js';
import { createStaff, emailSchema, reissueSetupLink } from './staff.service.js';

const usage = `Usage:
  npm run staff -- create --email <address> --role <${ROLES.join('|')}> [--name <name>]
  npm run staff -- link --email <address>
  npm run staff -- list`;

const config = loadConfigOrExit();

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' } },
  strict: false,
});
const command = positionals[0];
const handle = openDatabase(config.database);
const cli = { staffId: null, role: 'system', network: 'command line' };
const now = new Date();

try {
  await migrateToLatest(handle.db);
  await keyAuditTrail(handle.db, config.secretKey, now);
  if (command === 'create') {
    const email = emailSchema.safeParse(values.email);
    if (!email.success) fail(`--email: ${email.error.issues[0]?.message}\n${usage}`);
    const role = String(values.role ?? '');
    if (!isRole(role)) fail(`--role: expected one of ${ROLES.join(', ')}\n${usage}`);
    const name = typeof values.name === 'string' && values.name.trim() ? values.name.trim() : email.data.split('@')[0]!;
    const created = await createStaff(handle.db, { email: email.data, name, role }, cli, now);
    if (!created.ok) fail(`${email.data} already has an account. Use "npm run staff -- link --email ${email.data}" for a new set-up link.`);
    console.log(`Created ${ROLE_LABELS[role]} ${name} <${email.data}>.`);
    console.log(`One-time set-up link (valid 3 days): ${config.publicUrl}/admin/setup/${created.setupToken}`);
  } else if (command === 'link') {
    const email = emailSchema.safeParse(values.email);
    if (!email.success) fail(`--email: ${email.error.issues[0]?.message}\n${usage}`);
    const staff = await findStaffByEmail(handle.db, email.data);
    if (!staff || staff.disabled_at) fail(`No active staff account for ${email.data}.`);
    // Recorded in the audit trail, and the member is told by e-mail (through the outbox, which the running shop sends).
    const reissued = await reissueSetupLink(handle.db, { actor: cli, targetId: staff.id, now, mail: staffMailContext(config) });
    if (!reissued.ok) fail(`No active staff account for ${email.data}.`);
    console.log(
      `One-time set-up link for ${staff.name} (valid 3 days; the old password and sessions have ended, and it replaces two-factor): ${config.publicUrl}/admin/setup/${reissued.setupToken}`,
    );
  } else if (command === 'list') {
    for (const s of await listStaff(handle.db)) {
      console.log(
        `${s.email}\t${ROLE_LABELS[s.role as keyof typeof ROLE_LABELS] ?? s.role}\t${s.disabled_at ? 'disabled' : s.password_hash ? 'active' : 'invited'}`,
      );
    }
  } else {
    fail(usage);
  }
} finally {
  await handle.close();
}
