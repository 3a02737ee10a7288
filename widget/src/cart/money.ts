/**
 * Money is integer minor units everywhere; only this file turns it into text. Intl knows how many
 * fraction digits each currency has (2 for EUR, 0 for JPY, 3 for KWD), so amounts stay exact.
 */
const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(currency: string, locale: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let f = formatters.get(key);
  if (!f) {
    const options: Intl.NumberFormatOptions = { style: 'currency', currency: currency.toUpperCase() };
    try {
      f = new Intl.NumberFormat(locale, options);
    } catch {
      // A bad locale tag from the page must not break the cart: fall back to English.
      f = new Intl.NumberFormat('en', options);
    }
    formatters.set(key, f);
  }
  return f;
}

/** How many minor units make one major unit of `currency` (100 for EUR, 1 for JPY). */
export function minorUnitFactor(currency: string): number {
  const digits = formatterFor(currency, 'en').resolvedOptions().maximumFractionDigits ?? 2;
  return 10 ** digits;
}

/** Formats an integer amount of minor units in the store's currency for the shopper's locale. */
export function formatMoney(amount: number, currency: string, locale: string): string {
  if (!Number.isFinite(amount) || !currency) return '';
  return formatterFor(currency, locale).format(amount / minorUnitFactor(currency));
}
