import { renderToString } from 'preact-render-to-string';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Notice } from '../../src/http/views/components.js';
import { ActionButton, Checkbox, Csrf, ErrorSummary, Field, SelectField } from '../../src/http/views/form.js';
import { buildTestShop, type TestShop } from '../support/build-app.js';
import { submitForm } from '../support/forms.js';
import { adminPost, signInAs } from '../support/staff.js';

/** The opening tag of the element with this id, or undefined. */
function tagWithId(html: string, id: string): string | undefined {
  return html.match(new RegExp(`<[a-z]+\\b[^>]*\\sid="${id}"[^>]*>`))?.[0];
}

function attr(tag: string | undefined, name: string): string | undefined {
  return tag?.match(new RegExp(`\\s${name}="([^"]*)"`))?.[1];
}

/**
 * What a screen reader needs of every form on a page: each label's `for` names an element on
 * the page, each id a control's `aria-describedby` names is there, and every control marked
 * invalid points at the message saying why.
 */
function formProblems(html: string): string[] {
  const problems: string[] = [];
  for (const [, target] of html.matchAll(/<label\b[^>]*\sfor="([^"]+)"/g)) {
    if (!tagWithId(html, target!)) problems.push(`label for="${target}" names no element`);
  }
  for (const [tag] of html.matchAll(/<(?:input|select|textarea)\b[^>]*>/g)) {
    const described = attr(tag, 'aria-describedby');
    for (const id of described?.split(' ') ?? []) if (!tagWithId(html, id)) problems.push(`${tag} is described by a missing #${id}`);
    if (attr(tag, 'aria-invalid') === 'true' && !described?.split(' ').some((id) => id.endsWith('-error')))
      problems.push(`${tag} is invalid without its message`);
  }
  return problems;
}

describe('the field family', () => {
  it('ties the label to the control, and the control to its hint and its error', () => {
    const html = renderToString(
      <Field name="email" label="E-mail address" type="email" autocomplete="email" hint="Only for your order." error="Please check it." />,
    );
    expect(attr(html.match(/<label[^>]*>/)?.[0], 'for')).toBe('email');
    const input = tagWithId(html, 'email');
    expect(input).toMatch(/^<input /);
    expect(attr(input, 'name')).toBe('email');
    expect(attr(input, 'type')).toBe('email');
    expect(attr(input, 'autocomplete')).toBe('email');
    expect(attr(input, 'aria-invalid')).toBe('true');
    expect(attr(input, 'aria-describedby')).toBe('email-hint email-error');
    expect(tagWithId(html, 'email-hint')).toBe('<p class="hint" id="email-hint">');
    expect(html).toContain('<p class="field-error" id="email-error">Please check it.</p>');
    expect(html).toMatch(/^<div class="field has-error">/);
    expect(formProblems(html)).toEqual([]);
  });

  it('marks nothing invalid and describes only by the hint while the field is right', () => {
    const html = renderToString(<Field name="postcode" label="Postcode" hint="As on your bank statement." value="SW1A 1AA" required />);
    const input = tagWithId(html, 'postcode');
    expect(attr(input, 'aria-invalid')).toBeUndefined();
    expect(attr(input, 'aria-describedby')).toBe('postcode-hint');
    expect(attr(input, 'value')).toBe('SW1A 1AA');
    expect(input).toMatch(/\srequired/);
    expect(html).not.toContain('field-error');
    expect(renderToString(<Field name="city" label="Town" />)).not.toContain('aria-describedby');
  });

  it("takes a form's errors by the field's name, and an id of its own where a page repeats a form", () => {
    const html = renderToString(
      <Field name="name" id="categories-4-name" label="Name" errors={{ name: 'Please enter a name.', other: 'x' }} />,
    );
    expect(attr(html.match(/<label[^>]*>/)?.[0], 'for')).toBe('categories-4-name');
    const input = tagWithId(html, 'categories-4-name');
    expect(attr(input, 'name')).toBe('name');
    expect(attr(input, 'aria-describedby')).toBe('categories-4-name-error');
    expect(html).toContain('id="categories-4-name-error">Please enter a name.</p>');
    expect(html).not.toContain('>x<');
  });

  it('makes a text area with rows, and an optional field says so and is not required', () => {
    const html = renderToString(
      <Field name="gift_message" label="Gift message" rows={3} optional required value="Happy birthday" error="Too long." />,
    );
    const area = tagWithId(html, 'gift_message');
    expect(area).toMatch(/^<textarea /);
    expect(attr(area, 'rows')).toBe('3');
    expect(area).not.toMatch(/\srequired/);
    expect(html).toContain('Gift message<span class="optional"> (optional)</span></label>');
    expect(html).toContain('>Happy birthday</textarea>');
    expect(formProblems(html)).toEqual([]);
  });

  it('selects the chosen option, hides a label only from sight, and keeps a back-office class', () => {
    const html = renderToString(
      <SelectField
        name="reason-7"
        label="Reason for the stock change"
        hideLabel
        class="cell-field"
        value="damaged"
        error="Please choose a reason."
        options={[
          { value: '', label: 'Choose a reason' },
          { value: 'damaged', label: 'Damaged' },
        ]}
      />,
    );
    expect(html).toMatch(/^<div class="field has-error cell-field">/);
    expect(html).toContain('<label for="reason-7" class="visually-hidden">');
    expect(html).toContain('<option value="damaged" selected>Damaged</option>');
    // An empty value is written as a bare attribute, which a browser reads as "".
    expect(html).toContain('<option value>Choose a reason</option>');
    expect(attr(tagWithId(html, 'reason-7'), 'aria-describedby')).toBe('reason-7-error');
    expect(formProblems(html)).toEqual([]);
  });

  it('puts a checkbox inside its label, with what the page adds to the box', () => {
    const html = renderToString(
      <Checkbox name="same_address" label="Deliver to my billing address" checked input={{ 'data-toggles': 'delivery-fields' }} />,
    );
    expect(html).toBe(
      '<label class="check" for="same_address"><input data-toggles="delivery-fields" type="checkbox" id="same_address" name="same_address" value="yes" checked/>Deliver to my billing address</label>',
    );
  });
});

