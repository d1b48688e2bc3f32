import type { Db } from '../../../db/database.js';
import { CATEGORIES, CHAIN_LENGTHS_IN, METALS, RING_SIZES, searchEntry } from '../catalog.domain.js';
import { countProducts, insertCategory, insertCollection, insertProduct } from '../catalog.repository.js';
import { demoCollections, demoProducts, demoStock } from './demo-catalogue.js';
import { drawProductImages } from './drawings.js';

const CATEGORY_INTROS: Record<string, string> = {
  rings: 'Engagement rings, wedding bands and everyday stacking rings, made to your UK ring size.',
  necklaces: 'Pendants, lockets and fine chains in gold, silver and platinum, in a choice of lengths.',
  earrings: 'Studs, hoops and drops to wear every day or keep for an occasion.',
  bracelets: 'Bangles, cuffs, charm and tennis bracelets, finished by hand.',
};

/** Ring sizes the demo shop keeps in stock for each ring: the common range, J to T. */
const DEMO_RING_SIZES = RING_SIZES.slice(RING_SIZES.indexOf('J'), RING_SIZES.indexOf('T') + 1);
const DEMO_CHAIN_LENGTHS = CHAIN_LENGTHS_IN.slice(0, 3);

/**
 * Fills an empty database with the demo catalogue, in one transaction. Does nothing when any
 * product exists, so a jeweller's own catalogue is never touched.
 */
export async function seedDemoCatalogue(db: Db, now: Date): Promise<boolean> {
  if ((await countProducts(db)) > 0) return false;
  await db.transaction().execute(async (trx) => {
    if ((await countProducts(trx)) > 0) return;
    const categoryIds = new Map<string, number>();
    for (const [position, c] of CATEGORIES.entries()) {
      categoryIds.set(
        c.slug,
        await insertCategory(trx, { slug: c.slug, name: c.name, description: CATEGORY_INTROS[c.slug] ?? '', position }),
      );
    }
    const collectionIds = new Map<string, number>();
    for (const [position, c] of demoCollections.entries()) {
      collectionIds.set(c.slug, await insertCollection(trx, { ...c, position }));
    }
    for (const [index, p] of demoProducts.entries()) {
      const code = `${p.category.slice(0, 1).toUpperCase()}${String(index + 1).padStart(3, '0')}`;
      type DemoVariant = { sku: string; metal: string; ringSize: string | null; chainLengthIn: number | null; pricePence: number };
      const variants = p.metals.flatMap((metal): DemoVariant[] => {
        const price = p.prices[metal] ?? 0;
        const short = METALS.find((m) => m.code === metal)?.short ?? metal;
        if (p.category === 'rings') {
          return DEMO_RING_SIZES.map((size) => ({
            sku: `ASY-${code}-${short}-${size.replace('½', 'H')}`,
            metal,
            ringSize: size,
            chainLengthIn: null,
            pricePence: price,
          }));
        }
        if (p.category === 'necklaces') {
          // Longer chains use more metal: a little more for each extra two inches.
          return DEMO_CHAIN_LENGTHS.map((len, i) => ({
            sku: `ASY-${code}-${short}-${len}`,
            metal,
            ringSize: null,
            chainLengthIn: len,
            pricePence: price + i * Math.round((price * 0.04) / 100) * 100,
          }));
        }
        return [{ sku: `ASY-${code}-${short}`, metal, ringSize: null, chainLengthIn: null, pricePence: price }];
      });
      await insertProduct(trx, {
        slug: p.slug,
        name: p.name,
        categoryId: categoryIds.get(p.category) as number,
        description: p.description,
        hallmark: p.hallmark,
        care: p.care,
        stone: p.stone,
        featured: p.featured ?? false,
        createdAt: new Date(now.getTime() - p.createdDaysAgo * 86_400_000).toISOString(),
        collectionIds: p.collections.map((s) => collectionIds.get(s)).filter((id): id is number => id !== undefined),
        variants: variants.map((v, vi) => ({ ...v, stock: demoStock(index, vi) })),
        images: drawProductImages(p).map((img) => ({ alt: img.alt, contentType: 'image/svg+xml', body: img.svg })),
        search: searchEntry(p.name, p.description, p.category, p.metals, p.stone, p.collections),
      });
    }
  });
  return true;
}
