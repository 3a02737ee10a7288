/**
 * The start-up upgrade of sealed values from box version 1 to version 2 (crypto/seal.ts).
 *
 * v1 boxes bind only their store: inside one store, a secret key box opened just as well in a checkout's
 * client_secret column, where the public payment-intent endpoint answered it. v2 boxes bind store, purpose
 * and row. The SQL migrations cannot re-seal (they have no master key), so every process that holds the key
 * and serves or rotates runs this before anything else: the server before it listens and starts its sweep
 * (main.ts), and `npm run rotate-master-key`. It re-seals, in one transaction, each v1 box that proves where it
 * belongs, and leaves the others alone, logged; `Sealer.open` refuses v1 boxes in every process, always.
 *
 * Why this cannot be used to get around the binding (the attacker can write the database, including boxes
 * copied from older backups, but has no master key, so can move, copy and relabel boxes but not make or change
 * one):
 *
 * 1. No window. `open` never accepts v1, so there is no time (before the upgrade, during it, in a CLI that did
 *    not run it) in which a v1 box opens for a request. A v1 box planted at any moment is refused wherever it is.
 * 2. No relabelling. A v2 box relabelled `v1.` is tried under the master key itself, but it was sealed under a
 *    subkey derived from the master key and its binding, so it fails authentication; a v1 box relabelled `v2.`
 *    fails the same way under the subkey. Nobody can make a v2 box out of a v1 one but this upgrade.
 * 3. No laundering. A v1 box proves its store (the store id inside is checked against the row's store); its
 *    purpose and row cannot be read from the box, only from the value in it, so the upgrade checks that value:
 *    - `stripe_connections.secret_key_sealed`: a Stripe secret or restricted key (`sk_…`/`rk_…`); the row is the
 *      store, already proven;
 *    - `stripe_connections.webhook_secret_sealed`: a webhook signing secret (`whsec_…`); the row is the store;
 *    - `checkouts.sealed_client_secret`: exactly the client_secret of this session's own PaymentIntent
 *      (`<its payment_intent_id>_secret_…`), which proves both purpose and row.
 *    The three shapes are disjoint, so a value moved into another column fails, and a client_secret moved into
 *    another session's row fails on the intent id. A box that fails stays v1, so stays refused, whatever later
 *    starts do: a secret key in a client_secret column is never answered, the session gets its real
 *    client_secret from Stripe again (payments/payment.ts), a broken connection column makes the store "not
 *    connected" until the merchant connects again.
 *
 * What remains is what no binding prevents, v2 included: putting back an older box of the very same place (the
 * store's previous key or webhook secret, from a backup). That is a rollback, not a leak: it answers nothing to
 * anyone who could not have had it in that place.
 *
 * Why not let `open` accept v1 until the upgrade has run (and record that in a migration): that window is the
 * attack itself, and a v1 box copied from a backup would reopen it. Refusing v1 outright needs no marker, and
 * running the upgrade again at every start is safe by (3): a backup restored later is upgraded at its next start.
 *
 * Boxes under a master key this process does not know are reported and left as they are: the server still
 * starts (other stores keep working); add the key to MASTER_KEYS_PREVIOUS and start again to upgrade them.
 */
import type { AppDeps } from '../deps';
import type { SealedValue, SealedValueRef } from '../storage/port';
import { bindingOf } from './bindings';
import { boxVersion, SealError } from './seal';

/** A v1 box the upgrade left alone, and why (never the value). */
export interface RefusedBox extends SealedValueRef {
  storeId: string;
  reason: string;
}

/** What one upgrade did. */
export interface UpgradeReport {
  /** v1 boxes re-sealed as v2. */
  upgraded: number;
  /** v1 boxes left as they are (refused by `open`). */
  refused: RefusedBox[];
}

type UpgradeDeps = Pick<AppDeps, 'storage' | 'sealer' | 'logger'>;

const SECRET_KEY = /^(?:sk|rk)_(?:test|live)_\S+$/;
const WEBHOOK_SECRET = /^whsec_\S+$/;
const PAYMENT_INTENT_ID = /^pi_[A-Za-z0-9]+$/;

/**
 * Re-seals as v2, under the current master key, every v1 box whose value proves its place; one transaction
 * (a value changed meanwhile by another process makes it list and try again). Logs each box it leaves alone.
 */
export async function upgradeSealedValues(deps: UpgradeDeps): Promise<UpgradeReport> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const refused: RefusedBox[] = [];
    const changes: (SealedValueRef & { from: string; to: string })[] = [];
    for (const v of await deps.storage.sealed.list()) {
      if (!isVersion1(v.sealed)) continue;
      let value: string;
      try {
        value = deps.sealer.openVersion1(v.storeId, v.sealed);
      } catch (err) {
        refused.push(refusal(v, err instanceof SealError ? err.message : 'box could not be opened'));
        continue;
      }
      const wrong = await misplaced(deps, v, value);
      if (wrong) {
        refused.push(refusal(v, wrong));
        continue;
      }
      changes.push({ table: v.table, column: v.column, rowId: v.rowId, from: v.sealed, to: deps.sealer.seal(bindingOf(v), value) });
    }
    if (changes.length === 0 || (await deps.storage.sealed.replace(changes))) {
      for (const r of refused) {
        deps.logger.warn(
          { table: r.table, column: r.column, row_id: r.rowId, store_id: r.storeId, reason: r.reason },
          'sealed value not upgraded: it stays v1 and is refused',
        );
      }
      if (changes.length > 0 || refused.length > 0) {
        deps.logger.info({ upgraded: changes.length, refused: refused.length }, 'upgraded v1 sealed values to v2 (bound to store, purpose and row)');
      }
      return { upgraded: changes.length, refused };
    }
  }
  throw new Error('the sealed values kept changing during the v1 upgrade; start again');
}

/** Why a v1 box's value does not belong where it is stored, or null when it does. */
async function misplaced(deps: UpgradeDeps, v: SealedValue, value: string): Promise<string | null> {
  switch (v.column) {
    case 'secret_key_sealed':
      if (v.rowId !== v.storeId) return 'the row is not the store';
      return SECRET_KEY.test(value) ? null : 'the value is not a Stripe secret or restricted key';
    case 'webhook_secret_sealed':
      if (v.rowId !== v.storeId) return 'the row is not the store';
      return WEBHOOK_SECRET.test(value) ? null : 'the value is not a webhook signing secret';
    case 'secret_sealed':
    case 'previous_secret_sealed':
      return 'webhook endpoint secrets were never sealed as v1';
    case 'sealed_client_secret': {
      const checkout = await deps.storage.checkouts.get(v.rowId);
      if (!checkout || checkout.store_id !== v.storeId) return 'the session is gone or belongs to another store';
      const pi = checkout.payment_intent_id;
      if (!pi || !PAYMENT_INTENT_ID.test(pi)) return 'the session has no PaymentIntent';
      return value.startsWith(`${pi}_secret_`) && value.length > pi.length + 8 ? null : "the value is not this session's client_secret";
    }
  }
}

function isVersion1(sealed: string): boolean {
  try {
    return boxVersion(sealed) === 'v1';
  } catch {
    return false;
  }
}

function refusal(v: SealedValue, reason: string): RefusedBox {
  return { table: v.table, column: v.column, rowId: v.rowId, storeId: v.storeId, reason };
}
