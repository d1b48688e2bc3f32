import { SESSION_MINUTES } from '../sandbox.service.js';
import { TestCards } from './test-cards.js';

/** A page that stops the payment: what happened, and the way back to the shop. */
export function MessagePage({ status, title, message, shopUrl }: { status: number; title: string; message: string; shopUrl: string }) {
  return (
    <section class="panel message-page">
      <p class="eyebrow">Error {status}</p>
      <h1>{title}</h1>
      <p class="lead">{message}</p>
      <p>No payment has been taken.</p>
      <p>
        <a class="button" href={shopUrl}>
          Return to the shop
        </a>
      </p>
    </section>
  );
}

export function HomePage({ shopName, shopUrl, gatewayPath }: { shopName: string; shopUrl: string; gatewayPath: string }) {
  return (
    <div class="pay-layout">
      <section class="panel about">
        <h1>Payment sandbox</h1>
        <p class="lead">
          An imitation of Opayo's hosted payment page, so that {shopName} can be tried end to end without a payment account: in development,
          in demos and in tests.
        </p>
        <p>
          The shop's checkout sends the customer's browser here (<code>POST {gatewayPath}</code>) with the same encrypted request it would
          send to Opayo. This page shows the amount, takes a test card and sends the browser back to the shop with an encrypted result, just
          as Opayo Form protocol 4.00 does.
        </p>
        <p>
          No real card is ever charged. Card details are checked and then discarded: they are never stored, logged or passed on. A payment
          page left unused expires after {SESSION_MINUTES} minutes.
        </p>
        <p>
          <a class="button" href={shopUrl}>
            Go to {shopName}
          </a>
        </p>
      </section>
      <TestCards />
    </div>
  );
}
