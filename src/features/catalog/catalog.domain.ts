/**
 * The words of the catalogue: metals, stones, ring sizes and chain lengths a UK jeweller sells.
 * Codes are stable identifiers stored in the database and used in URLs; labels are for people.
 */

export const METALS = [
  { code: '9ct-yellow-gold', label: '9ct yellow gold', short: '9YG', colour: '#d4af37' },
  { code: '9ct-white-gold', label: '9ct white gold', short: '9WG', colour: '#dcdcd6' },
  { code: '9ct-rose-gold', label: '9ct rose gold', short: '9RG', colour: '#d9a08b' },
  { code: '18ct-yellow-gold', label: '18ct yellow gold', short: '18YG', colour: '#e6be55' },
  { code: '18ct-white-gold', label: '18ct white gold', short: '18WG', colour: '#e8e8e3' },
  { code: '18ct-rose-gold', label: '18ct rose gold', short: '18RG', colour: '#e2a48f' },
  { code: 'sterling-silver', label: 'Sterling silver', short: 'SS', colour: '#c0c4c8' },
  { code: 'platinum', label: 'Platinum', short: 'PT', colour: '#d8dadc' },
] as const;
export type MetalCode = (typeof METALS)[number]['code'];
export const METAL_CODES = METALS.map((m) => m.code) as [MetalCode, ...MetalCode[]];

export const STONES = [
  { code: 'diamond', label: 'Diamond', colour: '#f4fbff' },
  { code: 'sapphire', label: 'Sapphire', colour: '#1f4fa8' },
  { code: 'emerald', label: 'Emerald', colour: '#1d8a5b' },
  { code: 'ruby', label: 'Ruby', colour: '#b3123b' },
  { code: 'pearl', label: 'Pearl', colour: '#f3ece0' },
  { code: 'amethyst', label: 'Amethyst', colour: '#8a4fb8' },
  { code: 'blue-topaz', label: 'Blue topaz', colour: '#58b7d8' },
  { code: 'morganite', label: 'Morganite', colour: '#f2b8b0' },
] as const;
export type StoneCode = (typeof STONES)[number]['code'];
export const STONE_CODES = STONES.map((s) => s.code) as [StoneCode, ...StoneCode[]];

/** UK ring sizes H to Z with half sizes: H, H½, I, … Y½, Z. */
export const RING_SIZES: readonly string[] = (() => {
  const sizes: string[] = [];
  for (let c = 'H'.charCodeAt(0); c <= 'Z'.charCodeAt(0); c++) {
    const letter = String.fromCharCode(c);
    sizes.push(letter);
    if (letter !== 'Z') sizes.push(`${letter}½`);
  }
  return sizes;
})();

/** Chain lengths in inches, as UK jewellers sell them. */
export const CHAIN_LENGTHS_IN = [16, 18, 20, 22] as const;

export const CATEGORIES = [
  { slug: 'rings', name: 'Rings' },
  { slug: 'necklaces', name: 'Necklaces' },
  { slug: 'earrings', name: 'Earrings' },
  { slug: 'bracelets', name: 'Bracelets' },
] as const;
export type CategorySlug = (typeof CATEGORIES)[number]['slug'];

export function metalLabel(code: string): string {
  return METALS.find((m) => m.code === code)?.label ?? code;
}
export function stoneLabel(code: string | null): string {
  if (!code) return 'No stone';
  return STONES.find((s) => s.code === code)?.label ?? code;
}
export function isMetal(code: string): code is MetalCode {
  return METALS.some((m) => m.code === code);
}
export function isStone(code: string): code is StoneCode {
  return STONES.some((s) => s.code === code);
}

/** A variant as the catalogue sells it. */
export interface VariantRow {
  id: number;
  sku: string;
  metal: string;
  ringSize: string | null;
  chainLengthIn: number | null;
  pricePence: number;
  stock: number;
}

/** The text a product is found by: its name, then its category, metals, stone, collections and description. */
export function searchEntry(
  name: string,
  description: string,
  category: string,
  metals: string[],
  stone: string | null,
  collections: string[],
) {
  return {
    name,
    document: [
      category,
      metals.map(metalLabel).join(' '),
      stone ? stoneLabel(stone) : '',
      collections.join(' ').replace(/-/g, ' '),
      description,
    ].join('\n'),
  };
}
