/**
 * The shopper's details on a checkout session (email, shipping address, chosen rate) and the one total the
 * server computes from them: the session's frozen lines plus the price of the rate, from the store's own
 * settings. The browser sends only what the shopper typed and a rate id; an amount from it never enters.
 *
 * A change is applied under the cart's claim (claims.ts), the same one intent creation holds, so on every
 * instance one change at a time updates the session's one PaymentIntent and then the session:
 *   1. re-read the session, refuse when it is paid, superseded or its cart closed;
 *   2. compute details and total; 422 for a country the store does not ship to or a rate that does not apply;
 *   3. update the PaymentIntent (amount, shipping, receipt_email) with the merchant's key. Stripe refuses an
 *      amount change once the intent is processing or succeeded: 409 `details_locked`, nothing changed;
 *   4. store details and total (compare-and-set on details_version).
 * Stripe serialises the update against a confirm of the same intent: either the confirm charges the new
 * amount, which step 4 then stores, or the confirm came first and step 3 fails. If the instance dies
 * between 3 and 4, the intent's amount differs from the session's total and no order is ever recorded for
 * it (record.ts compares them in the order's transaction) until the next details change puts them level.
 */
import { z } from 'zod';
import type Stripe from 'stripe';
import type { AppDeps } from '../deps';
import { AppError, errors } from '../errors';
import type { Checkout, SessionDetails, Store } from '../storage/port';
import { withMerchantStripe } from '../stripe/merchant';
import type { CheckoutDetails, DetailsAnswer, Shipping, TaxLine } from '../wire';
import { findCart } from './carts';
import { withCartClaim } from './claims';
import { COUNTRY_CODES } from './countries';
import { MAX_AMOUNT } from './money';
import { amountsOf, ratesFor, requiresShipping, shipsTo } from './shipping';
import { priceDiscount } from './discount-pricing';
import { sessionDiscountAfter } from './session-discount';
import type { SessionDiscount } from './discount-rules';
import { sessionTax, type TaxedLine } from './checkout-tax';
import { readStripeTax, sessionStripeTax, type StripeTaxResult } from './stripe-tax';
import { intentDetailsParams } from './intent-details';
import type { TaxAddress, TaxSettings } from './tax';

const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);
const optionalText = (max: number) =>
  text(max)
    .nullish()
    .transform((v) => (v ? v : null));

const addressSchema = z.strictObject({
  line1: text(200).min(1, 'is required'),
  line2: optionalText(200),
  city: text(100).min(1, 'is required'),
  state: optionalText(100),
  postal_code: text(20),
  country: z
    .string()
    .max(2)
    .transform((c) => c.toUpperCase())
    .refine((c) => COUNTRY_CODES.has(c), 'must be an ISO 3166-1 alpha-2 country code such as US'),
});

export const detailsSchema = z.strictObject({
  email: z.string().trim().max(254).pipe(z.email()).optional(),
  shipping: z
    .strictObject({
      name: text(200).min(1, 'is required'),
      phone: optionalText(40),
      address: addressSchema,
    })
    .optional(),
  shipping_rate_id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a shipping rate id')
    .optional(),
  /** A code to apply (as typed; one the store does not have is 422 discount_not_found), or null to remove it. */
  discount_code: z.string().max(100, 'must be at most 100 characters').nullable().optional(),
});

export type DetailsInput = z.infer<typeof detailsSchema>;

/**
 * Validates the body of `POST /api/checkout/:token/details`: 422 `invalid_email` or `invalid_address` naming
 * the field (`shipping.address.city`), 400 `invalid_request` for anything else that is not the contract.
 */
export function parseDetailsInput(data: unknown): DetailsInput {
  const parsed = detailsSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const param = issue.path.join('.');
  if (param === 'email') throw errors.invalidEmail().about('email');
  const message = `${param ? `${param}: ` : ''}${issue.message}`;
  if (param === 'shipping' || param.startsWith('shipping.')) throw errors.invalidAddress(message).about(param);
  throw param ? errors.invalidRequest(message).about(param) : errors.invalidRequest(message);
}

