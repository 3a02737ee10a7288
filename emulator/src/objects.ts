// Object shapes, typed with the `stripe` package's own types so they match what stripe-node callers expect.
// Top-level keys follow Stripe's fixtures (../shared/stripe/fixtures3.json); the conformance test checks them.
import type Stripe from 'stripe';
import type { AccountRecord, Bucket, ChargeRecord } from './state';

/** Fields a new PaymentIntent starts from. */
export interface PaymentIntentInit {
  id: string;
  clientSecret: string;
  amount: number;
  currency: string;
  created: number;
  livemode: boolean;
  metadata: Record<string, string>;
  description: string | null;
  receiptEmail: string | null;
  paymentMethodTypes: string[];
  automatic: boolean;
  captureMethod: Stripe.PaymentIntent.CaptureMethod;
}

/** A fresh PaymentIntent in `requires_payment_method`. */
export function buildPaymentIntent(init: PaymentIntentInit): Stripe.PaymentIntent {
  return {
    id: init.id,
    object: 'payment_intent',
    allowed_payment_method_types: null,
    amount: init.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: init.automatic ? { allow_redirects: 'always', enabled: true } : null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: init.captureMethod,
    client_secret: init.clientSecret,
    confirmation_method: 'automatic',
    created: init.created,
    currency: init.currency,
    customer: null,
    customer_account: null,
    description: init.description,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: init.livemode,
    managed_payments: null,
    metadata: init.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: init.automatic ? { id: 'pmc_emulator_default', parent: null } : null,
    payment_method_options: {
      card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' },
    },
    payment_method_types: init.paymentMethodTypes,
    payment_record: null,
    processing: null,
    receipt_email: init.receiptEmail,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'requires_payment_method',
    transfer_data: null,
    transfer_group: null,
  };
}

/** Renders the emulator's charge record as a `Stripe.Charge`. */
export function buildCharge(record: ChargeRecord, bucket: Bucket, refunds: Stripe.Refund[]): Stripe.Charge {
  const failed = Boolean(record.failure);
  // A charge copies its PaymentIntent's receipt_email and shipping, as Stripe's do.
  const intent = bucket.paymentIntents.get(record.paymentIntentId);
  return {
    id: record.id,
    object: 'charge',
    amount: record.amount,
    amount_captured: failed ? 0 : record.amount,
    amount_refunded: record.amountRefunded,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: failed ? null : `txn_${record.id.slice(3)}`,
    billing_details: { address: null, email: null, name: null, phone: null, tax_id: null },
    calculated_statement_descriptor: 'CHECKOUT-BEST',
    captured: !failed,
    created: record.created,
    currency: record.currency,
    customer: null,
    description: null,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: record.failure?.code ?? null,
    failure_message: record.failure?.message ?? null,
    fraud_details: {},
    livemode: bucket.mode === 'live',
    metadata: {},
    on_behalf_of: null,
    outcome: {
      network_status: failed ? 'declined_by_network' : 'approved_by_network',
      reason: failed ? record.failure!.code : null,
      risk_level: 'normal',
      seller_message: failed ? 'The bank did not return any further details with this decline.' : 'Payment complete.',
      type: failed ? 'issuer_declined' : 'authorized',
    } as Stripe.Charge.Outcome,
    paid: !failed,
    payment_intent: record.paymentIntentId,
    payment_method: record.paymentMethod,
    payment_method_details: (record.card
      ? { type: 'card', card: { ...record.card } }
      : { type: 'sepa_debit', sepa_debit: { ...record.sepaDebit } }) as Stripe.Charge.PaymentMethodDetails,
    receipt_email: intent?.receipt_email ?? null,
    receipt_number: null,
    receipt_url: null,
    refunded: record.amountRefunded >= record.amount && record.amount > 0 && !failed,
    refunds: { object: 'list', data: refunds, has_more: false, url: `/v1/charges/${record.id}/refunds` },
    review: null,
    shipping: intent?.shipping ?? null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: failed ? 'failed' : 'succeeded',
    transfer_data: null,
    transfer_group: null,
  };
}

/** A refund object. */
export function buildRefund(fields: {
  id: string;
  amount: number;
  charge: ChargeRecord;
  created: number;
  metadata: Record<string, string>;
  reason: Stripe.Refund.Reason | null;
}): Stripe.Refund {
  return {
    id: fields.id,
    object: 'refund',
    amount: fields.amount,
    balance_transaction: `txn_${fields.id.slice(3)}`,
    charge: fields.charge.id,
    created: fields.created,
    currency: fields.charge.currency,
    customer: null,
    customer_account: null,
    destination_details: { card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' }, type: 'card' },
    metadata: fields.metadata,
    payment_intent: fields.charge.paymentIntentId,
    payment_method: fields.charge.paymentMethod,
    reason: fields.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
}

/** The account object `GET /v1/account` returns. */
export function buildAccount(account: AccountRecord): Stripe.Account {
  const emptyRequirements = {
    alternatives: [],
    current_deadline: null,
    currently_due: [],
    disabled_reason: null,
    errors: [],
    eventually_due: [],
    past_due: [],
    pending_verification: [],
  };
  return {
    id: account.id,
    object: 'account',
    business_profile: {
      annual_revenue: null,
      estimated_worker_count: null,
      mcc: '5734',
      name: account.name,
      product_description: null,
      support_address: null,
      support_email: null,
      support_phone: null,
      support_url: null,
      url: null,
    } as Stripe.Account.BusinessProfile,
    business_type: 'company',
    capabilities: { card_payments: 'active', transfers: 'active' },
    charges_enabled: true,
    controller: { type: 'account' },
    country: 'US',
    created: account.created,
    default_currency: 'usd',
    details_submitted: true,
    email: null,
    external_accounts: { object: 'list', data: [], has_more: false, url: `/v1/accounts/${account.id}/external_accounts` },
    future_requirements: { ...emptyRequirements },
    metadata: {},
    payouts_enabled: true,
    requirements: { ...emptyRequirements },
    settings: {
      dashboard: { display_name: account.name, timezone: 'Etc/UTC' },
      payments: { statement_descriptor: null },
    } as Stripe.Account.Settings,
    tos_acceptance: { date: account.created, ip: null, user_agent: null },
    type: 'standard',
  };
}

/** The balance of one account and mode: succeeded charges minus refunds, per currency, held as pending. */
export function buildBalance(bucket: Bucket): Stripe.Balance {
  const pending = new Map<string, number>();
  for (const charge of bucket.charges.values()) {
    if (charge.failure) continue;
    pending.set(charge.currency, (pending.get(charge.currency) ?? 0) + charge.amount - charge.amountRefunded);
  }
  if (pending.size === 0) pending.set('usd', 0);
  const entries = [...pending].map(([currency, amount]) => ({ amount, currency, source_types: { card: amount } }));
  return {
    object: 'balance',
    available: entries.map((e) => ({ ...e, amount: 0, source_types: { card: 0 } })),
    connect_reserved: entries.map((e) => ({ amount: 0, currency: e.currency })),
    livemode: bucket.mode === 'live',
    pending: entries,
  };
}

/** A list envelope (`{ object: 'list', data, has_more, url }`). */
export function buildList<T>(url: string, data: T[], hasMore: boolean): Stripe.ApiList<T> {
  return { object: 'list', data, has_more: hasMore, url };
}
