/** A product as the platform keeps it. */
export interface PlatformProduct {
  id: string;
  name: string;
  unit_amount: number;
  currency: string;
}

/** A store as the platform (BMOS) keeps it; `checkout_best_store_id` links it to checkout-best. */
export interface PlatformStore {
  id: string;
  name: string;
  checkout_best_store_id: string;
  currency: string;
  allowed_origins: string[];
  products: PlatformProduct[];
}

/** The platform's own records; in memory here, a real platform has its database. */
export class StoreBook {
  private readonly stores = new Map<string, PlatformStore>();

  /** Every store, oldest first. */
  all(): PlatformStore[] {
    return [...this.stores.values()];
  }

  /** One store, or undefined. */
  get(id: string): PlatformStore | undefined {
    return this.stores.get(id);
  }

  /** Inserts or replaces a store. */
  save(store: PlatformStore): void {
    this.stores.set(store.id, store);
  }
}

/** '12.50' → 1250; null for anything that is not a positive amount with at most two decimals. */
export function toMinorUnits(price: string): number | null {
  const m = /^\s*(\d{1,7})(?:[.,](\d{1,2}))?\s*$/.exec(price);
  if (!m) return null;
  const amount = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return amount > 0 ? amount : null;
}

/** A product id from its name: lower-case words joined by dashes. */
export function slugify(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'product'
  );
}