/** What a change makes of a session: its new details, discount and total. */
interface Plan {
  details: SessionDetails;
  shippingAmount: number;
  discountAmount: number;
  /** Tax added on top (exclusive rates) and every tax line, at the address of the details. */
  taxAmount: number;
  taxLines: TaxLine[];
  /** The Stripe Tax calculation the tax came from (mode stripe_tax). */
  taxCalculationId?: string | null;
  /** The session's discount after the change (undefined: unchanged). */
  discount?: SessionDiscount | null;
  amount: number;
}

/**
 * The money of a session's lines with a shipping price: the discount (capped by the lines and Stripe's minimum
 * charge, discount-pricing.ts), shipping (0 with a free-shipping code), the tax at `address` (checkout-tax.ts:
 * on the lines after the discount and the shipping after it) and the total, which includes exclusive tax.
 */
function priced(checkout: Checkout, discount: SessionDiscount | null, ratePrice: number, tax: TaxContext | null, address: TaxAddress | null) {
  const discountAmount = discount ? priceDiscount(discount, { currency: checkout.currency, lines: checkout.lines, shipping: ratePrice }).amount : 0;
  const shippingAmount = discount?.free_shipping ? 0 : ratePrice;
  const t = sessionTax(tax?.settings ?? null, address, taxedLines(checkout, tax), { terms: discount, amount: discountAmount }, shippingAmount);
  return { discountAmount, shippingAmount, taxAmount: t.added, taxLines: t.lines, amount: checkout.subtotal - discountAmount + shippingAmount + t.added };
}

/** What tax needs of the store: its settings and the tax categories of the session's products. */
export interface TaxContext {
  settings: TaxSettings;
  categories: Map<string, string>;
}

/** The session's lines with their products' tax categories. */
export function taxedLines(checkout: Checkout, tax: TaxContext | null): TaxedLine[] {
  return checkout.lines.map((l) => ({ product_id: l.product_id, line_total: l.line_total, tax_category: tax?.categories.get(l.product_id) ?? null }));
}

/** Reads the store's tax settings and, when it has any, its products' categories (one query each). */
export async function loadTaxContext(deps: Pick<AppDeps, 'storage'>, checkout: Checkout): Promise<TaxContext | null> {
  const settings = await deps.storage.tax.get(checkout.store_id);
  if (!settings || settings.mode === 'included') return null;
  const categories = await deps.storage.catalog.taxCategories(checkout.store_id, [...new Set(checkout.lines.map((l) => l.product_id))]);
  return { settings, categories };
}

/**
 * Merges the change into what the session holds and prices it (pure): a field left out keeps its value; the
 * rate is the one asked for, else the one chosen before if it still applies, else the cheapest.
 */
export function planDetails(
  store: Store | null,
  checkout: Checkout,
  input: DetailsInput,
  discount: SessionDiscount | null = checkout.discount,
  tax: TaxContext | null = null,
): Plan {
  const settings = store?.shipping ?? null;
  const email = input.email ?? checkout.details.email;
  if (!settings || !requiresShipping(settings, checkout.lines)) {
    // Nothing ships: an address sent anyway is not kept (the order carries no shipping block).
    return { details: { email, shipping: null }, ...priced(checkout, discount, 0, tax, null) };
  }
  const previous = checkout.details.shipping;
  const contact = input.shipping ?? (previous ? { name: previous.name, phone: previous.phone, address: previous.address } : null);
  if (!contact) {
    if (input.shipping_rate_id) throw errors.shippingRateUnavailable('Enter a shipping address before choosing a shipping rate').about('shipping_rate_id');
    return { details: { email, shipping: null }, ...priced(checkout, discount, 0, tax, null) };
  }
  const country = contact.address.country;
  if (!shipsTo(settings, country)) throw errors.shippingCountryUnsupported(country).about('shipping.address.country');
  const rates = ratesFor(settings, country, checkout.lines, checkout.subtotal);
  if (rates.length === 0)
    throw errors.shippingRateUnavailable('No shipping rate of this store applies to this address and cart').about('shipping.address.country');
  const wanted = input.shipping_rate_id ?? previous?.rate.id;
  const rate = rates.find((r) => r.id === wanted) ?? (input.shipping_rate_id ? null : rates[0]);
  if (!rate)
    throw errors.shippingRateUnavailable(`The shipping rate '${input.shipping_rate_id}' does not apply to this address and cart`).about('shipping_rate_id');
  const shipping: Shipping = {
    name: contact.name,
    phone: contact.phone ?? null,
    address: contact.address,
    rate: { id: rate.id, display_name: rate.display_name, amount: rate.amount },
    delivery_estimate: rate.delivery_estimate,
  };
  const money = priced(checkout, discount, rate.amount, tax, contact.address);
  if (money.amount > MAX_AMOUNT) throw errors.cartTooLarge();
  return { details: { email, shipping }, ...money };
}

