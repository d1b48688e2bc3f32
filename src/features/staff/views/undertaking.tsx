import { Notice } from '../../../http/views/components.js';
import { Csrf, FieldError } from '../../../http/views/form.js';
import type { UndertakingStanding } from '../staff.service.js';
import type { Undertaking } from '../staff.undertaking.js';

const dayFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });

/** "9 December 2026", in London time. */
export function acceptedOn(iso: string): string {
  return dayFormat.format(new Date(iso));
}

export const MUST_TICK = 'Please tick "I have read and accept" to continue.';

/** The undertaking, and the form to accept it (or, once accepted, when that was). */
export function UndertakingPage(props: {
  undertaking: Undertaking;
  standing: UndertakingStanding;
  csrf: string;
  next: string;
  error?: string;
}) {
  const { undertaking, standing } = props;
  return (
    <section class="admin-card narrow">
      <h1>Confidentiality undertaking</h1>
      {standing.state === 'never' && (
        <Notice kind="info">
          Before the back office shows you anything, please read the shop's confidentiality undertaking and accept it.
        </Notice>
      )}
      {standing.state === 'earlier' && (
        <Notice kind="info">
          The undertaking has changed since you accepted it on {acceptedOn(standing.acceptedAt)}. Please read it again and accept the new
          text to continue.
        </Notice>
      )}
      {/* The shop's Markdown, rendered with raw HTML escaped and only safe links (staff.undertaking.ts). */}
      <div class="undertaking-text" dangerouslySetInnerHTML={{ __html: undertaking.html }} />
      <p class="form-note">
        Version <code>{undertaking.version}</code>
      </p>
      {standing.state === 'current' ? (
        <>
          <Notice kind="success">You accepted this undertaking on {acceptedOn(standing.acceptedAt)}.</Notice>
          <p>
            <a class="button button-primary" href={props.next}>
              Continue
            </a>
          </p>
        </>
      ) : (
        <form method="post" action="/admin/undertaking" class="stacked-form">
          <Csrf token={props.csrf} />
          <input type="hidden" name="next" value={props.next} />
          <div class={props.error ? 'field has-error' : 'field'}>
            <label class="check" for="accept">
              <input
                type="checkbox"
                id="accept"
                name="accept"
                value="yes"
                required
                aria-invalid={props.error ? 'true' : undefined}
                aria-describedby={props.error ? 'accept-error' : undefined}
              />
              I have read and accept
            </label>
            <FieldError id="accept" error={props.error} />
          </div>
          <button type="submit" class="button button-primary">
            Accept and continue
          </button>
        </form>
      )}
    </section>
  );
}

/** A member's standing, for the staff list. */
export function UndertakingCell({ standing, current }: { standing: UndertakingStanding; current: string }) {
  if (standing.state === 'never') return <>Not yet accepted</>;
  if (standing.state === 'earlier') {
    return (
      <>
        Accepted an earlier text (<code>{standing.version}</code>, {acceptedOn(standing.acceptedAt)}); not yet <code>{current}</code>
      </>
    );
  }
  return (
    <>
      Accepted <code>{standing.version}</code> on {acceptedOn(standing.acceptedAt)}
    </>
  );
}
