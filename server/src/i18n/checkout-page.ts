/**
 * The texts of the checkout page the server renders on its own: the checkout texts (./checkout.ts, shared
 * with checkout.js) plus those of the "expired" and "not found" pages, which checkout.js never shows and
 * so does not carry. Server only: nothing in widget/ imports this file.
 */
import { checkoutText, type CheckoutText } from './checkout';
import type { Language } from './index';

const en = {
  expiredTitle: 'This checkout has expired',
  expiredText: 'Checkout links are valid for a limited time. Go back to the store and check out again, your cart is still there.',
  notFoundTitle: 'Checkout not found',
  notFoundText: 'This checkout link is not valid. Go back to the store and start the checkout again.',
};

/** The keys only the server-rendered pages use. */
type PageOnlyText = typeof en;

const de: PageOnlyText = {
  expiredTitle: 'Dieser Bezahlvorgang ist abgelaufen',
  expiredText: 'Bezahllinks gelten nur begrenzt. Kehren Sie zum Shop zurück und gehen Sie erneut zur Kasse, Ihr Warenkorb ist noch da.',
  notFoundTitle: 'Bezahlvorgang nicht gefunden',
  notFoundText: 'Dieser Link ist ungültig. Kehren Sie zum Shop zurück und starten Sie den Bezahlvorgang erneut.',
};

const fr: PageOnlyText = {
  expiredTitle: 'Ce paiement a expiré',
  expiredText: 'Les liens de paiement ont une durée limitée. Retournez à la boutique et relancez le paiement, votre panier est conservé.',
  notFoundTitle: 'Paiement introuvable',
  notFoundText: 'Ce lien de paiement n’est pas valide. Retournez à la boutique et relancez le paiement.',
};

/** Every text of the server-rendered checkout pages. */
export type CheckoutPageText = CheckoutText & PageOnlyText;

/** The server-rendered checkout pages' texts for `lang`. */
export const checkoutPageText: Record<Language, CheckoutPageText> = {
  en: { ...checkoutText.en, ...en },
  de: { ...checkoutText.de, ...de },
  fr: { ...checkoutText.fr, ...fr },
};
