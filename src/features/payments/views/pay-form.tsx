import { formatPence } from '../../../shared/money.js';
import { VPS_PROTOCOL } from '../opayo.js';
import type { GatewayForm } from '../payments.service.js';

/** The box on an order's page that sends the customer to Opayo's page to pay. */
export function PayWithOpayo({ gateway, totalPence }: { gateway: GatewayForm; totalPence: number }) {
  return (
    <section class="pay-box" aria-labelledby="pay-heading">
      <h2 id="pay-heading">Pay securely with Opayo</h2>
      <p>
        You'll go to the secure payment page of Opayo (by Elavon), our payment provider, to enter your card details. We never see or store
        them. Afterwards you come straight back here.
      </p>
      {gateway.sandbox && <p class="form-note">This shop is running with the built-in test payment page: no real card is charged.</p>}
      <form method="post" action={gateway.action}>
        <input type="hidden" name="VPSProtocol" value={VPS_PROTOCOL} />
        <input type="hidden" name="TxType" value="PAYMENT" />
        <input type="hidden" name="Vendor" value={gateway.vendor} />
        <input type="hidden" name="Crypt" value={gateway.crypt} />
        <button type="submit" class="button button-primary button-wide">
          Pay {formatPence(totalPence)} securely
        </button>
      </form>
    </section>
  );
}
