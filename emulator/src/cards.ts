// Stripe's test cards, by card number (what the Stripe.js double sends) and by test PaymentMethod id
// (what server-side code passes as `payment_method`). Messages are Stripe's documented decline texts.

/** What happens when a PaymentIntent is confirmed with a card. */
export type CardOutcome =
  | { kind: 'succeed' }
  | { kind: 'three_d_secure' }
  /** A delayed method (SEPA Direct Debit): `processing` until the emulator-only settle control decides. */
  | { kind: 'processing' }
  | { kind: 'decline'; code: string; declineCode?: string; message: string; param?: string };

/** A known test card. */
export interface TestCard {
  number: string;
  paymentMethod: string;
  brand: string;
  funding: string;
  outcome: CardOutcome;
}

const DECLINED = 'Your card was declined.';

function decline(code: string, message: string, declineCode?: string, param?: string): CardOutcome {
  return { kind: 'decline', code, message, declineCode, param };
}

/** Every test card the emulator knows. */
export const TEST_CARDS: readonly TestCard[] = [
  { number: '4242424242424242', paymentMethod: 'pm_card_visa', brand: 'visa', funding: 'credit', outcome: { kind: 'succeed' } },
  { number: '4000056655665556', paymentMethod: 'pm_card_visa_debit', brand: 'visa', funding: 'debit', outcome: { kind: 'succeed' } },
  { number: '5555555555554444', paymentMethod: 'pm_card_mastercard', brand: 'mastercard', funding: 'credit', outcome: { kind: 'succeed' } },
  { number: '378282246310005', paymentMethod: 'pm_card_amex', brand: 'amex', funding: 'credit', outcome: { kind: 'succeed' } },
  {
    number: '4000000000000002',
    paymentMethod: 'pm_card_chargeDeclined',
    brand: 'visa',
    funding: 'credit',
    outcome: decline('card_declined', DECLINED, 'generic_decline'),
  },
  {
    number: '4000000000009995',
    paymentMethod: 'pm_card_chargeDeclinedInsufficientFunds',
    brand: 'visa',
    funding: 'credit',
    outcome: decline('card_declined', 'Your card has insufficient funds.', 'insufficient_funds'),
  },
  {
    number: '4000000000009987',
    paymentMethod: 'pm_card_chargeDeclinedLostCard',
    brand: 'visa',
    funding: 'credit',
    outcome: decline('card_declined', DECLINED, 'lost_card'),
  },
  {
    number: '4000000000009979',
    paymentMethod: 'pm_card_chargeDeclinedStolenCard',
    brand: 'visa',
    funding: 'credit',
    outcome: decline('card_declined', DECLINED, 'stolen_card'),
  },
  {
    number: '4000000000000069',
    paymentMethod: 'pm_card_chargeDeclinedExpiredCard',
    brand: 'visa',
    funding: 'credit',
    outcome: decline('expired_card', 'Your card has expired.', 'expired_card', 'exp_month'),
  },
  {
    number: '4000000000000127',
    paymentMethod: 'pm_card_chargeDeclinedIncorrectCvc',
    brand: 'visa',
    funding: 'credit',
    outcome: decline('incorrect_cvc', "Your card's security code is incorrect.", 'incorrect_cvc', 'cvc'),
  },
  {
    number: '4000000000000119',
    paymentMethod: 'pm_card_chargeDeclinedProcessingError',
    brand: 'visa',
    funding: 'credit',
    outcome: decline('processing_error', 'An error occurred while processing your card. Try again in a little bit.', 'processing_error'),
  },
  { number: '4000002500003155', paymentMethod: 'pm_card_authenticationRequiredOnSetup', brand: 'visa', funding: 'credit', outcome: { kind: 'three_d_secure' } },
  { number: '4000002760003184', paymentMethod: 'pm_card_authenticationRequired', brand: 'visa', funding: 'credit', outcome: { kind: 'three_d_secure' } },
  { number: '4000000000003220', paymentMethod: 'pm_card_threeDSecure2Required', brand: 'visa', funding: 'credit', outcome: { kind: 'three_d_secure' } },
];

const BY_NUMBER = new Map(TEST_CARDS.map((card) => [card.number, card]));
const BY_PAYMENT_METHOD = new Map(TEST_CARDS.map((card) => [card.paymentMethod, card]));

/** The test card with this number (spaces ignored). */
export function cardByNumber(number: string): TestCard | undefined {
  return BY_NUMBER.get(number.replace(/[\s-]/g, ''));
}

/** The test card behind a test PaymentMethod id such as `pm_card_visa`. */
export function cardByPaymentMethod(id: string): TestCard | undefined {
  return BY_PAYMENT_METHOD.get(id);
}

/** Luhn check, as card networks (and Stripe's `incorrect_number`) apply it. */
export function passesLuhn(number: string): boolean {
  if (!/^\d{12,19}$/.test(number)) return false;
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let digit = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** The brand a card number belongs to, by its leading digits. */
export function brandOf(number: string): string {
  if (/^4/.test(number)) return 'visa';
  if (/^(5[1-5]|2[2-7])/.test(number)) return 'mastercard';
  if (/^3[47]/.test(number)) return 'amex';
  if (/^6(011|5)/.test(number)) return 'discover';
  return 'unknown';
}
