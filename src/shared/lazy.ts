import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A CommonJS package loaded the first time it is used rather than when the shop starts: for the
 * packages only some requests or only one database need (image processing, QR codes, zip files,
 * the PostgreSQL driver on SQLite), so that a shop at rest holds none of them in memory (README,
 * "Memory and start-up"). The load is synchronous and happens once; later calls return the same
 * module. `T` is the package's type: `lazy<typeof import('sharp')>('sharp')`.
 */
export function lazy<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(name) as T);
}

/** The zip writer, for the customer's copy of their data and the whole-shop export. */
export const loadYazl = lazy<typeof import('yazl')>('yazl');

const loadCsv = lazy<typeof import('csv-stringify/sync')>('csv-stringify/sync');
/** csv-stringify's synchronous writer, loaded at the first download that needs it. */
export const stringifyCsv: typeof import('csv-stringify/sync').stringify = (input, options) => loadCsv().stringify(input, options);

/** The User-Agent reader, for a session's device name and the visitor statistics' browser: loaded at its first use. */
export const loadBowser = lazy<typeof import('bowser')>('bowser');
