/**
 * A store's discount codes as the platform manages them: the settings' shape and rules (422
 * `invalid_discount` naming the field), and the use-cases the internal API calls. Every check runs before
 * anything is written, so a refused request changes nothing. Pricing a discount is discount-pricing.ts.
 */
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { AppError, errors } from '../errors';
import { validate } from '../http/body';
import { newId } from './ids';
import { storeCurrency } from './carts';
import { MAX_AMOUNT } from './money';
import type { Discount, DiscountTerms, Store } from '../storage/port';

type Deps = Pick<AppDeps, 'storage'>;

/** What a code may look like: 3–40 letters, digits, - or _, matched in any case. */
export const DISCOUNT_CODE_PATTERN = /^[A-Za-z0-9_-]{3,40}$/;
/** Products one discount may name. */
export const MAX_DISCOUNT_PRODUCTS = 1000;
/** Edits of one discount a PATCH retries when other edits keep coming first. */
const EDIT_ATTEMPTS = 3;

const amount = z.number().int('must be an integer amount in minor units').min(1, 'must be at least 1').max(MAX_AMOUNT);
const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time such as 2026-12-24T00:00:00Z' }).transform((s) => Date.parse(s));
const termFields = {
  percent_off: z.number().int('must be a whole number from 1 to 100').min(1, 'must be from 1 to 100').max(100, 'must be from 1 to 100').nullish(),
  amount_off: amount.nullish(),
  currency: z
    .string()
    .regex(/^[a-zA-Z]{3}$/, 'must be a three-letter ISO code such as usd')
    .transform((c) => c.toLowerCase())
    .nullish(),
  min_subtotal: amount.nullish(),
  product_ids: z
    .array(z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'must be a product id of the catalog'))
    .min(1, 'must name at least one product (null: every product)')
    .max(MAX_DISCOUNT_PRODUCTS)
    .transform((ids) => [...new Set(ids)])
    .nullish(),
  starts_at: instant.nullish(),
  ends_at: instant.nullish(),
  max_redemptions: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000_000).nullish(),
  once_per_email: z.boolean().optional(),
  free_shipping: z.boolean().optional(),
  active: z.boolean().optional(),
};

/** A new discount: the code and its terms; unknown fields are refused. */
export const createDiscountSchema = z.strictObject({
  code: z.string().trim().regex(DISCOUNT_CODE_PATTERN, 'must be 3-40 letters, digits, - or _'),
  ...termFields,
});
/** A change of terms: a field left out is kept, null clears it; the code itself never changes. */
export const patchDiscountSchema = z.strictObject(termFields);

type TermsInput = z.output<typeof patchDiscountSchema>;

const refuse = (param: string, message: string): AppError => errors.invalidDiscount(`${param}: ${message}`).about(param);

/** The input over the current terms (or the defaults of a new discount): absent keeps, null clears. */
function merge(input: TermsInput, base: DiscountTerms): DiscountTerms {
  const pick = <K extends keyof DiscountTerms>(key: K): DiscountTerms[K] => {
    const value = input[key];
    return (value === undefined ? base[key] : value) as DiscountTerms[K];
  };
  return {
    percent_off: pick('percent_off'),
    amount_off: pick('amount_off'),
    currency: pick('currency'),
    min_subtotal: pick('min_subtotal'),
    product_ids: pick('product_ids'),
    starts_at: pick('starts_at'),
    ends_at: pick('ends_at'),
    max_redemptions: pick('max_redemptions'),
    once_per_email: pick('once_per_email'),
    free_shipping: pick('free_shipping'),
    active: pick('active'),
  };
}

const NO_TERMS: DiscountTerms = {
  percent_off: null,
  amount_off: null,
  currency: null,
  min_subtotal: null,
  product_ids: null,
  starts_at: null,
  ends_at: null,
  max_redemptions: null,
  once_per_email: false,
  free_shipping: false,
  active: true,
};

