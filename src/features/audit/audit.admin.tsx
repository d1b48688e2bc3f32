import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseInput } from '../../http/form-fields.js';
import { Notice, Pagination } from '../../http/views/components.js';
import { Csrf, FilterInput, FilterSelect } from '../../http/views/form.js';
import { buildQueryString } from '../../http/query.js';
import { ROLE_LABELS, type Role } from '../staff/staff.domain.js';
import { staffMembers } from '../staff/staff.directory.js';
import { browseAudit, keyAuditTrail, parseAnchor, verifyAuditChain } from './audit.service.js';

const ACTIONS = ['view', 'export', 'change', 'delete', 'create'] as const;
const dateText = z
  .string()
  .optional()
  .refine((v) => !v || /^\d{4}-\d{2}-\d{2}$/.test(v), 'Dates should look like 2026-11-23.');

const filterSchema = z.object({
  staff: z
    .string()
    .optional()
    .refine((v) => !v || /^\d{1,9}$/.test(v), 'Please choose a staff member from the list.'),
  action: z.enum(['', ...ACTIONS], { message: 'Please choose an action from the list.' }).optional(),
  subject: z
    .string()
    .max(40)
    .optional()
    .refine((v) => !v || /^[a-z_]+$/.test(v), 'Please choose a record type from the list.'),
  from: dateText,
  to: dateText,
  page: z
    .string()
    .optional()
    .refine((v) => !v || (/^\d{1,6}$/.test(v) && Number(v) >= 1), 'Page numbers start at 1.'),
});

const ANCHOR_HELP =
  'That is not an anchor from the daily e-mail: copy the whole line after "Anchor:", which looks like 1234-2026-12-01- followed by 64 letters and digits.';
const verifySchema = z.object({
  anchor: z
    .string()
    .max(200, ANCHOR_HELP)
    .optional()
    .refine((v) => !v?.trim() || parseAnchor(v) !== null, ANCHOR_HELP),
});

export async function auditRoutes(app: FastifyInstance): Promise<void> {
  // The trail is sealed with a key from SECRET_KEY; this also carries an unkeyed trail over, once.
  await keyAuditTrail(app.db, app.config.secretKey, app.clock());

  app.get('/admin/audit', { config: { access: 'audit.view' } }, async (req, reply) => {
    const q = parseInput(filterSchema, req.query);
    const page = Number(q.page ?? 1);
    const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString();
    const filter = {
      actorStaffId: q.staff ? Number(q.staff) : undefined,
      action: q.action || undefined,
      subjectType: q.subject || undefined,
      from: q.from ? `${q.from}T00:00:00.000Z` : undefined,
      to: q.to ? nextDay(q.to) : undefined,
    };
    const [{ rows, total }, staff] = await Promise.all([browseAudit(app.db, filter, page), staffMembers(app.db)]);
    const names = new Map(staff.map((s) => [s.id, s.name]));
    const pages = Math.max(1, Math.ceil(total / 50));
    const csrf = reply.csrfToken();
    return reply.adminPage(
      { title: 'Audit trail', section: 'audit', csrfToken: csrf },
      <section>
        <div class="admin-head">
          <h1>Audit trail</h1>
          <form method="post" action="/admin/audit/verify" class="filter-bar">
            <Csrf token={csrf} />
            <label>
              Anchor from the daily e-mail (optional)
              <input type="text" name="anchor" maxLength={200} autocomplete="off" spellcheck={false} />
            </label>
            <button type="submit" class="button">
              Verify the chain
            </button>
          </form>
        </div>
        <p>
          Every look at, export of, change to or deletion of personal data by staff, and every change to staff and their rights. Entries are
          chained and sealed with the shop's key, and cannot be edited. Each day the owners are e-mailed an anchor for the newest entry:
          paste one into the box to check that the trail still passes through it, so that even a rewrite by someone holding the database and
          the key shows.
        </p>
        <form method="get" action="/admin/audit" class="filter-bar">
          <FilterSelect
            label="Staff member"
            name="staff"
            value={q.staff}
            options={[{ value: '', label: 'Anyone' }, ...staff.map((s) => ({ value: String(s.id), label: s.name }))]}
          />
          <FilterSelect
            label="Action"
            name="action"
            value={q.action}
            options={[{ value: '', label: 'Any' }, ...ACTIONS.map((a) => ({ value: a, label: a }))]}
          />
          <FilterSelect
            label="Record type"
            name="subject"
            value={q.subject}
            options={[{ value: '', label: 'Any' }, ...['staff', 'contact_message'].map((s) => ({ value: s, label: s.replace('_', ' ') }))]}
          />
          <FilterInput label="From" type="date" name="from" value={q.from} />
          <FilterInput label="To" type="date" name="to" value={q.to} />
          <button type="submit" class="button">
            Filter
          </button>
        </form>
        <table class="admin-table">
          <caption class="visually-hidden">Audit entries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">When (UTC)</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Record</th>
              <th scope="col">Fields</th>
              <th scope="col">Reason / detail</th>
              <th scope="col">Network</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td class="num">{r.id}</td>
                <td>{r.at.slice(0, 19).replace('T', ' ')}</td>
                <td>
                  {r.actor_staff_id ? (names.get(r.actor_staff_id) ?? `#${r.actor_staff_id}`) : 'System'}
                  <br />
                  <small>{ROLE_LABELS[r.actor_role as Role] ?? r.actor_role}</small>
                </td>
                <td>{r.action}</td>
                <td>
                  {r.subject_type.replace('_', ' ')} #{r.subject_id}
                </td>
                <td>{r.fields.replace(/,/g, ', ')}</td>
                <td>{r.reason ?? ''}</td>
                <td>{r.network ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 && <p>No entries match.</p>}
        <Pagination
          page={page}
          pages={pages}
          hrefFor={(n) =>
            `/admin/audit${buildQueryString({ staff: q.staff, action: q.action, subject: q.subject, from: q.from, to: q.to, page: n })}`
          }
        />
      </section>,
    );
  });

  app.post('/admin/audit/verify', { config: { access: 'audit.view' } }, async (req, reply) => {
    const { anchor: anchorText } = parseInput(verifySchema, req.body);
    const anchor = anchorText?.trim() ? (parseAnchor(anchorText) ?? undefined) : undefined;
    const verdict = await verifyAuditChain(app.db, { anchor, now: app.clock() });
    return reply.adminPage(
      { title: 'Audit chain', section: 'audit' },
      <section class={`admin-card narrow ${verdict.ok ? 'verdict-ok' : 'verdict-broken'}`}>
        <h1>{verdict.ok ? 'The audit trail is intact' : 'The audit trail has been tampered with'}</h1>
        {verdict.ok ? (
          <>
            <p>All {verdict.entries} entries check out: none has been altered or removed since it was written.</p>
            {verdict.anchor === 'matched' && anchor && (
              <p>
                Entry <strong>#{anchor.id}</strong> matches the anchor you gave, so the trail up to it is the one the owners were sent.
              </p>
            )}
            {verdict.anchor === 'expired' && anchor && (
              <p>
                Entry #{anchor.id}, which the anchor you gave names, has since been deleted after 6 years, as the retention policy requires,
                so that anchor can no longer be checked. Use a more recent one.
              </p>
            )}
          </>
        ) : (
          <Notice kind="error">
            The first broken link is at entry <strong>#{verdict.brokenAt}</strong>: {verdict.problem}. Entries before it check out.
          </Notice>
        )}
        <p>
          <a class="button" href="/admin/audit">
            Back to the audit trail
          </a>
        </p>
      </section>,
    );
  });
}
