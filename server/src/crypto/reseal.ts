import type { SealedValuesRepository } from '../storage/port';
import { bindingOf } from './bindings';
import { SealError, type Sealer } from './seal';

/**
 * Re-seals every stored secret under the sealer's current master key, in one transaction: boxes under a
 * previous key are opened for their binding (store, purpose from the column, row) and sealed again for the
 * same binding; current ones are left alone. Returns how many boxes were re-sealed. Throws, changing nothing,
 * if any box cannot be opened (naming its column and row), a v1 box the start-up upgrade refused included
 * (crypto/upgrade.ts: run it first); a value changed by the running server meanwhile makes it list and try again.
 */
export async function resealAll(sealed: SealedValuesRepository, sealer: Sealer): Promise<number> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const changes = (await sealed.list())
      .filter((v) => located(v, () => sealer.needsReseal(v.sealed)))
      .map((v) => ({
        table: v.table,
        column: v.column,
        rowId: v.rowId,
        from: v.sealed,
        to: located(v, () => sealer.seal(bindingOf(v), sealer.open(bindingOf(v), v.sealed))),
      }));
    if (changes.length === 0 || (await sealed.replace(changes))) return changes.length;
  }
  throw new Error('the sealed values kept changing during rotation; run it again');
}

/** Runs `work` on one stored value; a SealError gets the value's column and row appended. */
function located<T>(v: { table: string; column: string; rowId: string }, work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (err instanceof SealError) throw new SealError(`${err.message} (${v.table}.${v.column}, row ${v.rowId})`);
    throw err;
  }
}
