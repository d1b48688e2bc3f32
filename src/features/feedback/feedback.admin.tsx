import type { FastifyInstance } from 'fastify';
import { Pagination } from '../../http/views/components.js';
import { FEEDBACK_RETENTION } from './feedback.inventory.js';
import { feedbackAnswers } from './feedback.service.js';

const PAGE = 50;

/** The answers to feedback requests, newest first, read-only. They name no one, so reading them is not an audited look at personal data. */
export async function feedbackAdminRoutes(app: FastifyInstance): Promise<void> {
  app.get('/admin/feedback', { config: { access: 'feedback.view' } }, async (req, reply) => {
    const raw = (req.query as Record<string, unknown>).page;
    const page = typeof raw === 'string' && /^\d{1,6}$/.test(raw) && Number(raw) >= 1 ? Number(raw) : 1;
    const { answers, total } = await feedbackAnswers(app.db, page, PAGE);
    return reply.adminPage(
      { title: 'Feedback', section: 'feedback', csrfToken: reply.csrfToken() },
      <section>
        <h1>Feedback</h1>
        <p>
          Answers to the feedback requests sent after delivery, as typed. Nothing says who wrote them or about which order, and each is
          deleted {FEEDBACK_RETENTION.text.replace(', then deleted', '')}.
        </p>
        <table class="admin-table">
          <caption class="visually-hidden">Feedback, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col" class="num">
                Rating
              </th>
              <th scope="col">Comments</th>
            </tr>
          </thead>
          <tbody>
            {answers.map((a) => (
              <tr key={a.id}>
                <td>{a.created_at.slice(0, 10)}</td>
                <td class="num">{a.rating === null ? '—' : `${a.rating} of 5`}</td>
                <td class="feedback-comments">{a.comments || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {answers.length === 0 && <p>No feedback yet.</p>}
        <Pagination page={page} pages={Math.max(1, Math.ceil(total / PAGE))} hrefFor={(n) => `/admin/feedback?page=${n}`} />
      </section>,
    );
  });
}
