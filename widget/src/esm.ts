/**
 * widget.mjs: the ESM build for single-page apps. `init({ storeId })` mounts the widget and returns
 * its API; `baseUrl` defaults to the server this module was loaded from.
 */
import { warn } from './log';
import { createWidget, type WidgetApi, type WidgetOptions } from './widget';

export type { WidgetApi, WidgetOptions } from './widget';
export type { Cart, CartItem } from './net/client';
export type { EventName, WidgetEvents, WidgetListener } from './events';
export type { Order, Amounts, Customer, Shipping, Address } from '../../server/src/wire';

/** Options for `init`; like the script tag's data attributes. */
export type InitOptions = Omit<WidgetOptions, 'baseUrl'> & { baseUrl?: string };

const noop: WidgetApi = {
  add: () => Promise.resolve(null),
  open() {},
  close() {},
  getCart: () => Promise.resolve(null),
  checkout: () => Promise.resolve(null),
  on() {},
  off() {},
  openAdmin() {},
  destroy() {},
};

/** Mounts the widget; on bad options it logs and returns an API whose methods do nothing. */
export function init(options: InitOptions): WidgetApi {
  try {
    if (!options?.storeId) throw new Error('init() needs { storeId }');
    const baseUrl = options.baseUrl ?? import.meta.url.replace(/\/(assets\/)?widget[^/]*\.m?js([?#].*)?$/, '');
    return createWidget({ ...options, baseUrl });
  } catch (err) {
    warn('could not start', err);
    return noop;
  }
}
