// Card PaymentMethods behind a confirm: from a test id (`pm_card_visa`), from card details sent by the Stripe.js
// double (`payment_method_data[card][number]`), or one the emulator made earlier.
import type Stripe from 'stripe';
import { brandOf, cardByNumber, cardByPaymentMethod, passesLuhn, type CardOutcome } from './cards';
import { nowSeconds, type RequestContext } from './context';
import { ApiError, docUrl, parameterMissing, resourceMissing } from './errors';
import { optObject, optString, type Params } from './form';
import { newId } from './ids';
import type { PaymentMethodRecord } from './state';

interface CardFields {
  number: string;
  brand: string;
  funding: string;
  expMonth: number;
  expYear: number;
}

function makeRecord(ctx: RequestContext, card: CardFields, outcome: CardOutcome): PaymentMethodRecord {
  const { bucket } = ctx.caller;
  const object = {
    id: newId('pm'),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: { address: null, email: null, name: null, phone: null, tax_id: null },
    card: {
      brand: card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
      country: 'US',
      display_brand: card.brand,
      exp_month: card.expMonth,
      exp_year: card.expYear,
      funding: card.funding,
      last4: card.number.slice(-4),
      networks: { available: [card.brand], preferred: null },
      wallet: null,
    },
    created: nowSeconds(ctx.core),
    customer: null,
    livemode: bucket.mode === 'live',
    metadata: {},
    type: 'card',
  } as unknown as Stripe.PaymentMethod;
  const record = { object, outcome };
  bucket.paymentMethods.set(object.id, record);
  return record;
}

/** A card error Stripe raises before any charge (bad number, past expiry). */
function cardInputError(code: string, message: string, param: string): ApiError {
  return new ApiError(402, { type: 'card_error', code, message, param, doc_url: docUrl(code) });
}

function fromCardDetails(ctx: RequestContext, card: Params): PaymentMethodRecord {
  const number = (optString(card, 'number') ?? '').replace(/[\s-]/g, '');
  if (!number) throw parameterMissing('payment_method_data[card][number]');
  if (!passesLuhn(number)) throw cardInputError('incorrect_number', 'Your card number is incorrect.', 'number');
  const now = new Date(ctx.core.now());
  const expMonth = Number(optString(card, 'exp_month') ?? now.getUTCMonth() + 1);
  let expYear = Number(optString(card, 'exp_year') ?? now.getUTCFullYear() + 1);
  if (expYear < 100) expYear += 2000;
  if (!(expMonth >= 1 && expMonth <= 12)) throw cardInputError('invalid_expiry_month', "Your card's expiration month is invalid.", 'exp_month');
  if (expYear < now.getUTCFullYear()) throw cardInputError('invalid_expiry_year', "Your card's expiration year is in the past.", 'exp_year');
  if (expYear === now.getUTCFullYear() && expMonth < now.getUTCMonth() + 1) {
    throw cardInputError('invalid_expiry_month', "Your card's expiration month is in the past.", 'exp_month');
  }
  const known = cardByNumber(number);
  let outcome: CardOutcome = known?.outcome ?? { kind: 'succeed' };
  if (!known && ctx.caller.bucket.mode === 'test') {
    outcome = {
      kind: 'decline',
      code: 'card_declined',
      declineCode: 'test_mode_live_card',
      message:
        'Your card was declined. Your request was in test mode, but used a non test card. For a list of valid test cards, visit: https://stripe.com/docs/testing.',
    };
  }
  const fields = { number, brand: known?.brand ?? brandOf(number), funding: known?.funding ?? 'credit', expMonth, expYear };
  return makeRecord(ctx, fields, outcome);
}

/**
 * Stripe's SEPA Direct Debit test IBANs that go `processing` on confirm. On Stripe the first later succeeds
 * and the second fails by themselves; here both wait for the emulator-only settle control.
 */
export const SEPA_PROCESSING_IBANS = ['AT611904300234573201', 'AT861904300235473202'];
/** Emulator-only test PaymentMethod id (a guess: Stripe documents only the IBANs) for a processing SEPA debit. */
export const SEPA_PROCESSING_PAYMENT_METHOD = 'pm_sepaDebit_processing';

function sepaRecord(ctx: RequestContext, iban: string): PaymentMethodRecord {
  const { bucket } = ctx.caller;
  const object = {
    id: newId('pm'),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: { address: null, email: null, name: 'Jenny Rosen', phone: null, tax_id: null },
    created: nowSeconds(ctx.core),
    customer: null,
    livemode: bucket.mode === 'live',
    metadata: {},
    sepa_debit: {
      bank_code: iban.slice(4, 9),
      branch_code: '',
      country: iban.slice(0, 2),
      fingerprint: `emu${iban.slice(-8)}`,
      generated_from: { charge: null, setup_attempt: null },
      last4: iban.slice(-4),
    },
    type: 'sepa_debit',
  } as unknown as Stripe.PaymentMethod;
  const record: PaymentMethodRecord = { object, outcome: { kind: 'processing' } };
  bucket.paymentMethods.set(object.id, record);
  return record;
}

function fromSepaDetails(ctx: RequestContext, data: Params): PaymentMethodRecord {
  const iban = (optString(optObject(data, 'sepa_debit') ?? {}, 'iban') ?? '').replace(/\s/g, '').toUpperCase();
  if (!iban) throw parameterMissing('payment_method_data[sepa_debit][iban]');
  if (!SEPA_PROCESSING_IBANS.includes(iban)) {
    throw new ApiError(400, {
      type: 'invalid_request_error',
      message: `The emulator only knows the SEPA test IBANs ${SEPA_PROCESSING_IBANS.join(', ')}.`,
      param: 'payment_method_data[sepa_debit][iban]',
    });
  }
  return sepaRecord(ctx, iban);
}

function fromId(ctx: RequestContext, id: string): PaymentMethodRecord {
  const existing = ctx.caller.bucket.paymentMethods.get(id);
  if (existing) return existing;
  if (id === SEPA_PROCESSING_PAYMENT_METHOD) return sepaRecord(ctx, SEPA_PROCESSING_IBANS[0]);
  const card = cardByPaymentMethod(id);
  if (!card) throw resourceMissing('PaymentMethod', id, 'payment_method');
  const year = new Date(ctx.core.now()).getUTCFullYear() + 3;
  return makeRecord(ctx, { number: card.number, brand: card.brand, funding: card.funding, expMonth: 12, expYear: year }, card.outcome);
}

/**
 * The PaymentMethod a confirm (or a create/update) names: `payment_method`, else `payment_method_data`, else
 * undefined. Test ids become new `pm_…` objects, as on Stripe.
 */
export function resolvePaymentMethod(ctx: RequestContext, params: Params): PaymentMethodRecord | undefined {
  const id = optString(params, 'payment_method');
  if (id) return fromId(ctx, id);
  const data = optObject(params, 'payment_method_data');
  if (!data) return undefined;
  const type = optString(data, 'type');
  if (!type) throw parameterMissing('payment_method_data[type]');
  if (type === 'sepa_debit') return fromSepaDetails(ctx, data);
  if (type !== 'card') {
    throw new ApiError(400, {
      type: 'invalid_request_error',
      message: `The emulator only supports card and sepa_debit payment methods, not '${type}'.`,
      param: 'payment_method_data[type]',
    });
  }
  const card = optObject(data, 'card');
  if (!card) throw parameterMissing('payment_method_data[card]');
  return fromCardDetails(ctx, card);
}
