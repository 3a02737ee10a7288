// Stripe Tax, the subset this project uses: the account's tax settings (GET, and POST to set the head office,
// which makes them active), calculations (create, retrieve) over the fixed rate table of tax-rates.ts, and
// transactions made from a calculation (create_from_calculation, retrieve), whose `reference` must be unique.
// A calculation needs active settings (`stripe_tax_inactive` otherwise). Each account and mode has its own.
import type Stripe from 'stripe';
import { nowSeconds, type RequestContext, type Route } from './context';
import { invalidRequest, parameterInvalid, parameterMissing, resourceMissing } from './errors';
import { applyMetadata, optInt, optObject, optString, rejectUnknown, type Params } from './form';
import { newId } from './ids';
import { rateFor, SHIPPING_TAX_CODE, taxOn, type EmulatedRate } from './tax-rates';

const NINETY_DAYS = 90 * 24 * 60 * 60;
const ADDRESS_FIELDS = ['line1', 'line2', 'city', 'state', 'postal_code', 'country'] as const;
const TAX_CODE = /^txcd_\d{8}$/;
/** General tangible goods: the tax code of a line without one when the settings name no default (a guess). */
const GENERAL_TAX_CODE = 'txcd_99999999';

function renderSettings(ctx: RequestContext): Stripe.Tax.Settings {
  const s = ctx.caller.bucket.taxSettings;
  const active = s.headOffice !== null;
  return {
    object: 'tax.settings',
    defaults: { provider: 'stripe', ...s.defaults },
    head_office: s.headOffice ? { address: s.headOffice } : null,
    livemode: ctx.caller.livemode,
    status: active ? 'active' : 'pending',
    status_details: active ? { active: {} } : { pending: { missing_fields: ['head_office'] } },
  };
}

/** An address parameter as Stripe echoes it: every field, null when not given. */
function addressOf(params: Params | undefined, param: string): Stripe.Address {
  if (!params) throw parameterMissing(`${param}[country]`);
  rejectUnknown(params, ADDRESS_FIELDS);
  const out = Object.fromEntries(ADDRESS_FIELDS.map((f) => [f, optString(params, f) ?? null])) as unknown as Stripe.Address;
  if (!out.country) throw parameterMissing(`${param}[country]`);
  out.country = out.country.toUpperCase();
  if (out.state) out.state = out.state.toUpperCase();
  return out;
}

function updateSettings(ctx: RequestContext): Stripe.Tax.Settings {
  rejectUnknown(ctx.params, ['head_office', 'defaults', 'expand']);
  const s = ctx.caller.bucket.taxSettings;
  const head = optObject(ctx.params, 'head_office');
  if (head) s.headOffice = addressOf(optObject(head, 'address'), 'head_office[address]');
  const defaults = optObject(ctx.params, 'defaults');
  if (defaults) {
    const behavior = optString(defaults, 'tax_behavior');
    if (behavior && !['exclusive', 'inclusive', 'inferred_by_currency'].includes(behavior))
      throw parameterInvalid('defaults[tax_behavior]', `Invalid tax_behavior: ${behavior}`);
    const code = optString(defaults, 'tax_code');
    if (code && !TAX_CODE.test(code)) throw invalidRequest(`Invalid tax code: ${code}`, 'parameter_invalid_string', 'defaults[tax_code]');
    s.defaults = { tax_behavior: behavior ?? s.defaults.tax_behavior, tax_code: code ?? s.defaults.tax_code };
  }
  return renderSettings(ctx);
}

function behaviorOf(params: Params, param: string, fallback: string | null): 'exclusive' | 'inclusive' {
  const value = optString(params, 'tax_behavior') ?? (fallback === 'inclusive' ? 'inclusive' : 'exclusive');
  if (value !== 'exclusive' && value !== 'inclusive') throw parameterInvalid(`${param}[tax_behavior]`, `Invalid tax_behavior: ${value}`);
  return value;
}

function taxCodeOf(params: Params, param: string): string | null {
  const code = optString(params, 'tax_code') ?? null;
  if (code !== null && !TAX_CODE.test(code)) throw invalidRequest(`Invalid tax code: ${code}`, 'parameter_invalid_string', `${param}[tax_code]`);
  return code;
}

interface Taxed {
  amount: number;
  inclusive: boolean;
  tax: number;
  rate: EmulatedRate;
}

