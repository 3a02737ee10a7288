// Everything the emulator remembers, in memory: accounts, keys, and per account-and-mode buckets of objects.
// Objects live in the bucket of the account and mode that made them, so another account's key or the other
// mode simply does not find them (404 resource_missing), as on Stripe.
import type Stripe from 'stripe';
import { randomToken } from './ids';
import type { Receipt } from './shipping';

/** An account's Stripe Tax settings in one mode (tax.ts renders them into `tax.settings`). */
export interface TaxSettingsRecord {
  headOffice: Stripe.Address | null;
  defaults: { tax_behavior: Stripe.Tax.Settings.Defaults.TaxBehavior | null; tax_code: string | null };
}

/** Test or live mode, decided by the key. */
export type Mode = 'test' | 'live';

/** Access levels a restricted key can grant on a resource. */
export type Access = 'none' | 'read' | 'write';

/** Resources a restricted key's permission set names. */
export type Resource = 'account' | 'balance' | 'payment_intents' | 'webhook_endpoints' | 'events' | 'refunds' | 'charges' | 'tax';

/** A restricted key's permission set; resources left out are 'none'. */
export type Permissions = Partial<Record<Resource, Access>>;

/** A key pair of one mode. */
export interface KeyPair {
  publishable: string;
  secret: string;
}

/** What `createAccount` hands back to tests. */
export interface AccountInfo {
  id: string;
  name: string;
  keys: Record<Mode, KeyPair>;
}

/** A known API key. */
export interface KeyRecord {
  key: string;
  accountId: string;
  mode: Mode;
  kind: 'publishable' | 'secret' | 'restricted';
  permissions?: Permissions;
  revoked: boolean;
}

/** A charge kept behind a PaymentIntent (the emulator's own record, rendered into `Stripe.Charge`). */
export interface ChargeRecord {
  id: string;
  paymentIntentId: string;
  amount: number;
  amountRefunded: number;
  currency: string;
  created: number;
  paid: boolean;
  failure?: { code: string; message: string };
  paymentMethod: string;
  /** Card details, or null for a SEPA Direct Debit charge (then `sepaDebit`). */
  card: { brand: string; last4: string; exp_month: number; exp_year: number; funding: string; country: string } | null;
  sepaDebit?: { bank_code: string; branch_code: string; country: string; fingerprint: string; last4: string; mandate: string | null };
}

/** A card PaymentMethod the emulator made from a test id or from card details. */
export interface PaymentMethodRecord {
  object: Stripe.PaymentMethod;
  outcome: import('./cards').CardOutcome;
}

/** Objects of one account in one mode. */
export interface Bucket {
  accountId: string;
  mode: Mode;
  paymentIntents: Map<string, Stripe.PaymentIntent>;
  charges: Map<string, ChargeRecord>;
  paymentMethods: Map<string, PaymentMethodRecord>;
  refunds: Map<string, Stripe.Refund>;
  events: Map<string, Stripe.Event>;
  webhookEndpoints: Map<string, Stripe.WebhookEndpoint & { secret: string }>;
  /** Stripe Tax (tax.ts): pending until a head office is set. */
  taxSettings: TaxSettingsRecord;
  taxCalculations: Map<string, { calculation: Stripe.Tax.Calculation; lines: Omit<Stripe.Tax.TransactionLineItem, 'id' | 'type' | 'livemode'>[] }>;
  taxTransactions: Map<string, Stripe.Tax.Transaction>;
}

/** An account: its public info and its two buckets. */
export interface AccountRecord extends AccountInfo {
  created: number;
  buckets: Record<Mode, Bucket>;
}

function emptyBucket(accountId: string, mode: Mode): Bucket {
  return {
    accountId,
    mode,
    paymentIntents: new Map(),
    charges: new Map(),
    paymentMethods: new Map(),
    refunds: new Map(),
    events: new Map(),
    webhookEndpoints: new Map(),
    taxSettings: { headOffice: null, defaults: { tax_behavior: null, tax_code: null } },
    taxCalculations: new Map(),
    taxTransactions: new Map(),
  };
}

/** The in-memory store of accounts and keys. */
export class EmulatorState {
  readonly accounts = new Map<string, AccountRecord>();
  readonly keys = new Map<string, KeyRecord>();
  /** What Stripe would email: one receipt per successful payment with a `receipt_email`, in order. */
  readonly receipts: Receipt[] = [];

  constructor(private readonly nowSeconds: () => number) {}

  /** Creates an account with test and live publishable and secret keys. */
  createAccount(name: string): AccountInfo {
    const id = `acct_1${randomToken(15)}`;
    const tail = id.slice(5, 15);
    const keys = {} as Record<Mode, KeyPair>;
    for (const mode of ['test', 'live'] as const) {
      keys[mode] = {
        publishable: `pk_${mode}_${tail}${randomToken(89)}`,
        secret: `sk_${mode}_${tail}${randomToken(89)}`,
      };
      this.addKey({ key: keys[mode].publishable, accountId: id, mode, kind: 'publishable', revoked: false });
      this.addKey({ key: keys[mode].secret, accountId: id, mode, kind: 'secret', revoked: false });
    }
    const buckets = { test: emptyBucket(id, 'test'), live: emptyBucket(id, 'live') };
    this.accounts.set(id, { id, name, keys, created: this.nowSeconds(), buckets });
    return { id, name, keys: structuredClone(keys) };
  }

  /** Adds a restricted key with the given permissions to an account. */
  createRestrictedKey(accountId: string, mode: Mode, permissions: Permissions): string {
    const account = this.accounts.get(accountId);
    if (!account) throw new Error(`stripe emulator: no account ${accountId}`);
    const key = `rk_${mode}_${accountId.slice(5, 15)}${randomToken(89)}`;
    this.addKey({ key, accountId, mode, kind: 'restricted', permissions: { ...permissions }, revoked: false });
    return key;
  }

  /** Revokes a key: every later request with it gets 401, like a key rolled in the Dashboard. */
  revokeKey(key: string): void {
    const record = this.keys.get(key);
    if (!record) throw new Error('stripe emulator: revokeKey got an unknown key');
    record.revoked = true;
  }

  /** Issues a new secret key for an account and mode and revokes the old one (a Dashboard "roll key"). */
  rollSecretKey(accountId: string, mode: Mode): string {
    const account = this.accounts.get(accountId);
    if (!account) throw new Error(`stripe emulator: no account ${accountId}`);
    this.revokeKey(account.keys[mode].secret);
    const key = `sk_${mode}_${accountId.slice(5, 15)}${randomToken(89)}`;
    this.addKey({ key, accountId, mode, kind: 'secret', revoked: false });
    account.keys[mode].secret = key;
    return key;
  }

  private addKey(record: KeyRecord): void {
    this.keys.set(record.key, record);
  }

  /** The bucket of an account in a mode. */
  bucket(accountId: string, mode: Mode): Bucket {
    const account = this.accounts.get(accountId);
    if (!account) throw new Error(`stripe emulator: no account ${accountId}`);
    return account.buckets[mode];
  }
}
