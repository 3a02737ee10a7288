/** Turns a widget into `window.CheckoutBest`: callable (`CheckoutBest('add', id)`) and with methods. */
import { COMMANDS, type QueuedCall } from './loader';
import { warn } from './log';
import type { WidgetApi } from './widget';

/** The real `window.CheckoutBest` after the widget has loaded. */
export interface Facade {
  (command: string, ...args: unknown[]): Promise<unknown>;
  [method: string]: unknown;
}

/** Runs one command by name; unknown commands and throwing methods are logged, never thrown. */
export function dispatch(widget: WidgetApi, command: unknown, args: unknown[]): Promise<unknown> {
  if (typeof command !== 'string' || !(COMMANDS as readonly string[]).includes(command)) {
    warn(`unknown command "${String(command)}"; known commands: ${COMMANDS.join(', ')}`);
    return Promise.resolve(null);
  }
  try {
    const fn = widget[command as keyof WidgetApi] as (...a: unknown[]) => unknown;
    return Promise.resolve(fn(...args)).catch((err) => (warn(`${command} failed`, err), null));
  } catch (err) {
    warn(`${command} failed`, err);
    return Promise.resolve(null);
  }
}

/** Builds the facade for `widget`. */
export function createFacade(widget: WidgetApi): Facade {
  const facade = ((command: string, ...args: unknown[]) => dispatch(widget, command, args)) as Facade;
  // Every method answers with a promise, whether or not the widget has loaded (the stub does the same).
  for (const name of COMMANDS) facade[name] = (...args: unknown[]) => dispatch(widget, name, args);
  facade.version = '0.1.0';
  return facade;
}

/** Replays calls queued by the paste-in stub, settling each call's promise. */
export function drain(widget: WidgetApi, queue: QueuedCall[]): void {
  for (const [command, args, resolve] of queue) {
    void dispatch(widget, command, Array.isArray(args) ? args : []).then((v) => resolve?.(v));
  }
}
