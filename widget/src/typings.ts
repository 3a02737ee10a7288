/**
 * The typings of the widget's JavaScript API, bundled into dist/widget.d.ts by `npm run build`: `init()` and
 * the API it returns (widget.mjs), and `window.CheckoutBest` of the script tag, whose methods answer with
 * promises whether or not widget.js has loaded yet (the stub queues the calls). Nothing here is bundled.
 */
import type { EventName, WidgetListener } from './events';
import type { Cart, CheckoutSession } from './net/client';

export * from './esm';
export type { CheckoutSession } from './net/client';

/** `window.CheckoutBest`: callable by command name (`CheckoutBest('add', 'tee')`) and with one method per command. */
export interface CheckoutBestGlobal {
  (command: string, ...args: unknown[]): Promise<unknown>;
  add(productId: string, quantity?: number): Promise<Cart | null>;
  open(): Promise<void>;
  close(): Promise<void>;
  getCart(): Promise<Cart | null>;
  checkout(): Promise<CheckoutSession | null>;
  on<E extends EventName>(event: E, fn: WidgetListener<E>): Promise<void>;
  off<E extends EventName>(event: E, fn?: WidgetListener<E>): Promise<void>;
  openAdmin(options: { connectUrl: string }): Promise<void>;
  destroy(): Promise<void>;
}

declare global {
  interface Window {
    /** Present once the script tag's stub (or widget.js) has run. */
    CheckoutBest?: CheckoutBestGlobal;
  }
}
