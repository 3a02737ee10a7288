/**
 * The origin of the page that framed us, as the widget declared it (`parent_origin`), if it is one of the
 * store's allowed_origins; else null and the page posts nothing. A page lying about it gains nothing:
 * frame-ancestors limits framing to allowed origins and postMessage delivers only to the named origin.
 */
export function framingOrigin(store: { allowed_origins: string[] }, declared: unknown): string | null {
  return typeof declared === 'string' && store.allowed_origins.includes(declared) ? declared : null;
}
