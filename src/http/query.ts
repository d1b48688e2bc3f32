import { z } from 'zod';
import { notFound } from './errors.js';
import { singleTextOrBlank } from './form-fields.js';

/**
 * Query strings parsed with the platform's URLSearchParams: malformed percent-encoding becomes
 * U+FFFD instead of an exception, and repeated keys (metal=a&metal=b) become arrays.
 */
export function parseQueryString(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const prev = out[key];
    if (prev === undefined) out[key] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[key] = [prev, value];
  }
  return out;
}

/** Rebuilds a query string from parameters, leaving out empty values. */
export function buildQueryString(params: Record<string, string | number | readonly string[] | undefined>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === '') continue;
    if (Array.isArray(v)) for (const item of v) sp.append(k, item);
    else sp.append(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

/** How many rows a back-office list shows a page. */
const LIST_PAGE_SIZE = 50;

/** The last page a back-office list will show: a number past it is a typing slip, not a request. */
const MAX_PAGE = 10_000;

/** A back-office list's search box. */
export const listSearchText = singleTextOrBlank.pipe(z.string().trim().max(100, 'Please search with fewer than 100 characters.'));

/** A back-office list's page number; blank is the first page. */
export const listPageNumber = singleTextOrBlank.pipe(
  z
    .string()
    .refine((s) => s === '' || /^\d{1,6}$/.test(s), 'The page number should be a whole number, such as 2.')
    .transform((s) => (s === '' ? 1 : Number(s)))
    .refine((n) => n >= 1, 'Page numbers start at 1.')
    .refine((n) => n <= MAX_PAGE, `There aren't that many pages. Please choose a page up to ${MAX_PAGE}.`),
);

/** Which rows page `page` of a back-office list shows. */
export function listPageRows(page: number): { limit: number; offset: number } {
  return { limit: LIST_PAGE_SIZE, offset: (page - 1) * LIST_PAGE_SIZE };
}

/** How many pages a list of `total` rows fills; asking for a page past the last is a 404 that says how many there are. */
export function listPageCount(total: number, page: number): number {
  const pages = Math.max(1, Math.ceil(total / LIST_PAGE_SIZE));
  if (page > pages) throw notFound(`There is no page ${page}: there ${pages === 1 ? 'is only 1 page' : `are ${pages} pages`}.`);
  return pages;
}
