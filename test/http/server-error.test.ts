import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestShop, type TestShop } from '../support/build-app.js';

let shop: TestShop;
beforeAll(async () => {
  shop = await buildTestShop({ env: { SEED_DEMO: 'false' } });
});
afterAll(async () => shop?.close());

describe('a failure on our side', () => {
  it('shows a friendly 500 page with no technical detail', async () => {
    // Break the database under the running app: the next query fails.
    await shop.app.db.schema.dropTable('contact_messages').execute();
    const { submitForm } = await import('../support/forms.js');
    const res = await submitForm(shop.app, '/contact', '/contact', {
      name: 'Ada',
      email: 'ada@example.com',
      subject: 'other',
      message: 'Hello',
    });
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('Something went wrong on our side');
    expect(res.body).not.toMatch(/contact_messages|no such table|does not exist|at .+\.(ts|js):\d+/);
  });
});
