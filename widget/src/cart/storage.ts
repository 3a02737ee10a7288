/**
 * Remembers the cart id per store. localStorage can throw (Safari private mode, blocked third-party
 * storage, sandboxed frames), so every access is guarded and a plain in-memory value takes over.
 */

/** The part of the Web Storage API the cart uses. */
export interface KeyValue {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Where one store's cart id lives. */
export interface CartIdStore {
  get(): string | null;
  set(id: string): void;
  clear(): void;
}

/** Builds the cart id store for `storeId` over `storage` (usually localStorage), falling back to memory. */
export function createCartIdStore(storeId: string, storage: () => KeyValue | null): CartIdStore {
  const key = `checkout-best:cart:${storeId}`;
  let memory: string | null = null;
  const attempt = <T>(fn: (s: KeyValue) => T): T | undefined => {
    try {
      const s = storage();
      return s ? fn(s) : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    get: () => attempt((s) => s.getItem(key)) ?? memory,
    set(id) {
      memory = id;
      attempt((s) => s.setItem(key, id));
    },
    clear() {
      memory = null;
      attempt((s) => s.removeItem(key));
    },
  };
}
