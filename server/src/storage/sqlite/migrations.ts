import {
  cartVersionColumn,
  claimsAndLeasesSchema,
  checkoutsByCartIndex,
  retiredConnectionsSchema,
  checkoutSupersededColumn,
  paymentsSchema,
  sealedClientSecretColumn,
  shippingColumns,
  intentChecksColumns,
  budgetsSchema,
} from './payments-schema';
import { storesSchema } from './stores-schema';
import { migrationsFor } from '../db/migrations';

/**
 * Schema migrations, applied in order once each. Never edit a shipped migration: add a new one.
 * Each concern owns its own entries (stores/keys first, then the payment flow).
 */
export interface Migration {
  id: string;
  sql: string;
}

export const migrations: Migration[] = [
  // Stores, their sealed Stripe connections, audit trail and burnt connect links; see stores-schema.ts.
  { id: '001_stores', sql: storesSchema },
];

// The payment flow's tables (catalog, carts, checkouts, orders, webhook events); see payments-schema.ts.
migrations.push({ id: '002_payments', sql: paymentsSchema });
migrations.push({ id: '003_checkouts_by_cart', sql: checkoutsByCartIndex });
migrations.push({ id: '004_sealed_client_secret', sql: sealedClientSecretColumn });
migrations.push({ id: '005_checkout_superseded', sql: checkoutSupersededColumn });
migrations.push({ id: '006_cart_version', sql: cartVersionColumn });
migrations.push({ id: '007_retired_connections', sql: retiredConnectionsSchema });
migrations.push({ id: '008_claims_and_leases', sql: claimsAndLeasesSchema });
migrations.push({ id: '009_shipping', sql: shippingColumns });
migrations.push({ id: '010_intent_checks', sql: intentChecksColumns });
migrations.push({ id: '011_budgets', sql: budgetsSchema });
// From 012 on, one set for both engines (db/migrations.ts).
migrations.push(...migrationsFor('sqlite'));
