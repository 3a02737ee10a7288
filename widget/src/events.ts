/** A tiny event emitter for the public JS API; a throwing listener is logged, never rethrown. */
import type { Order } from '../../server/src/wire';
import { warn } from './log';
import type { Cart } from './net/client';

/** The events a page can listen to with `CheckoutBest.on(...)`. */
export const EVENTS = ['cart:updated', 'checkout:opened', 'checkout:completed', 'checkout:failed', 'stripe:connected'] as const;
/** One of EVENTS. */
export type EventName = (typeof EVENTS)[number];
/** A page's event callback. */
export type Listener = (payload: unknown) => void;

/** Each event's payload, as a page's listener receives it (the typings of `CheckoutBest.on`). */
export interface WidgetEvents {
  /** The cart as the server answered it; null once it was paid and forgotten. */
  'cart:updated': Cart | null;
  'checkout:opened': { url: string; expires_at: string };
  /** The recorded order: items, amounts, customer and shipping. */
  'checkout:completed': Order;
  'checkout:failed': { code: string; message: string };
  'stripe:connected': { store_id: string; is_live_mode: boolean };
}

/** A listener of one event, typed by its payload. */
export type WidgetListener<E extends EventName> = (payload: WidgetEvents[E]) => void;

/** The emitter behind `on`/`off`. */
export interface Emitter {
  on(event: string, fn: Listener): void;
  off(event: string, fn?: Listener): void;
  emit(event: EventName, payload: unknown): void;
}

/** Builds an emitter that warns about unknown event names instead of silently ignoring them. */
export function createEmitter(): Emitter {
  const map = new Map<string, Set<Listener>>();
  const known = (event: string) => {
    if ((EVENTS as readonly string[]).includes(event)) return true;
    warn(`unknown event "${event}"; known events: ${EVENTS.join(', ')}`);
    return false;
  };
  return {
    on(event, fn) {
      if (!known(event) || typeof fn !== 'function') return;
      if (!map.has(event)) map.set(event, new Set());
      map.get(event)!.add(fn);
    },
    off(event, fn) {
      if (!fn) map.delete(event);
      else map.get(event)?.delete(fn);
    },
    emit(event, payload) {
      for (const fn of [...(map.get(event) ?? [])]) {
        try {
          fn(payload);
        } catch (err) {
          warn(`a "${event}" listener threw`, err);
        }
      }
    },
  };
}
