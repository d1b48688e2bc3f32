import type { FastifyInstance } from 'fastify';
import type { VNode } from 'preact';
import { Breadcrumbs } from '../../http/views/components.js';
import { formatPence } from '../../shared/money.js';
import { RING_SIZES } from '../catalog/catalog.domain.js';

/** The shop's information pages: fixed content, written for a small UK jeweller. */
export async function pagesRoutes(app: FastifyInstance): Promise<void> {
  const shop = app.config.shop;
  const pages: { path: string; title: string; description: string; body: () => VNode }[] = [
    {
      path: '/about',
      title: 'About us',
      description: `${shop.name}: an independent jeweller making and selling hallmarked fine jewellery.`,
      body: () => (
        <>
          <p class="lead">
            {shop.name} is an independent jeweller. We design, make and finish our pieces in a small workshop, and send every gold, silver
            and platinum piece over the legal weight to a British assay office to be hallmarked.
          </p>
          <h2>How we work</h2>
          <p>
            We buy recycled precious metals where we can, and conflict-free stones from suppliers we have known for years. Each piece is
            checked by hand before it is boxed and sent.
          </p>
          <h2>Repairs and resizing</h2>
          <p>
            Rings bought from us can be resized once, free of charge, within a year of purchase. We also clean, re-polish and re-plate
            pieces for a small fee — <a href="/contact">ask us</a> for a quote.
          </p>
          <h2>Our address</h2>
          <address>{shop.address}</address>
        </>
      ),
    },
    {
      path: '/delivery-returns',
      title: 'Delivery & Returns',
      description: 'Delivery options, costs and our 30-day returns policy.',
      body: () => (
        <>
          <h2>Delivery in the UK</h2>
          <table class="data-table">
            <caption class="visually-hidden">Delivery options</caption>
            <thead>
              <tr>
                <th scope="col">Service</th>
                <th scope="col">Cost</th>
                <th scope="col">When</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">Royal Mail Tracked 48</th>
                <td>
                  {formatPence(395)}, free on orders over {formatPence(10000)}
                </td>
                <td>2–3 working days</td>
              </tr>
              <tr>
                <th scope="row">Special Delivery Guaranteed by 1pm</th>
                <td>{formatPence(795)}</td>
                <td>Next working day if ordered by 2pm</td>
              </tr>
            </tbody>
          </table>
          <p>Every order is insured and needs a signature. Made-to-size rings take up to 10 working days before dispatch.</p>
          <h2>Returns</h2>
          <p>
            You can return any unworn piece in its original packaging within 30 days of delivery for a full refund, under the Consumer
            Contracts Regulations. Engraved and made-to-order pieces can be returned only if faulty. Refunds are made to the card you paid
            with within 14 days of our receiving the return.
          </p>
          <h2 id="ring-sizes">Ring sizes</h2>
          <p>
            We use UK ring sizes, from {RING_SIZES[0]} to {RING_SIZES[RING_SIZES.length - 1]} in half sizes. If you're unsure, visit any
            jeweller to be measured, or <a href="/contact">ask us</a> for a free ring sizer.
          </p>
        </>
      ),
    },
    {
      path: '/terms',
      title: 'Terms & Conditions',
      description: `The terms on which ${shop.name} sells to you.`,
      body: () => (
        <>
          <p class="lead">These terms apply to every order placed with {shop.name}. Please read them before you buy.</p>
          <h2>1. Who we are</h2>
          <p>
            {shop.name}, {shop.address}. E-mail: <a href={`mailto:${shop.email}`}>{shop.email}</a>.
          </p>
          <h2>2. Prices</h2>
          <p>All prices are in pounds sterling and include VAT at 20 %. Delivery is charged as shown at checkout.</p>
          <h2>3. Your order</h2>
          <p>
            Our acceptance of your order takes place when we e-mail to confirm dispatch. If a piece turns out to be unavailable we will tell
            you and refund you in full.
          </p>
          <h2>4. Payment</h2>
          <p>
            Card payments are taken on our payment provider's secure page. We never see your full card number and store no card details.
          </p>
          <h2>5. Cancelling and returns</h2>
          <p>
            You may cancel within 14 days of delivery without giving a reason; see <a href="/delivery-returns">Delivery &amp; Returns</a>.
            This does not affect your statutory rights.
          </p>
          <h2>6. Your personal data</h2>
          <p>
            We use your personal data only as our <a href="/privacy">privacy policy</a> describes.
          </p>
          <h2>7. Law</h2>
          <p>
            These terms are governed by the law of England and Wales. You may also bring proceedings in Scotland or Northern Ireland if you
            live there.
          </p>
        </>
      ),
    },
  ];

  for (const page of pages) {
    app.get(page.path, async (_req, reply) =>
      reply.page(
        { title: page.title, canonicalPath: page.path, description: page.description },
        <article class="prose info-page">
          <Breadcrumbs trail={[{ href: '/', label: 'Home' }, { label: page.title }]} />
          <h1>{page.title}</h1>
          {page.body()}
        </article>,
      ),
    );
  }
}
