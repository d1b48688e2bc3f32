import { ProductGrid } from '../../catalog/views/cards.js';
import type { ProductCard } from '../preferences.service.js';
import { CONSENT_WORDING } from '../../consent/consent.inventory.js';
import { type Answer, type Remembered, rememberedField, rememberedWords } from '../preferences.domain.js';

export function RecentlyViewed({ cards }: { cards: ProductCard[] }) {
  return (
    <section class="recently-viewed home-section" aria-labelledby="recently-viewed-title">
      <h2 id="recently-viewed-title">Recently viewed</h2>
      <ProductGrid cards={cards} headingLevel={3} />
      <p class="form-note">
        Remembered in this browser because you said yes. <a href="/cookies#choices">Change this in Cookie settings</a>.
      </p>
    </section>
  );
}

/**
 * The question after a size is chosen: two plain forms with equal buttons, no box ticked, nothing
 * over the page. Either answer posts to /preferences/choice and comes back here.
 */
export function RememberPrompt({ remembered, back }: { remembered: Remembered; back: string }) {
  const words = CONSENT_WORDING.preferencesPrompt(rememberedWords(remembered));
  return (
    <aside class="remember-prompt" aria-labelledby="remember-title">
      <h2 id="remember-title" class="remember-title">
        Remember {rememberedWords(remembered)} on this device?
      </h2>
      <p class="form-note">{words.slice(words.indexOf('?') + 2)}</p>
      <div class="remember-actions">
        <AnswerForm answer="yes" label="Yes" remembered={remembered} back={back} />
        <AnswerForm answer="no" label="No thanks" remembered={remembered} back={back} />
      </div>
    </aside>
  );
}

function AnswerForm({ answer, label, remembered, back }: { answer: Answer; label: string; remembered: Remembered | null; back: string }) {
  return (
    <form method="post" action="/preferences/choice" class="inline-form">
      <input type="hidden" name="answer" value={answer} />
      {remembered && <input type="hidden" name="remember" value={rememberedField(remembered)} />}
      <input type="hidden" name="back" value={back} />
      <button type="submit" class="button">
        {label}
      </button>
    </form>
  );
}

/** The choice on /cookies#choices: the current answer, and Yes / No of equal weight. */
export function PreferencesChoice({ answer, gpc }: { answer: Answer | null; gpc: boolean }) {
  return (
    <section class="preferences-choice" aria-labelledby="preferences-choice-title">
      <h3 id="preferences-choice-title">Remember my selections</h3>
      <p>{CONSENT_WORDING.preferencesSettings}</p>
      {gpc ? (
        <p class="notice notice-info">
          Your browser sends the Global Privacy Control signal, which we take as no: we set no preferences cookie and do not ask.
        </p>
      ) : (
        <>
          <p class="preferences-current">
            {answer === 'yes'
              ? 'You said yes: your selections are remembered in this browser.'
              : answer === 'no'
                ? 'You said no: nothing is remembered.'
                : 'You have not answered, so nothing is remembered.'}
          </p>
          <div class="remember-actions">
            <AnswerForm answer="yes" label="Yes, remember them" remembered={null} back="/cookies#choices" />
            <AnswerForm answer="no" label="No, don't remember them" remembered={null} back="/cookies#choices" />
          </div>
        </>
      )}
    </section>
  );
}
