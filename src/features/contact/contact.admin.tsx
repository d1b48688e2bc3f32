import type { FastifyInstance } from 'fastify';
import { notFound } from '../../http/errors.js';
import { Pagination, RowLink } from '../../http/views/components.js';
import { actorOf } from '../backoffice/backoffice.plugin.js';
import { countContactMessages, listContactMessageHeaders } from './contact.repository.js';
import { SUBJECTS, openEnquiry } from './contact.service.js';
import { CONTACT_RETENTION } from './contact.inventory.js';

const PAGE = 50;

export async function contactAdminRoutes(app: FastifyInstance): Promise<void> {
  app.get('/admin/enquiries', { config: { access: 'enquiries.view' } }, async (req, reply) => {
    const raw = (req.query as Record<string, unknown>).page;
    const page = typeof raw === 'string' && /^\d{1,6}$/.test(raw) && Number(raw) >= 1 ? Number(raw) : 1;
    const [rows, total] = await Promise.all([listContactMessageHeaders(app.db, PAGE, (page - 1) * PAGE), countContactMessages(app.db)]);
    return reply.adminPage(
      { title: 'Enquiries', section: 'enquiries', csrfToken: reply.csrfToken() },
      <section>
        <h1>Enquiries</h1>
        <p>
          Messages from the contact form, deleted automatically {CONTACT_RETENTION.text.replace(', then deleted', '')}. Opening one shows
          the sender's details and is recorded in the audit trail.
        </p>
        <table class="admin-table">
          <caption class="visually-hidden">Enquiries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Enquiry</th>
              <th scope="col">About</th>
              <th scope="col">Received (UTC)</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <RowLink href={`/admin/enquiries/${r.id}`}>#{r.id}</RowLink>
                <td>{SUBJECTS[r.subject as keyof typeof SUBJECTS] ?? r.subject}</td>
                <td>{r.created_at.slice(0, 16).replace('T', ' ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 && <p>No enquiries.</p>}
        <Pagination page={page} pages={Math.max(1, Math.ceil(total / PAGE))} hrefFor={(n) => `/admin/enquiries?page=${n}`} />
      </section>,
    );
  });

  app.get<{ Params: { id: string } }>('/admin/enquiries/:id', { config: { access: 'enquiries.view' } }, async (req, reply) => {
    if (!/^\d{1,12}$/.test(req.params.id)) throw notFound("We couldn't find that enquiry.");
    const id = Number(req.params.id);
    // The look is recorded in the same transaction that reads, so no view goes unrecorded.
    const message = await openEnquiry(app.db, id, actorOf(req), app.clock());
    if (!message) throw notFound("We couldn't find that enquiry. It may have been deleted at the end of its retention period.");
    return reply.adminPage(
      { title: `Enquiry #${id}`, section: 'enquiries', csrfToken: reply.csrfToken() },
      <section class="admin-card">
        <h1>Enquiry #{id}</h1>
        <dl class="facts">
          <dt>From</dt>
          <dd>{message.name}</dd>
          <dt>E-mail</dt>
          <dd>
            <a href={`mailto:${message.email}`}>{message.email}</a>
          </dd>
          <dt>About</dt>
          <dd>{SUBJECTS[message.subject as keyof typeof SUBJECTS] ?? message.subject}</dd>
          <dt>Received</dt>
          <dd>{message.created_at.slice(0, 16).replace('T', ' ')} UTC</dd>
        </dl>
        <div class="message-body">
          {message.message.split('\n').map((line, i) => (
            <p key={i}>{line}</p>
          ))}
        </div>
        <p>
          <a href="/admin/enquiries">← All enquiries</a>
        </p>
      </section>,
    );
  });
}
