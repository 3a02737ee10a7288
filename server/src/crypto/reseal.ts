import type { SealedValuesRepository } from '../storage/port';
import type { Sealer } from './seal';

/**
 * Re-seals every stored secret under the sealer's current master key, in one transaction: boxes under a
 * previous key are opened (the store id inside is checked) and sealed again; current ones are left alone.
 * Returns how many boxes were re-sealed. Throws, changing nothing, if any box cannot be opened; a value
 * changed by the running server meanwhile makes it list and try again.
 */
export async function resealAll(sealed: SealedValuesRepository, sealer: Sealer): Promise<number> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const changes = (await sealed.list())
      .filter((v) => sealer.needsReseal(v.sealed))
      .map((v) => ({ table: v.table, column: v.column, rowId: v.rowId, from: v.sealed, to: sealer.seal(v.storeId, sealer.open(v.storeId, v.sealed)) }));
    if (changes.length === 0 || (await sealed.replace(changes))) return changes.length;
  }
  throw new Error('the sealed values kept changing during rotation; run it again');
}
