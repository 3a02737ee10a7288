/** Every console line the widget writes carries this prefix so merchants can filter it. */
export const PREFIX = '[checkout-best]';

/** Logs a warning; never throws, even when the page replaced `console`. */
export function warn(...args: unknown[]): void {
  try {
    console.warn(PREFIX, ...args);
  } catch {
    /* a page without console must not break us */
  }
}
