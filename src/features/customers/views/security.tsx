import { Notice } from '../../../http/views/components.js';
import { ActionButton, Csrf, ErrorSummary, Field, type FieldErrors } from '../../../http/views/form.js';
import { NewPasswordField } from './password-field.js';
import { SESSION_IDLE_HOURS, SESSION_MAX_HOURS } from '../customers.domain.js';
import type { SessionRow } from '../customers.repository.js';
import { When } from './when.js';

export function SecurityPage({
  csrf,
  errors,
  sessions,
  currentSessionId,
  notice,
}: {
  csrf: string;
  errors: FieldErrors;
  sessions: SessionRow[];
  currentSessionId: number;
  notice?: string;
}) {
  const others = sessions.filter((s) => s.id !== currentSessionId).length;
  return (
    <>
      {notice && <Notice kind="success">{notice}</Notice>}
      <section class="account-section" aria-labelledby="password-heading">
        <h2 id="password-heading">Change your password</h2>
        <ErrorSummary errors={errors} />
        <form method="post" action="/account/security/password" class="account-form" novalidate>
          <Csrf token={csrf} />
          <Field
            name="current_password"
            label="Current password"
            type="password"
            errors={errors}
            autocomplete="current-password"
            maxLength={200}
            required
          />
          <NewPasswordField
            errors={errors}
            advice="; a few unrelated words together work well. Changing it signs you out on every other device."
          />
          <button type="submit" class="button button-primary">
            Change my password
          </button>
        </form>
      </section>
      <section class="account-section" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">Where you are signed in</h2>
        <p>If you don't recognise a device, sign it out and change your password.</p>
        <ul class="card-list session-list">
          {sessions.map((s) => (
            <li key={s.id}>
              {s.id === currentSessionId && <p class="tag">This device</p>}
              <h3>{s.device || 'Unknown browser'}</h3>
              <dl class="facts">
                <dt>Signed in</dt>
                <dd>
                  <When iso={s.created_at} time />
                </dd>
                <dt>Last seen</dt>
                <dd>
                  <When iso={s.last_seen_at} time />
                </dd>
                <dt>Signs out</dt>
                <dd>
                  {s.remember === 1 ? (
                    <When iso={s.expires_at} />
                  ) : (
                    `after ${SESSION_IDLE_HOURS} hours unused, or ${SESSION_MAX_HOURS} hours after signing in`
                  )}
                </dd>
              </dl>
              <ActionButton action={`/account/sessions/${s.id}/revoke`} csrf={csrf} buttonClass="button button-quiet">
                {s.id === currentSessionId ? 'Sign out here' : 'Sign out this device'}
              </ActionButton>
            </li>
          ))}
        </ul>
        {others > 0 && (
          <ActionButton action="/account/sessions/revoke-others" csrf={csrf} buttonClass="button">
            Sign out of all other devices ({others})
          </ActionButton>
        )}
      </section>
    </>
  );
}
