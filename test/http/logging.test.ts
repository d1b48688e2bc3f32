import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestShop, type TestShop } from '../support/build-app.js';
import { submitForm } from '../support/forms.js';

let shop: TestShop;
const lines: string[] = [];
beforeAll(async () => {
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  shop = await buildTestShop({ env: { SEED_DEMO: 'false', LOG_LEVEL: 'info' }, logger: true, logStream: stream });
});
afterAll(async () => shop?.close());

describe('logs carry no personal data', () => {
  it('logs requests by method and path only, and never what a form contained', async () => {
    await shop.app.inject({
      method: 'GET',
      url: '/search?q=engagement+ring+for+jane.doe@example.com',
      headers: { 'user-agent': 'UniqueBrowser/9.9', 'x-forwarded-for': '203.0.113.77', cookie: 'assay_csrf=secretcookievalue' },
      remoteAddress: '198.51.100.23',
    });
    await submitForm(shop.app, '/contact', '/contact', {
      name: 'Jane Doe',
      email: 'jane.doe@example.com',
      subject: 'other',
      message: 'My phone is 07700 900123',
    });
    await submitForm(shop.app, '/contact', '/contact', { name: 'Jane Doe', email: 'bad', subject: 'other', message: 'x' });
    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(4);
    expect(log).toContain('"path":"/contact"');
    for (const secret of [
      'jane.doe@example.com',
      'Jane Doe',
      '07700 900123',
      'UniqueBrowser',
      '203.0.113.77',
      '198.51.100.23',
      'secretcookievalue',
      'engagement+ring',
    ]) {
      expect(log).not.toContain(secret);
    }
  });

  it('censors personal-sounding fields wherever they appear in a logged object', () => {
    lines.length = 0;
    shop.app.log.info({ order: { email: 'x@example.com', address: '1 High St', customer: { name: 'Ann', phone: '0123' } } }, 'test');
    const log = lines.join('');
    expect(log).toContain('[redacted]');
    for (const secret of ['x@example.com', '1 High St', 'Ann', '0123']) expect(log).not.toContain(secret);
  });
});
