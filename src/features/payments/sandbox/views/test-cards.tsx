import { MATCHING_ADDRESS1, MATCHING_POSTCODE, TEST_CARDS, TEST_CV2 } from '../sandbox.service.js';

/** Opayo's test cards, shown on the page so that a demo needs nothing else. */
export function TestCards() {
  return (
    <section class="test-cards" aria-labelledby="test-cards-heading">
      <h2 id="test-cards-heading">Test cards</h2>
      <p>
        Use security code <strong>{TEST_CV2}</strong> and any future expiry date. Any other security code is rejected by the CV2 check; any
        other valid card number is declined.
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Card</th>
            <th scope="col">Number</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {TEST_CARDS.map((card) => (
            <tr key={card.number}>
              <td>{card.label}</td>
              <td class="card-number">{card.number}</td>
              <td>{card.authorised ? 'Authorised' : 'Declined by the bank'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="hint">
        The address checks match when the billing address line 1 starts with “{MATCHING_ADDRESS1}” and the post code is “{MATCHING_POSTCODE}
        ”; any other address is reported as not matched, which does not stop the payment.
      </p>
    </section>
  );
}
