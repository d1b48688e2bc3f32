import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const made: string[] = [];
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'assay-config-'));
  made.push(d);
  return d;
};
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

describe('configuration of what unpaid orders may hold', () => {
  it('has the documented defaults: 3 unpaid orders per network and per e-mail address, 5 of one piece a line', () => {
    expect(loadConfig({ DATA_DIR: dir() }).orders).toEqual({ unpaidPerBuyer: 3, maxLineQuantity: 5 });
  });

  it('takes UNPAID_ORDERS_PER_BUYER and MAX_LINE_QUANTITY', () => {
    const c = loadConfig({ DATA_DIR: dir(), UNPAID_ORDERS_PER_BUYER: '8', MAX_LINE_QUANTITY: '2' });
    expect(c.orders).toEqual({ unpaidPerBuyer: 8, maxLineQuantity: 2 });
  });

  it.each([
    ['UNPAID_ORDERS_PER_BUYER', 'three', /^Invalid UNPAID_ORDERS_PER_BUYER="three": expected a number of unpaid orders$/],
    ['UNPAID_ORDERS_PER_BUYER', '0', /^Invalid UNPAID_ORDERS_PER_BUYER="0": expected at least 1$/],
    ['UNPAID_ORDERS_PER_BUYER', '2.5', /^Invalid UNPAID_ORDERS_PER_BUYER="2.5": expected a whole number$/],
    ['UNPAID_ORDERS_PER_BUYER', '5000', /^Invalid UNPAID_ORDERS_PER_BUYER="5000": expected at most 1000$/],
    ['MAX_LINE_QUANTITY', 'lots', /^Invalid MAX_LINE_QUANTITY="lots": expected a number of pieces$/],
    ['MAX_LINE_QUANTITY', '-1', /^Invalid MAX_LINE_QUANTITY="-1": expected at least 1$/],
    ['MAX_LINE_QUANTITY', '100', /^Invalid MAX_LINE_QUANTITY="100": expected at most 99$/],
  ])('stops with one line naming %s when it is %s', (name, value, message) => {
    let error: unknown;
    try {
      loadConfig({ DATA_DIR: dir(), [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});