describe('notices, the error summary and the CSRF field', () => {
  it('announces an error at once and a success or information politely', () => {
    expect(renderToString(<Notice kind="error">No.</Notice>)).toBe('<div class="notice notice-error" role="alert">No.</div>');
    expect(renderToString(<Notice kind="success">Saved.</Notice>)).toBe('<div class="notice notice-success" role="status">Saved.</div>');
    expect(renderToString(<Notice kind="info">Note.</Notice>)).toBe('<div class="notice notice-info" role="status">Note.</div>');
  });

  it('counts the problems in the summary, and says nothing when there are none', () => {
    expect(renderToString(<ErrorSummary errors={{}} />)).toBe('');
    expect(renderToString(<ErrorSummary errors={{ name: undefined }} />)).toBe('');
    expect(renderToString(<ErrorSummary errors={{ name: 'x' }} />)).toContain('Please correct the highlighted field.');
    expect(renderToString(<ErrorSummary errors={{ name: 'x', email: 'y' }} />)).toContain('Please correct the 2 highlighted fields.');
    expect(renderToString(<ErrorSummary errors={{ name: 'x' }} />)).toMatch(/role="alert"/);
  });

  it('writes the CSRF field, and a one-button form carries it with its hidden fields', () => {
    expect(renderToString(<Csrf token="t0k" />)).toBe('<input type="hidden" name="_csrf" value="t0k"/>');
    const html = renderToString(
      <ActionButton action="/admin/images/3/move" csrf="t0k" fields={{ direction: 'up' }} ariaLabel="Move photo 1 earlier">
        ↑
      </ActionButton>,
    );
    expect(html).toMatch(/^<form method="post" action="\/admin\/images\/3\/move" class="inline-form">/);
    expect(html).toContain('<input type="hidden" name="_csrf" value="t0k"/>');
    expect(html).toContain('<input type="hidden" name="direction" value="up"/>');
    expect(html).toContain('<button type="submit" class="button button-small" aria-label="Move photo 1 earlier">↑</button>');
  });
});

describe('forms in the shop, sent back with problems', () => {
  let shop: TestShop;
  beforeAll(async () => {
    shop = await buildTestShop({ clock: () => new Date('2026-11-23T12:00:00Z') });
  });
  afterAll(async () => shop?.close());

  it('the contact form: every label, hint and error is tied to its control', async () => {
    const res = await submitForm(shop.app, '/contact', '/contact', { name: '', email: 'nope', subject: 'other', message: '' });
    expect(res.statusCode).toBe(400);
    expect(formProblems(res.body)).toEqual([]);
    expect(res.body.match(/aria-invalid="true"/g)).toHaveLength(3);
    expect(res.body).toContain('<div class="notice notice-error" role="alert">Please correct the 3 highlighted fields.</div>');
  });

  it('the registration form, the sign-in page and the contact page', async () => {
    for (const url of ['/account/register', '/account/sign-in', '/contact']) {
      const page = await shop.app.inject({ method: 'GET', url });
      expect(page.statusCode, url).toBe(200);
      expect(formProblems(page.body), url).toEqual([]);
      expect(page.body, url).toMatch(/name="_csrf" value="[^"]+"/);
    }
    const registered = await submitForm(shop.app, '/account/register', '/account/register', {
      first_name: '',
      surname: 'Lovelace',
      email: 'ada@example.com',
      phone: '',
      line1: '',
      city: 'London',
      postcode: 'nowhere',
      password: 'short',
    });
    expect(registered.statusCode).toBe(400);
    expect(formProblems(registered.body)).toEqual([]);
    expect(attr(tagWithId(registered.body, 'first_name'), 'aria-invalid')).toBe('true');
    expect(attr(tagWithId(registered.body, 'line2'), 'autocomplete')).toBe('address-line2');
  });

  it('the back office: the new-product form and the staff form', async () => {
    const owner = await signInAs(shop.app, 'owner');
    const product = await adminPost(shop.app, owner.cookie, '/admin/products/new', '/admin/products/new', { name: '', price: 'lots' });
    expect(product.statusCode).toBe(400);
    expect(formProblems(product.body)).toEqual([]);
    expect(attr(tagWithId(product.body, 'name'), 'aria-describedby')).toBe('name-error');
    const staff = await adminPost(shop.app, owner.cookie, '/admin/staff/new', '/admin/staff/new', { name: 'Ann', email: 'ann', role: '' });
    expect(staff.statusCode).toBe(400);
    expect(formProblems(staff.body)).toEqual([]);
    expect(attr(tagWithId(staff.body, 'role'), 'aria-describedby')).toBe('role-hint role-error');
  });
});
