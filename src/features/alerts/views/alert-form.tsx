import { CONSENT_WORDING } from '../../consent/consent.inventory.js';
import { type AlertPiece, pieceName } from '../alerts.domain.js';

/**
 * "Tell me when it's back", under a sold-out variant. It sits in a cached catalogue page, so it
 * carries no CSRF token: its post is checked by origin instead. The words beside the box are the
 * consent wording the ledger records when the sign-up is confirmed.
 */
export function BackInStockForm({ variantId, piece }: { variantId: number; piece: AlertPiece }) {
  return (
    <form method="post" action="/alerts" class="alert-form stacked-form" novalidate>
      <h2 class="alert-form-title">Tell me when it's back</h2>
      <input type="hidden" name="variant" value={String(variantId)} />
      <label for="alert-email">E-mail address</label>
      <input id="alert-email" name="email" type="email" autocomplete="email" maxLength={80} required />
      <p class="form-note">{CONSENT_WORDING.stockAlert(pieceName(piece))}</p>
      <button type="submit" class="button">
        Tell me when it's back
      </button>
    </form>
  );
}