/** The details part of the checkout view: what is stored, the rates for its address, the applied code, the amounts. */
export function detailsView(store: Store | null, checkout: Checkout): CheckoutDetails {
  const settings = store?.shipping ?? null;
  const required = requiresShipping(settings, checkout.lines);
  const shipping = required ? checkout.details.shipping : null;
  return {
    email: checkout.details.email,
    shipping,
    shipping_rates:
      settings && shipping && shipsTo(settings, shipping.address.country)
        ? ratesFor(settings, shipping.address.country, checkout.lines, checkout.subtotal)
        : [],
    discount: checkout.discount ? { code: checkout.discount.code, amount: checkout.discount_amount } : null,
    amounts: amountsOf(checkout.subtotal, checkout.shipping_amount, checkout.discount_amount, checkout.tax_amount, checkout.tax_lines),
    complete: checkout.details.email !== null && (!required || shipping !== null),
  };
}

/** What Stripe Tax is asked about for a plan (its address, the lines after its discount, its shipping). */
function pricedFor(checkout: Checkout, tax: TaxContext, discount: SessionDiscount | null, plan: Plan) {
  return {
    shipping: plan.details.shipping,
    lines: taxedLines(checkout, tax),
    discount,
    discountAmount: plan.discountAmount,
    shippingAmount: plan.shippingAmount,
  };
}

/** A plan priced without tax, with a Stripe Tax calculation's tax added (none: no address yet). */
function withTax<P extends Plan>(plan: P, tax: StripeTaxResult | null): P {
  if (!tax) return { ...plan, taxCalculationId: null };
  const amount = plan.amount + tax.added;
  if (amount > MAX_AMOUNT) throw errors.cartTooLarge();
  return { ...plan, taxAmount: tax.added, taxLines: tax.lines, taxCalculationId: tax.calculationId, amount };
}

/** How often a change is computed again after losing its compare-and-set (only a taken-over claim does that). */
const ATTEMPTS = 3;

/** Applies a details change to a live session (the caller found it by its token) and answers the repriced total. */
export async function saveCheckoutDetails(deps: AppDeps, found: Checkout, input: DetailsInput): Promise<DetailsAnswer> {
  return withCartClaim(deps, found.cart_id, async () => {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const checkout = (await deps.storage.checkouts.get(found.id)) ?? null;
      if (!checkout) throw errors.checkoutNotFound();
      await refuseClosed(deps, checkout);
      const store = await deps.storage.stores.get(checkout.store_id);
      const discount = await sessionDiscountAfter(deps, checkout, input);
      const tax = await loadTaxContext(deps, checkout);
      let plan = { ...planDetails(store, checkout, input, discount, tax), ...(discount !== checkout.discount ? { discount } : {}) };
      if (tax?.settings.mode === 'stripe_tax')
        plan = withTax(plan, await sessionStripeTax(deps, checkout, tax.settings, pricedFor(checkout, tax, discount, plan)));
      if (checkout.payment_intent_id) await updateIntent(deps, checkout, plan);
      const saved = await deps.storage.checkouts.saveDetails({ id: checkout.id, version: checkout.details_version, ...plan });
      if (saved.status === 'saved' && saved.checkout) {
        // A removed (or replaced) limited code gives its use back once the session no longer holds it.
        if (checkout.discount && saved.checkout.discount?.id !== checkout.discount.id)
          await deps.storage.discounts.release(checkout.cart_id, checkout.discount.id);
        return { details: detailsView(store, saved.checkout), amount: saved.checkout.amount, currency: saved.checkout.currency };
      }
    }
    throw errors.detailsLocked();
  });
}

