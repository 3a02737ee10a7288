/**
 * Texts of the hosted checkout page that checkout.js shows (it imports them through
 * widget/src/i18n/checkout.ts); the server's shell uses some of them too (title, loading line, "Back to
 * the store"). Bundled into checkout.js: plain data, no imports but types, and only texts the bundle shows;
 * those of the pages only the server renders are in ./checkout-page.ts.
 */
import type { Language } from './index';

const en = {
  title: 'Checkout',
  summary: 'Order summary',
  qty: 'Qty {n}',
  total: 'Total',
  pay: 'Pay {amount}',
  processing: 'Processing…',
  loading: 'Loading secure checkout…',
  testMode: 'Test mode',
  testHint: 'No real money moves. Use any future date and any CVC.',
  cardOk: 'Payment succeeds',
  cardDeclined: 'Card declined',
  cardFunds: 'Insufficient funds',
  secure: 'Payments are processed by Stripe. Your card details are never shared with the store.',
  thanks: 'Thank you! Your payment was received.',
  receiptFor: 'Receipt from {store}',
  order: 'Order',
  paid: 'Amount paid',
  continue: 'Continue shopping',
  backToStore: 'Back to the store',
  loadError: 'We could not load this checkout.',
  startAgain: 'Start again',
  error_checkout_superseded: 'This checkout was replaced by a newer one, probably in another tab or window. Nothing was charged here. Finish paying there, or start again from your cart.',
  error_checkout_mode_changed: 'The store changed its payment settings while you were checking out. Nothing was charged. Please start again from your cart.',
  error_payment_in_progress: 'A payment for this cart is already being processed in another tab or window. Please wait a moment for it to finish before paying again.',
};

/** The keys every language provides. */
export type CheckoutText = typeof en;

const de: CheckoutText = {
  title: 'Kasse',
  summary: 'Bestellübersicht',
  qty: 'Menge {n}',
  total: 'Gesamt',
  pay: '{amount} bezahlen',
  processing: 'Wird verarbeitet…',
  loading: 'Sichere Kasse wird geladen…',
  testMode: 'Testmodus',
  testHint: 'Es fließt kein echtes Geld. Beliebiges künftiges Datum und beliebige Prüfnummer.',
  cardOk: 'Zahlung klappt',
  cardDeclined: 'Karte abgelehnt',
  cardFunds: 'Deckung unzureichend',
  secure: 'Zahlungen laufen über Stripe. Ihre Kartendaten erhält der Shop nie.',
  thanks: 'Vielen Dank! Ihre Zahlung ist eingegangen.',
  receiptFor: 'Beleg von {store}',
  order: 'Bestellung',
  paid: 'Bezahlt',
  continue: 'Weiter einkaufen',
  backToStore: 'Zurück zum Shop',
  loadError: 'Der Bezahlvorgang konnte nicht geladen werden.',
  startAgain: 'Neu beginnen',
  error_checkout_superseded: 'Dieser Bezahlvorgang wurde durch einen neueren ersetzt, vermutlich in einem anderen Tab oder Fenster. Hier wurde nichts abgebucht. Bezahlen Sie dort oder beginnen Sie neu im Warenkorb.',
  error_checkout_mode_changed: 'Der Shop hat während Ihres Bezahlvorgangs seine Zahlungseinstellungen geändert. Es wurde nichts abgebucht. Bitte beginnen Sie neu im Warenkorb.',
  error_payment_in_progress: 'Eine Zahlung für diesen Warenkorb wird gerade in einem anderen Tab oder Fenster verarbeitet. Bitte warten Sie kurz, bis sie abgeschlossen ist, bevor Sie erneut bezahlen.',
};

const fr: CheckoutText = {
  title: 'Paiement',
  summary: 'Récapitulatif',
  qty: 'Qté {n}',
  total: 'Total',
  pay: 'Payer {amount}',
  processing: 'Traitement…',
  loading: 'Chargement du paiement sécurisé…',
  testMode: 'Mode test',
  testHint: 'Aucun argent réel. Date future et CVC au choix.',
  cardOk: 'Paiement accepté',
  cardDeclined: 'Carte refusée',
  cardFunds: 'Fonds insuffisants',
  secure: 'Les paiements sont traités par Stripe. La boutique ne voit jamais vos données de carte.',
  thanks: 'Merci ! Votre paiement a bien été reçu.',
  receiptFor: 'Reçu de {store}',
  order: 'Commande',
  paid: 'Montant payé',
  continue: 'Continuer vos achats',
  backToStore: 'Retour à la boutique',
  loadError: 'Impossible de charger ce paiement.',
  startAgain: 'Recommencer',
  error_checkout_superseded: 'Ce paiement a été remplacé par un plus récent, sans doute dans un autre onglet ou une autre fenêtre. Rien n’a été débité ici. Terminez le paiement là-bas ou recommencez depuis votre panier.',
  error_checkout_mode_changed: 'La boutique a modifié ses réglages de paiement pendant votre commande. Rien n’a été débité. Veuillez recommencer depuis votre panier.',
  error_payment_in_progress: 'Un paiement pour ce panier est déjà en cours dans un autre onglet ou une autre fenêtre. Patientez un instant avant de payer à nouveau.',
};

/** The checkout page texts for `lang`. */
export const checkoutText: Record<Language, CheckoutText> = { en, de, fr };
