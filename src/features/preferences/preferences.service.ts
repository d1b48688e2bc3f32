import type { Executor } from '../../db/database.js';
import { randomToken } from '../../shared/crypto.js';
import type { CatalogService } from '../catalog/catalog.service.js';
import { CONSENT_WORDING, type ConsentMethod } from '../consent/consent.inventory.js';
import { recordVisitorChoice } from '../consent/consent.service.js';
import { type Answer, type Remembered, isVisitorId, rememberedWords } from './preferences.domain.js';

/** A product card, as the catalogue's listings give them. */
export type ProductCard = Awaited<ReturnType<CatalogService['featured']>>[number];

/**
 * The visitor's answer to "remember my selections", filed in the consent ledger under the random
 * id of their choice cookie (a new one when they have none yet), with the words they were shown
 * and the policy version in force. Returns the id to keep in the cookie.
 */
export async function recordCookieChoice(
  db: Executor,
  input: { visitorId: string | null; answer: Answer; remembered: Remembered | null; policyVersion: string },
  now: Date,
): Promise<{ visitorId: string; method: ConsentMethod }> {
  const visitorId = input.visitorId !== null && isVisitorId(input.visitorId) ? input.visitorId : randomToken();
  const method: ConsentMethod = input.remembered ? 'cookie-prompt' : 'cookie-settings';
  await recordVisitorChoice(
    db,
    {
      visitor: { visitorId },
      purpose: 'preferences-cookie',
      given: input.answer === 'yes',
      method,
      wording: questionWording(input.remembered),
      policyVersion: input.policyVersion,
    },
    now,
  );
  return { visitorId, method };
}

/** The exact words of the question the visitor answered: the prompt after a size, or the choice on /cookies. */
export function questionWording(remembered: Remembered | null): string {
  return remembered ? CONSENT_WORDING.preferencesPrompt(rememberedWords(remembered)) : CONSENT_WORDING.preferencesSettings;
}

/**
 * The cards of recently viewed pieces, newest first, without the one on screen; pieces no longer
 * sold are left out. Each comes from the catalogue's memoised product, so this costs no query.
 */
export async function recentCards(catalog: CatalogService, slugs: string[], except: string | null): Promise<ProductCard[]> {
  const products = await Promise.all(slugs.filter((s) => s !== except).map((s) => catalog.product(s)));
  return products
    .filter((p) => p !== null)
    .map((p) => ({
      id: p.id,
      slug: p.slug,
      name: p.name,
      stone: p.stone,
      fromPence: Math.min(...p.variants.map((v) => v.pricePence)),
      stock: p.variants.reduce((n, v) => n + v.stock, 0),
      metals: [...new Set(p.variants.map((v) => v.metal))],
      imageId: p.images[0]?.id ?? null,
      imageAlt: p.images[0]?.alt ?? '',
      imageWidths: p.images[0]?.widths ?? [],
    }));
}
