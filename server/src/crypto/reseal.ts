import type { StoresRepository } from '../storage';
import type { Sealer } from './seal';

/**
 * Re-seals every stored secret under the sealer's current master key, in one transaction: boxes under a
 * previous key are opened (the store id inside is checked) and sealed again; current ones are left alone.
 * Returns how many boxes were re-sealed. Throws, changing nothing, if any box cannot be opened.
 */
export function resealAll(stores: StoresRepository, sealer: Sealer): number {
  return stores.resealAll((storeId, sealed) =>
    sealer.needsReseal(sealed) ? sealer.seal(storeId, sealer.open(storeId, sealed)) : null,
  );
}