async function refuseClosed(deps: AppDeps, checkout: Checkout): Promise<void> {
  if (checkout.status === 'paid' || checkout.order_id) throw errors.detailsLocked();
  if (checkout.superseded_at !== null) throw errors.checkoutSuperseded();
  if ((await findCart(deps, checkout.cart_id))?.status === 'closed') {
    // Paid meanwhile (the webhook closed the cart after our read): this session's details are locked.
    const now = await deps.storage.checkouts.get(checkout.id);
    if (now?.status === 'paid' || now?.order_id) throw errors.detailsLocked();
    throw errors.cartClosed();
  }
}

async function updateIntent(deps: AppDeps, checkout: Checkout, plan: Plan): Promise<void> {
  try {
    await withMerchantStripe(deps, checkout.store_id, ({ stripe }) =>
      stripe.paymentIntents.update(checkout.payment_intent_id!, {
        amount: plan.amount,
        ...intentDetailsParams(plan.details, plan.taxCalculationId ?? null),
      }),
    );
  } catch (err) {
    if (err instanceof AppError) throw err;
    const e = err as { type?: string; code?: string; message?: string };
    // Confirmed meanwhile (processing, succeeded) or cancelled: its amount is fixed now.
    if (e?.code === 'payment_intent_unexpected_state') throw errors.detailsLocked();
    if (e?.type === 'StripeInvalidRequestError' && e.code === 'email_invalid') throw errors.invalidEmail().about('email');
    if (e?.type === 'StripeInvalidRequestError') throw errors.stripeInvalidRequest(e.message ?? 'Stripe refused the change');
    throw err;
  }
}

/**
 * Puts a session level with its PaymentIntent when the intent's amount is not the session's total: what an
 * instance leaves that stopped after Stripe took a details change (step 3) and before it was stored (step 4).
 * The intent carries the change (shipping, receipt_email and metadata.shipping_rate_id); it is priced again
 * from the store's settings and stored only if that gives exactly the intent's amount (compare-and-set, like
 * any change). Null when nothing of the session explains the amount: the payment is then not recorded and
 * the mismatch is logged (record.ts).
 */
export async function levelToIntent(
  deps: Pick<AppDeps, 'storage' | 'sealer' | 'stripe' | 'logger' | 'clock'>,
  checkout: Checkout,
  pi: Stripe.PaymentIntent,
): Promise<Checkout | null> {
  if (pi.currency !== checkout.currency) return null;
  const s = pi.shipping;
  const rateId = pi.metadata?.shipping_rate_id;
  let plan: Plan;
  try {
    const input = parseDetailsInput({
      ...(pi.receipt_email ? { email: pi.receipt_email } : {}),
      ...(s?.address?.line1 && s.address.country
        ? {
            shipping: {
              name: s.name ?? '',
              phone: s.phone ?? null,
              address: {
                line1: s.address.line1,
                line2: s.address.line2 ?? null,
                city: s.address.city ?? '',
                state: s.address.state ?? null,
                postal_code: s.address.postal_code ?? '',
                country: s.address.country,
              },
            },
          }
        : {}),
      ...(rateId ? { shipping_rate_id: rateId } : {}),
    });
    const tax = await loadTaxContext(deps, checkout);
    plan = planDetails(await deps.storage.stores.get(checkout.store_id), checkout, input, checkout.discount, tax);
    // Under Stripe Tax the intent names the calculation its amount includes: read it back rather than ask again.
    const calcId = pi.metadata?.tax_calculation_id;
    if (tax?.settings.mode === 'stripe_tax' && calcId) {
      const calc = await readStripeTax(deps, checkout.store_id, calcId);
      if (!calc || calc.currency !== checkout.currency) return null;
      plan = withTax(plan, calc);
    }
  } catch {
    return null;
  }
  if (plan.amount !== pi.amount) return null;
  const saved = await deps.storage.checkouts.saveDetails({ id: checkout.id, version: checkout.details_version, ...plan });
  return saved.status === 'saved' ? saved.checkout : null;
}
