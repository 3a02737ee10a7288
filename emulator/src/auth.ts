// Who is calling: the API key from `Authorization: Bearer …` (stripe-node), Basic auth (curl -u) or the `key`
// form field (how Stripe.js sends its publishable key), resolved to an account, a mode and a key kind.
import type { IncomingHttpHeaders } from 'node:http';
import { invalidApiKey, missingApiKey, permissionDenied, publishableKeyRefused } from './errors';
import type { Params } from './form';
import type { AccountRecord, Bucket, EmulatorState, KeyRecord, Resource } from './state';

/** The authenticated caller of one request. */
export interface Caller {
  key: KeyRecord;
  account: AccountRecord;
  bucket: Bucket;
  livemode: boolean;
}

/** What an endpoint needs: a secret (or restricted) key, or also accepts a publishable key (+ client_secret). */
export type KeyNeed = 'secret' | 'publishable';

/** The permission a restricted key must hold for an endpoint. */
export interface PermissionNeed {
  resource: Resource;
  access: 'read' | 'write';
}

/** The API key a request carries, if any. */
export function readApiKey(headers: IncomingHttpHeaders, params: Params): string | undefined {
  const header = headers.authorization;
  if (header) {
    const [scheme, value = ''] = header.split(' ', 2);
    if (/^bearer$/i.test(scheme)) return value.trim();
    if (/^basic$/i.test(scheme)) return Buffer.from(value, 'base64').toString('utf8').replace(/:.*$/s, '');
    return header.trim();
  }
  return typeof params.key === 'string' ? params.key : undefined;
}

/** Resolves a key to its caller or throws Stripe's 401. */
export function authenticate(state: EmulatorState, key: string | undefined): Caller {
  if (!key) throw missingApiKey();
  const record = state.keys.get(key);
  if (!record || record.revoked) throw invalidApiKey(key);
  const account = state.accounts.get(record.accountId);
  if (!account) throw invalidApiKey(key);
  return { key: record, account, bucket: account.buckets[record.mode], livemode: record.mode === 'live' };
}

// Stripe's permission names for the resources a restricted key can be granted.
const PERMISSION_NAMES: Record<Resource, string> = {
  account: 'rak_account',
  balance: 'rak_balance',
  payment_intents: 'rak_payment_intent',
  webhook_endpoints: 'rak_webhook',
  events: 'rak_event',
  refunds: 'rak_refund',
  charges: 'rak_charge',
  tax: 'rak_tax',
};

/** Throws unless the caller's key may use an endpoint with these needs. */
export function authorize(caller: Caller, need: KeyNeed, permission: PermissionNeed | undefined): void {
  const { key } = caller;
  if (key.kind === 'publishable') {
    if (need !== 'publishable') throw publishableKeyRefused();
    return;
  }
  if (key.kind !== 'restricted' || !permission) return;
  const granted = key.permissions?.[permission.resource] ?? 'none';
  const enough = granted === 'write' || (granted === 'read' && permission.access === 'read');
  if (!enough) {
    const name = `${PERMISSION_NAMES[permission.resource]}_${permission.access}`;
    throw permissionDenied(key.key, key.accountId, name);
  }
}
