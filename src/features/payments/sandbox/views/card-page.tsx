import { formatPence } from '../../../../shared/money.js';
import type { CardErrors, CardField } from '../sandbox.service.js';
import { TestCards } from './test-cards.js';

export interface CardPageProps {
  session: string;
  shopName: string;
  vendor: string;
  description: string;
  reference: string;
  amountPence: number;
  /** Only the fields that may be shown again; the card number and security code never are. */
  values: { cardholder?: string; expiry?: string };
  errors: CardErrors;
}

export function CardPage({ session, shopName, vendor, description, reference, amountPence, values, errors }: CardPageProps) {
  const count = Object.keys(errors).length;
  const describedBy = (field: CardField, hint?: string) =>
    [hint, errors[field] ? `${field}-error` : undefined].filter(Boolean).join(' ') || undefined;
  const invalid = (field: CardField) => (errors[field] ? 'true' : undefined);
  return (
    <div class="pay-layout">
      <section class="panel order-summary" aria-labelledby="summary-heading">
        <h2 id="summary-heading">Your payment</h2>
        <dl>
          <dt>Paying</dt>
          <dd>
            {shopName} <span class="vendor">({vendor})</span>
          </dd>
          <dt>For</dt>
          <dd>{description}</dd>
          <dt>Reference</dt>
          <dd class="reference">{reference}</dd>
        </dl>
        <p class="amount">
          <span>Amount</span> <strong>{formatPence(amountPence)}</strong>
        </p>
      </section>

      <section class="panel card-details" aria-labelledby="card-heading">
        <h1 id="card-heading">Card details</h1>
        {count > 0 && (
          <div class="notice notice-error" role="alert">
            {count === 1 ? 'Please correct the highlighted field.' : `Please correct the ${count} highlighted fields.`}
          </div>
        )}
        <form method="post" action="/gateway/service/card" class="card-form" novalidate>
          <input type="hidden" name="session" value={session} />
          <label for="cardNumber">Card number</label>
          <input
            id="cardNumber"
            name="cardNumber"
            autocomplete="cc-number"
            inputMode="numeric"
            maxLength={23}
            spellcheck={false}
            aria-invalid={invalid('cardNumber')}
            aria-describedby={describedBy('cardNumber')}
            required
          />
          <FieldError field="cardNumber" errors={errors} />
          <div class="field-row">
            <div>
              <label for="expiry">Expiry date</label>
              <input
                id="expiry"
                name="expiry"
                autocomplete="cc-exp"
                inputMode="numeric"
                placeholder="MM/YY"
                maxLength={7}
                value={values.expiry ?? ''}
                aria-invalid={invalid('expiry')}
                aria-describedby={describedBy('expiry', 'expiry-hint')}
                required
              />
              <p class="hint" id="expiry-hint">
                MM/YY
              </p>
              <FieldError field="expiry" errors={errors} />
            </div>
            <div>
              <label for="cv2">Security code</label>
              <input
                id="cv2"
                name="cv2"
                autocomplete="cc-csc"
                inputMode="numeric"
                maxLength={4}
                aria-invalid={invalid('cv2')}
                aria-describedby={describedBy('cv2', 'cv2-hint')}
                required
              />
              <p class="hint" id="cv2-hint">
                3 digits on the back (4 on the front for Amex)
              </p>
              <FieldError field="cv2" errors={errors} />
            </div>
          </div>
          <label for="cardholder">
            Name on card <span class="optional">(optional)</span>
          </label>
          <input
            id="cardholder"
            name="cardholder"
            autocomplete="cc-name"
            maxLength={45}
            value={values.cardholder ?? ''}
            aria-invalid={invalid('cardholder')}
            aria-describedby={describedBy('cardholder')}
          />
          <FieldError field="cardholder" errors={errors} />
          <button type="submit" class="button button-pay">
            Pay now {formatPence(amountPence)}
          </button>
        </form>
        <form method="post" action="/gateway/service/cancel" class="cancel-form">
          <input type="hidden" name="session" value={session} />
          <button type="submit" class="button button-quiet">
            Cancel and return to {shopName}
          </button>
        </form>
      </section>

      <TestCards />
    </div>
  );
}

function FieldError({ field, errors }: { field: CardField; errors: CardErrors }) {
  const message = errors[field];
  if (!message) return null;
  return (
    <p class="field-error" id={`${field}-error`}>
      {message}
    </p>
  );
}
