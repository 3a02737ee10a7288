/**
 * Texts of the cart widget, per language. Product names come from the server and are never translated.
 * The widget ships English and German (every language costs ~0.5 KB gzip of the 12 KB budget); the
 * checkout page, which has more room, adds French. A missing language falls back to English.
 */
import type { Language } from './index';

const en = {
  cart: 'Your cart',
  openCart: 'Open cart',
  cartCount: '{n} items in cart',
  cartCountOne: '1 item in cart',
  close: 'Close',
  empty: 'Your cart is empty',
  emptyHint: 'Items you add will show up here.',
  subtotal: 'Subtotal',
  note: 'Taxes included. Secure payment by Stripe.',
  shipAtCheckout: 'Shipping calculated at checkout.',
  freeShipLeft: 'Add {amount} for free shipping.',
  checkout: 'Checkout',
  remove: 'Remove',
  removeItem: 'Remove {name} from cart',
  decrease: 'Decrease quantity of {name}',
  increase: 'Increase quantity of {name}',
  quantityOf: 'Quantity of {name}',
  each: '{price} each',
  added: '{name} added to cart. {n} items in cart.',
  removed: '{name} removed from cart.',
  updated: 'Cart updated. {n} items in cart.',
  loading: 'Loading your cart…',
  retry: 'Try again',
  checkoutTitle: 'Secure checkout',
  openNewTab: 'Open in a new tab',
  adminTitle: 'Connect payments',
  connected: 'Stripe connected.',
  error_store_not_connected: 'Store not connected to Stripe. The shop cannot take payments yet.',
  error_network_error: 'Could not reach the store. Check your connection.',
  error_product_not_found: 'This product is not available any more.',
  error_cart_empty: 'Your cart is empty.',
  error_default: 'Something went wrong. Please try again.',
};

/** The keys every language provides. */
export type WidgetText = typeof en;

const de: WidgetText = {
  cart: 'Ihr Warenkorb',
  openCart: 'Warenkorb öffnen',
  cartCount: '{n} Artikel im Warenkorb',
  cartCountOne: '1 Artikel im Warenkorb',
  close: 'Schließen',
  empty: 'Ihr Warenkorb ist leer',
  emptyHint: 'Hinzugefügte Artikel erscheinen hier.',
  subtotal: 'Zwischensumme',
  note: 'Inklusive Steuern. Sichere Zahlung über Stripe.',
  shipAtCheckout: 'Versand wird an der Kasse berechnet.',
  freeShipLeft: 'Noch {amount} bis zum Gratisversand.',
  checkout: 'Zur Kasse',
  remove: 'Entfernen',
  removeItem: '{name} aus dem Warenkorb entfernen',
  decrease: 'Menge von {name} verringern',
  increase: 'Menge von {name} erhöhen',
  quantityOf: 'Menge von {name}',
  each: 'je {price}',
  added: '{name} wurde hinzugefügt. {n} Artikel im Warenkorb.',
  removed: '{name} wurde entfernt.',
  updated: 'Warenkorb aktualisiert. {n} Artikel im Warenkorb.',
  loading: 'Warenkorb wird geladen…',
  retry: 'Erneut versuchen',
  checkoutTitle: 'Sichere Kasse',
  openNewTab: 'In neuem Tab öffnen',
  adminTitle: 'Zahlungen verbinden',
  connected: 'Stripe ist verbunden.',
  error_store_not_connected: 'Shop nicht mit Stripe verbunden. Zahlungen sind noch nicht möglich.',
  error_network_error: 'Der Shop ist nicht erreichbar. Prüfen Sie Ihre Verbindung.',
  error_product_not_found: 'Dieses Produkt ist nicht mehr verfügbar.',
  error_cart_empty: 'Ihr Warenkorb ist leer.',
  error_default: 'Etwas ist schiefgelaufen. Bitte erneut versuchen.',
};

/** The widget texts for `lang`. */
export const widgetText: Partial<Record<Language, WidgetText>> = { en, de };

/** The text to show for an API error: ours for known codes, else the server's own message. */
export function errorText(t: WidgetText, code: string, serverMessage: string): string {
  const known = (t as Record<string, string>)['error_' + code];
  if (known) return known;
  // `http_503` and the like: no JSON answer (a proxy or a server down), so "Request failed (503)" would mean nothing to a shopper.
  return (!code.startsWith('http_') && serverMessage) || t.error_default;
}
