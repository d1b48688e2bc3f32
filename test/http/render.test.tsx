import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { renderDocument } from '../../src/http/render.js';
import { type Chrome, Layout, POLICY_NOTICE_MARKER, type PageMeta } from '../../src/http/views/layout.js';

// A page is put together from a frame rendered once per section; it must be exactly what
// rendering the whole Layout gives.

const reference = (chrome: Chrome, meta: PageMeta, body: preact.VNode) =>
  `<!doctype html>${renderToString(
    <Layout chrome={chrome} meta={meta}>
      {body}
    </Layout>,
  )}`;

const chrome: Chrome = {
  shopName: 'Assay & Sons',
  publicUrl: 'http://shop.test',
  categories: [
    { slug: 'rings', name: 'Rings' },
    { slug: 'necklaces', name: 'Necklaces' },
  ],
};

describe('a page put together from its frame', () => {
  const metas: PageMeta[] = [
    { title: 'Rings', canonicalPath: '/rings', section: 'rings', description: 'All our rings.' },
    { title: 'Search: "gold" <b> & \'rose\'', noindex: true, query: '"gold" <b> & \'rose\' “ring”' },
    { title: 'Assay & Sons', canonicalPath: '/', jsonLd: { '@type': 'Store', name: '</script><x>' } },
    { title: 'Collections', section: 'collections', query: '' },
    { title: 'Necklaces', section: 'necklaces', query: 'assay-query' },
  ];
  it.each(metas.map((m) => [m.title, m] as const))('is what the whole Layout renders: %s', (_title, meta) => {
    const body = (
      <div class="x">
        <h1>{meta.title}</h1>
        <p>{meta.query}</p>
      </div>
    );
    expect(renderDocument(chrome, meta, body)).toBe(reference(chrome, meta, body));
    // Twice: the second comes from the kept frame.
    expect(renderDocument(chrome, meta, body)).toBe(reference(chrome, meta, body));
  });

  it('marks the current section and keeps the markers later steps fill in', () => {
    const page = renderDocument(chrome, { title: 'Rings', section: 'rings' }, <p>body</p>);
    expect(page).toContain('<a href="/rings" aria-current="page">Rings</a>');
    expect(page).not.toContain('<a href="/necklaces" aria-current="page">');
    expect(page).toContain(POLICY_NOTICE_MARKER);
    expect(page).toContain('<main id="main" tabindex="-1"><p>body</p></main>');
  });

  it('shows new categories at once: a new catalogue is a new frame', () => {
    const before = renderDocument(chrome, { title: 'Rings', section: 'rings' }, <p />);
    const changed: Chrome = { ...chrome, categories: [...chrome.categories, { slug: 'brooches', name: 'Brooches' }] };
    const after = renderDocument(changed, { title: 'Rings', section: 'rings' }, <p />);
    expect(before).not.toContain('Brooches');
    expect(after).toContain('<a href="/brooches">Brooches</a>');
    expect(after).toBe(reference(changed, { title: 'Rings', section: 'rings' }, <p />));
  });
});
