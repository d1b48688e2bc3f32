import type { ComponentChildren } from 'preact';
import { formatPence } from '../../shared/money.js';

export function Money({ pence }: { pence: number }) {
  return <>{formatPence(pence)}</>;
}

export function Breadcrumbs({ trail }: { trail: { href?: string; label: string }[] }) {
  return (
    <nav aria-label="Breadcrumb" class="breadcrumbs">
      <ol>
        {trail.map((t, i) =>
          t.href && i < trail.length - 1 ? (
            <li key={t.label}>
              <a href={t.href}>{t.label}</a>
            </li>
          ) : (
            <li key={t.label} aria-current="page">
              {t.label}
            </li>
          ),
        )}
      </ol>
    </nav>
  );
}

/** Page links that keep the other query parameters. */
export function Pagination({ page, pages, hrefFor }: { page: number; pages: number; hrefFor: (page: number) => string }) {
  if (pages <= 1) return null;
  const numbers: number[] = [];
  for (let p = Math.max(1, page - 2); p <= Math.min(pages, page + 2); p++) numbers.push(p);
  return (
    <nav aria-label="Pages" class="pagination">
      <ul>
        {page > 1 && (
          <li>
            <a href={hrefFor(page - 1)} rel="prev">
              ← Previous
            </a>
          </li>
        )}
        {numbers.map((p) => (
          <li key={p}>
            {p === page ? (
              <span aria-current="page">{p}</span>
            ) : (
              <a href={hrefFor(p)} aria-label={`Page ${p}`}>
                {p}
              </a>
            )}
          </li>
        ))}
        {page < pages && (
          <li>
            <a href={hrefFor(page + 1)} rel="next">
              Next →
            </a>
          </li>
        )}
      </ul>
    </nav>
  );
}

export function Notice({ kind, children }: { kind: 'error' | 'success' | 'info'; children: ComponentChildren }) {
  return (
    <div class={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

/** How many a back-office list found and which page of them this is, read out as it changes. */
export function ResultsCount({ total, noun, page, pages }: { total: number; noun: string; page: number; pages: number }) {
  return (
    <p class="results-count" aria-live="polite">
      {total === 1 ? `1 ${noun}` : `${total.toLocaleString('en-GB')} ${noun}s`}
      {pages > 1 ? ` · page ${page} of ${pages}` : ''}
    </p>
  );
}

/** A back-office list row's first cell: what the row is, linked to its page, and the row's header for screen readers. */
export function RowLink({ href, children }: { href: string; children: ComponentChildren }) {
  return (
    <th scope="row">
      <a href={href}>{children}</a>
    </th>
  );
}

/** The way back to the shop from a page that ends a task (a message sent, a sign-up asked for). */
export function ContinueShopping() {
  return (
    <p>
      <a class="button" href="/">
        Continue shopping
      </a>
    </p>
  );
}