/** Adds the taxed amounts up per rate and behaviour, as Stripe's `tax_breakdown` lists them. */
function breakdown(items: Taxed[]): Stripe.Tax.Calculation.TaxBreakdown[] {
  const byKey = new Map<string, Stripe.Tax.Calculation.TaxBreakdown>();
  for (const t of items) {
    const key = `${t.rate.percentage}/${t.rate.taxability_reason}/${t.inclusive}`;
    const entry = byKey.get(key) ?? {
      amount: 0,
      inclusive: t.inclusive,
      tax_rate_details: {
        country: t.rate.country,
        state: t.rate.state,
        percentage_decimal: t.rate.percentage,
        tax_type: t.rate.tax_type,
        flat_amount: null,
        rate_type: 'percentage',
      },
      taxability_reason: t.rate.taxability_reason,
      taxable_amount: 0,
    };
    entry.amount += t.tax;
    entry.taxable_amount += t.inclusive ? t.amount - t.tax : t.amount;
    byKey.set(key, entry);
  }
  return [...byKey.values()];
}

function createCalculation(ctx: RequestContext): Stripe.Tax.Calculation {
  rejectUnknown(ctx.params, ['currency', 'line_items', 'customer_details', 'shipping_cost', 'tax_date', 'expand']);
  const { bucket } = ctx.caller;
  const currency = optString(ctx.params, 'currency')?.toLowerCase();
  if (!currency) throw parameterMissing('currency');
  if (!/^[a-z]{3}$/.test(currency)) throw parameterInvalid('currency', `Invalid currency: ${currency}`);
  const raw = ctx.params.line_items;
  const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? Object.values(raw) : [];
  if (list.length === 0) throw parameterMissing('line_items');
  const customer = optObject(ctx.params, 'customer_details');
  if (!customer) throw parameterMissing('customer_details');
  rejectUnknown(customer, ['address', 'address_source', 'ip_address', 'tax_ids', 'taxability_override']);
  const address = addressOf(optObject(customer, 'address'), 'customer_details[address]');
  const source = optString(customer, 'address_source');
  if (source !== 'shipping' && source !== 'billing') throw parameterMissing('customer_details[address_source]');
  if (address.country === 'US' && !address.postal_code) {
    throw invalidRequest(
      'Unable to determine the customer tax location: a US address needs a postal_code.',
      'customer_tax_location_invalid',
      'customer_details[address]',
    );
  }
  if (bucket.taxSettings.headOffice === null) {
    throw invalidRequest(
      'Stripe Tax has not been activated on your account. Please visit https://stripe.com/docs/tax/set-up to get started.',
      'stripe_tax_inactive',
    );
  }
  const fallback = bucket.taxSettings.defaults.tax_behavior;
  const taxed: Taxed[] = [];
  const lines = list.map((item: unknown, i) => {
    const p = (item && typeof item === 'object' ? item : {}) as Params;
    const param = `line_items[${i}]`;
    rejectUnknown(p, ['amount', 'reference', 'tax_behavior', 'tax_code', 'quantity', 'metadata']);
    const amount = optInt(p, 'amount');
    if (amount === undefined) throw parameterMissing(`${param}[amount]`);
    if (amount < 0) throw parameterInvalid(`${param}[amount]`, 'This value must be greater than or equal to 0.', 'parameter_invalid_integer');
    const inclusive = behaviorOf(p, param, fallback) === 'inclusive';
    const code = taxCodeOf(p, param) ?? bucket.taxSettings.defaults.tax_code ?? GENERAL_TAX_CODE;
    const rate = rateFor(address.country!, address.state, code);
    const tax = taxOn(amount, rate.percentage, inclusive);
    taxed.push({ amount, inclusive, tax, rate });
    return {
      object: 'tax.transaction_line_item' as const,
      amount,
      amount_tax: tax,
      metadata: applyMetadata({}, p),
      product: null,
      quantity: optInt(p, 'quantity') ?? 1,
      reference: optString(p, 'reference') ?? `L${i}`,
      reversal: null,
      tax_behavior: inclusive ? 'inclusive' : 'exclusive',
      tax_code: code,
    };
  });
  let shipping: Stripe.Tax.Calculation.ShippingCost | null = null;
  const ship = optObject(ctx.params, 'shipping_cost');
  if (ship) {
    rejectUnknown(ship, ['amount', 'tax_behavior', 'tax_code']);
    const amount = optInt(ship, 'amount') ?? 0;
    if (amount < 0) throw parameterInvalid('shipping_cost[amount]', 'This value must be greater than or equal to 0.', 'parameter_invalid_integer');
    const inclusive = behaviorOf(ship, 'shipping_cost', fallback) === 'inclusive';
    // Shipping is taxed at the standard rate of the destination, whatever its tax code.
    const rate = rateFor(address.country!, address.state, null);
    const tax = taxOn(amount, rate.percentage, inclusive);
    taxed.push({ amount, inclusive, tax, rate });
    shipping = {
      amount,
      amount_tax: tax,
      tax_behavior: inclusive ? 'inclusive' : 'exclusive',
      tax_code: taxCodeOf(ship, 'shipping_cost') ?? SHIPPING_TAX_CODE,
    };
  }
  const exclusive = taxed.filter((t) => !t.inclusive).reduce((sum, t) => sum + t.tax, 0);
  const inclusive = taxed.filter((t) => t.inclusive).reduce((sum, t) => sum + t.tax, 0);
  const now = nowSeconds(ctx.core);
  const calculation: Stripe.Tax.Calculation = {
    id: newId('taxcalc'),
    object: 'tax.calculation',
    amount_total: taxed.reduce((sum, t) => sum + t.amount, 0) + exclusive,
    currency,
    customer: null,
    customer_details: { address, address_source: source, ip_address: null, tax_ids: [], taxability_override: 'none' },
    expires_at: now + NINETY_DAYS,
    livemode: ctx.caller.livemode,
    ship_from_details: null,
    shipping_cost: shipping,
    tax_amount_exclusive: exclusive,
    tax_amount_inclusive: inclusive,
    tax_breakdown: breakdown(taxed),
    tax_date: optInt(ctx.params, 'tax_date') ?? now,
  };
  bucket.taxCalculations.set(calculation.id!, { calculation, lines });
  return calculation;
}