/**
 * The rules across fields, on the terms as they would be stored: percent_off or amount_off, not both (neither
 * only for a free-shipping code); an amount_off names its currency, which must be the store's, as must any
 * currency given; ends_at after starts_at; named products in the store's catalog. The currency and the
 * products are checked when the request sets amounts, a currency or products, so a store that changed its
 * currency can still deactivate its old codes. Returns the terms with `currency` set to what their amounts are in.
 */
async function checkTerms(deps: Deps, store: Store, input: TermsInput, terms: DiscountTerms): Promise<DiscountTerms> {
  if (terms.percent_off !== null && terms.amount_off !== null) {
    // The field this request set (on a PATCH of one of them, that one; on a create with both, amount_off).
    throw refuse(input.amount_off == null ? 'percent_off' : 'amount_off', 'give percent_off or amount_off, not both');
  }
  if (terms.percent_off === null && terms.amount_off === null && !terms.free_shipping) {
    throw refuse('percent_off', 'give percent_off or amount_off (or free_shipping: true)');
  }
  if (terms.starts_at !== null && terms.ends_at !== null && terms.ends_at <= terms.starts_at) throw refuse('ends_at', 'must be after starts_at');
  const hasAmounts = terms.amount_off !== null || terms.min_subtotal !== null;
  if (terms.amount_off !== null && terms.currency === null) throw refuse('currency', "is required with amount_off (the store's currency)");
  let currency = hasAmounts ? terms.currency : null;
  if (input.amount_off != null || input.min_subtotal != null || input.currency !== undefined) {
    const sold = await storeCurrency(deps, store);
    if (terms.currency !== null && terms.currency !== sold) throw refuse('currency', `must be the store's currency, ${sold}`);
    if (hasAmounts) currency = sold;
  }
  if (input.product_ids) {
    const known = new Set((await deps.storage.catalog.listProducts(store.id)).map((p) => p.id));
    // Products are never deleted (only deactivated), so a product checked here stays in the catalog.
    input.product_ids.forEach((id, i) => {
      if (!known.has(id)) throw refuse(`product_ids.${i}`, `no product '${id}' in this store's catalog`);
    });
  }
  return { ...terms, currency };
}

/** Creates a discount: 422 `invalid_discount` naming the field, 409 `discount_code_taken` for a code the store has in any case. */
export async function createDiscount(deps: Deps, store: Store, body: unknown): Promise<Discount> {
  const { code, ...input } = validate(createDiscountSchema, body, errors.invalidDiscount);
  const terms = await checkTerms(deps, store, input, merge(input, NO_TERMS));
  const created = await deps.storage.discounts.create({ id: newId('disc'), store_id: store.id, code, ...terms });
  if (!created.ok) throw errors.discountCodeTaken(code.toUpperCase()).about('code');
  return created.discount;
}

/** One discount of the store, or 404 `discount_not_found` (another store's discount is not found either). */
export async function loadDiscount(deps: Deps, store: Store, id: string): Promise<Discount> {
  const found = /^disc_[A-Za-z0-9_-]{16}$/.test(id) ? await deps.storage.discounts.get(store.id, id) : null;
  if (!found) throw errors.discountNotFound();
  return found;
}

/**
 * Changes a discount's terms: the stored terms merged with the request are checked whole, then written only
 * over the version they were read at; when another edit came first the merge is done again on its result.
 */
export async function updateDiscount(deps: Deps, store: Store, id: string, body: unknown): Promise<Discount> {
  if (body !== null && typeof body === 'object' && 'code' in body) throw refuse('code', 'cannot be changed; create another discount');
  const input = validate(patchDiscountSchema, body, errors.invalidDiscount);
  for (let attempt = 0; attempt < EDIT_ATTEMPTS; attempt++) {
    const current = await loadDiscount(deps, store, id);
    const terms = await checkTerms(deps, store, input, merge(input, current));
    const saved = await deps.storage.discounts.update(store.id, current.id, current.version, terms);
    if (saved) return saved;
  }
  throw errors.discountChanged();
}
