import type { FastifyInstance } from 'fastify';
import { Breadcrumbs, ContinueShopping, Notice } from '../../http/views/components.js';
import { Csrf, ErrorSummary, Field, SelectField } from '../../http/views/form.js';
import { CONTACT_RETENTION } from './contact.inventory.js';
import { privatePage } from '../../http/render.js';
import { messageIdDomain } from '../mail/outbox.service.js';
import type { ContactInbox } from './contact.mail.js';
import { type ContactInput, receiveContactMessage, SUBJECTS, validateContact } from './contact.service.js';

type Errors = Partial<Record<keyof ContactInput, string>>;

export async function contactRoutes(app: FastifyInstance): Promise<void> {
  const inbox: ContactInbox = {
    shopName: app.config.shop.name,
    email: app.config.shop.email,
    publicUrl: app.config.publicUrl,
    messageDomain: messageIdDomain(app.config.publicUrl),
  };

  // The form sets the CSRF cookie, so no cache may keep the page (and hand one visitor's token to another).
  app.get('/contact', async (_req, reply) => {
    privatePage(reply);
    return reply.page(
      { title: 'Contact us', canonicalPath: '/contact', description: `Get in touch with ${app.config.shop.name}.` },
      <ContactPage csrfToken={reply.csrfToken()} values={{}} errors={{}} address={app.config.shop.address} email={app.config.shop.email} />,
    );
  });

  app.post(
    '/contact',
    { config: { rateLimit: { max: app.config.rateLimits.formsPer10Minutes, timeWindow: '10 minutes' } } },
    async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const checked = validateContact(body);
      if (!checked.ok) {
        const values = Object.fromEntries(
          ['name', 'email', 'subject', 'message'].map((k) => [k, typeof body[k] === 'string' ? (body[k] as string) : '']),
        );
        privatePage(reply);
        return reply.page(
          { title: 'Contact us', noindex: true },
          <ContactPage
            csrfToken={reply.csrfToken()}
            values={values}
            errors={checked.errors}
            address={app.config.shop.address}
            email={app.config.shop.email}
          />,
          400,
        );
      }
      await receiveContactMessage(app.db, inbox, checked.value, app.clock());
      return reply.redirect('/contact/thanks', 303);
    },
  );

  app.get('/contact/thanks', async (_req, reply) => {
    return reply.page(
      { title: 'Message sent', noindex: true },
      <section class="narrow">
        <Notice kind="success">Thank you — your message has been sent.</Notice>
        <h1>We'll be in touch</h1>
        <p class="lead">We reply to every message within two working days.</p>
        <ContinueShopping />
      </section>,
    );
  });
}

function ContactPage({
  csrfToken,
  values,
  errors,
  address,
  email,
}: {
  csrfToken: string;
  values: Record<string, string>;
  errors: Errors;
  address: string;
  email: string;
}) {
  return (
    <div class="contact-page">
      <Breadcrumbs trail={[{ href: '/', label: 'Home' }, { label: 'Contact us' }]} />
      <h1>Contact us</h1>
      <div class="two-col">
        <section aria-labelledby="write">
          <h2 id="write">Send us a message</h2>
          <ErrorSummary errors={errors} />
          <form method="post" action="/contact" class="stacked-form" novalidate>
            <Csrf token={csrfToken} />
            <Field name="name" label="Your name" autocomplete="name" value={values.name} maxLength={100} errors={errors} required />
            <Field
              name="email"
              label="E-mail address"
              type="email"
              autocomplete="email"
              value={values.email}
              maxLength={254}
              errors={errors}
              required
            />
            <SelectField
              name="subject"
              label="What is it about?"
              value={values.subject}
              errors={errors}
              options={Object.entries(SUBJECTS).map(([value, label]) => ({ value, label }))}
            />
            <Field name="message" label="Your message" rows={7} value={values.message} maxLength={5000} errors={errors} required />
            <p class="form-note">
              We use your name and e-mail address only to answer this message, and delete the message{' '}
              {CONTACT_RETENTION.text.replace(', then deleted', '')}. Please don't include card details. See our{' '}
              <a href="/privacy">privacy policy</a>.
            </p>
            <button type="submit" class="button button-primary">
              Send message
            </button>
          </form>
        </section>
        <section aria-labelledby="visit">
          <h2 id="visit">Visit or write</h2>
          <address>{address}</address>
          <p>
            E-mail: <a href={`mailto:${email}`}>{email}</a>
          </p>
          <p>Our workshop is open Tuesday to Saturday, 10am to 5pm.</p>
        </section>
      </div>
    </div>
  );
}
