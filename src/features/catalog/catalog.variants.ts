import { badRequest } from '../../http/errors.js';
import { CHAIN_LENGTHS_IN, RING_SIZES, isMetal, metalLabel } from './catalog.domain.js';
import type { VariantRow } from './catalog.repository.js';
import type { VariantChoice } from './views/product.js';

export type VariantResolution = { ok: true; variant: VariantRow } | { ok: false; field: 'metal' | 'size' | 'length'; message: string };

/** Finds the variant a shopper's choice names: metal, plus ring size or chain length where the piece has them. */
export function resolveVariant(variants: VariantRow[], choice: VariantChoice): VariantResolution {
  const forMetal = variants.filter((v) => v.metal === choice.metal);
  if (forMetal.length === 0) return { ok: false, field: 'metal', message: 'Please choose one of the metals listed.' };
  const sized = forMetal.some((v) => v.ringSize !== null);
  const lengths = [...new Set(forMetal.map((v) => v.chainLengthIn).filter((l) => l !== null))];
  if (sized && !choice.size) return { ok: false, field: 'size', message: 'Please choose a ring size.' };
  const length = choice.length ?? (lengths.length === 1 ? lengths[0] : undefined);
  if (lengths.length > 0 && length === undefined) return { ok: false, field: 'length', message: 'Please choose a chain length.' };
  const match = forMetal.find((v) => (!sized || v.ringSize === choice.size) && (lengths.length === 0 || v.chainLengthIn === length));
  if (!match) {
    return sized
      ? { ok: false, field: 'size', message: `Size ${choice.size} isn't made in this metal. Please choose another size.` }
      : { ok: false, field: 'length', message: 'That chain length isn’t made in this metal. Please choose another.' };
  }
  return { ok: true, variant: match };
}

/** Reads a shopper's choice from a query or form, refusing values the shop doesn't make. */
export function parseChoice(metals: string[], q: { metal?: string; size?: string; length?: string }): VariantChoice {
  const metal = q.metal && q.metal !== '' ? q.metal : metals[0];
  if (!metal || !isMetal(metal)) throw badRequest("We don't recognise that metal. Please choose one from the list.");
  if (!metals.includes(metal)) throw badRequest(`This piece isn't made in ${metalLabel(metal)}. Please choose one of the metals listed.`);
  const size = q.size && q.size !== '' ? q.size : undefined;
  if (size !== undefined && !RING_SIZES.includes(size))
    throw badRequest('Ring sizes run from H to Z, with half sizes. Please choose one from the list.');
  let length: number | undefined;
  if (q.length && q.length !== '') {
    length = Number(q.length);
    if (!(CHAIN_LENGTHS_IN as readonly number[]).includes(length)) throw badRequest('Please choose a chain length from the list.');
  }
  return { metal, size, length };
}
