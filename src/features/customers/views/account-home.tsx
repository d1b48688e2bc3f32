import { Money } from '../../../http/views/components.js';
import type { AddressRow, CustomerOrderListRow, CustomerRow } from '../customers.service.js';
import { AddressLines } from './addresses.js';
import { OrderStatus } from './orders.js';
import { When } from './when.js';

/** Account Home: one card per section, each saying what is there now and leading to it. */
export function AccountHome({
  customer,
  subscribed,
  defaultAddress,
  addressCount,
  latestOrders,
  orderCount,
  sessionCount,
  accessCount,
  accessCountIsCapped,
}: {
  customer: CustomerRow;
  /** Whether the account's address receives the General Subscription now. */
  subscribed: boolean;
  defaultAddress: AddressRow | null;
  addressCount: number;
  latestOrders: CustomerOrderListRow[];
  orderCount: number;
  sessionCount: number;
  accessCount: number;
  /** The count stopped at the most the Privacy page lists: there may be more. */
  accessCountIsCapped: boolean;
}) {
  return (
    <>
      <p class="lead">Hello, {customer.first_name}. Here is everything your account holds, and where to change it.</p>
      <ul class="card-list account-cards">
        <li>
          <h2>My details</h2>
          <p>
            {customer.first_name} {customer.surname}
            <br />
            {customer.email}
            <br />
            {customer.phone}
          </p>
          <a href="/account/details">Change my details</a>
        </li>
        <li>
          <h2>Address book</h2>
          {defaultAddress ? (
            <>
              <p class="tag">Default for delivery</p>
              <AddressLines address={defaultAddress} />
            </>
          ) : (
            <p>No addresses saved.</p>
          )}
          <a href="/account/addresses">
            {addressCount > 1 ? `All ${addressCount} addresses` : addressCount === 1 ? 'Change or add addresses' : 'Add an address'}
          </a>
        </li>
        <li>
          <h2>Orders</h2>
          {latestOrders.length === 0 ? (
            <p>No orders yet.</p>
          ) : (
            <ul class="plain compact-list">
              {latestOrders.map((o) => (
                <li key={o.number}>
                  <a href={`/account/orders/${o.number}`}>{o.number}</a> · <When iso={o.created_at} /> · <Money pence={o.total_pence} />{' '}
                  <OrderStatus status={o.status} />
                </li>
              ))}
            </ul>
          )}
          <a href="/account/orders">{orderCount > latestOrders.length ? `All ${orderCount} orders` : 'Your orders'}</a>
        </li>
        <li>
          <h2>Newsletter Subscription</h2>
          <p>{subscribed ? 'You are subscribed to the General Subscription.' : 'You are not subscribed.'}</p>
          <p>
            <a href="/account/newsletter#history">Your consent history</a>: what you agreed to, when, and in which words.
          </p>
          <a href="/account/newsletter">Change my subscription</a>
        </li>
        <li>
          <h2>Privacy</h2>
          <p>
            {accessCount === 0
              ? 'No member of staff has looked at your data.'
              : `Staff accesses to your data recorded: ${accessCount}${accessCountIsCapped ? ' or more' : ''}. See when, and by which role.`}
          </p>
          <a href="/account/privacy">Your data and who has looked at it</a>
        </li>
        <li>
          <h2>Security</h2>
          <p>{sessionCount === 1 ? 'Signed in on this device only.' : `Signed in on ${sessionCount} devices.`}</p>
          <a href="/account/security">Password and devices</a>
        </li>
      </ul>
    </>
  );
}