function retrieveCalculation(ctx: RequestContext): Stripe.Tax.Calculation {
  const found = ctx.caller.bucket.taxCalculations.get(ctx.routeParams.id);
  if (!found) throw resourceMissing('tax.calculation', ctx.routeParams.id);
  return found.calculation;
}

function createTransaction(ctx: RequestContext): Stripe.Tax.Transaction {
  rejectUnknown(ctx.params, ['calculation', 'reference', 'metadata', 'posted_at', 'expand']);
  const { bucket } = ctx.caller;
  const calcId = optString(ctx.params, 'calculation');
  if (!calcId) throw parameterMissing('calculation');
  const reference = optString(ctx.params, 'reference');
  if (!reference) throw parameterMissing('reference');
  const found = bucket.taxCalculations.get(calcId);
  if (!found) throw resourceMissing('tax.calculation', calcId, 'calculation');
  const { calculation } = found;
  const now = nowSeconds(ctx.core);
  if (calculation.expires_at !== null && calculation.expires_at <= now) throw invalidRequest(`Calculation ${calcId} has expired.`, undefined, 'calculation');
  if ([...bucket.taxTransactions.values()].some((t) => t.reference === reference)) {
    throw invalidRequest(`A transaction with reference '${reference}' already exists. References must be unique.`, undefined, 'reference');
  }
  const id = newId('tax');
  const transaction: Stripe.Tax.Transaction = {
    id,
    object: 'tax.transaction',
    created: now,
    currency: calculation.currency,
    customer: null,
    customer_details: calculation.customer_details,
    line_items: {
      object: 'list',
      data: found.lines.map((l) => ({ ...l, id: newId('tax_li', 14), livemode: ctx.caller.livemode, type: 'transaction' })),
      has_more: false,
      url: `/v1/tax/transactions/${id}/line_items`,
    },
    livemode: ctx.caller.livemode,
    metadata: Object.keys(applyMetadata({}, ctx.params)).length ? applyMetadata({}, ctx.params) : null,
    posted_at: optInt(ctx.params, 'posted_at') ?? now,
    reference,
    reversal: null,
    ship_from_details: null,
    shipping_cost: calculation.shipping_cost ? { ...calculation.shipping_cost } : null,
    tax_date: calculation.tax_date,
    type: 'transaction',
  };
  bucket.taxTransactions.set(transaction.id, transaction);
  return transaction;
}

function retrieveTransaction(ctx: RequestContext): Stripe.Tax.Transaction {
  const found = ctx.caller.bucket.taxTransactions.get(ctx.routeParams.id);
  if (!found) throw resourceMissing('tax.transaction', ctx.routeParams.id);
  return found;
}

const read = { resource: 'tax', access: 'read' } as const;
const write = { resource: 'tax', access: 'write' } as const;

/** The Stripe Tax routes. */
export const taxRoutes: Route[] = [
  { method: 'GET', path: '/v1/tax/settings', need: 'secret', permission: read, handle: renderSettings },
  { method: 'POST', path: '/v1/tax/settings', need: 'secret', permission: write, handle: updateSettings },
  { method: 'POST', path: '/v1/tax/calculations', need: 'secret', permission: write, handle: createCalculation },
  { method: 'GET', path: '/v1/tax/calculations/:id', need: 'secret', permission: read, handle: retrieveCalculation },
  { method: 'POST', path: '/v1/tax/transactions/create_from_calculation', need: 'secret', permission: write, handle: createTransaction },
  { method: 'GET', path: '/v1/tax/transactions/:id', need: 'secret', permission: read, handle: retrieveTransaction },
];
