/**
 * Money is integer minor units everywhere; only this file turns it into text. Intl knows how many
 * fraction digits each currency has (2 for EUR, 0 for JPY, 3 for KWD), so amounts stay exact.
 */

/** A currency formatter for the shopper's locale; a bad locale tag from the page falls back to English. */
function formatterFor(currency: string, locale: string): Intl.NumberFormat {
  const options: Intl.NumberFormatOptions = { style: 'currency', currency };
  try {
    return new Intl.NumberFormat(locale, options);
  } catch {
    return new Intl.NumberFormat('en', options);
  }
}

/** How many minor units make one major unit of `currency` (100 for EUR, 1 for JPY). */
export function minorUnitFactor(currency: string): number {
  return 10 ** formatterFor(currency, 'en').resolvedOptions().maximumFractionDigits!;
}

/**
 * Formats an integer amount of minor units in the store's currency for the shopper's locale. A drawer formats a
 * few amounts per change, so formatters are made as needed rather than cached.
 */
export function formatMoney(amount: number, currency: string, locale: string): string {
  if (!Number.isFinite(amount) || !currency) return '';
  const f = formatterFor(currency, locale);
  return f.format(amount / 10 ** f.resolvedOptions().maximumFractionDigits!);
}
