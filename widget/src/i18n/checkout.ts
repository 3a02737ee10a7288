/**
 * The checkout page's texts, shared with the server (it renders the page's title and its "expired" and
 * "not found" pages from the same tables): they live in server/src/i18n/checkout.ts.
 */
export { checkoutText, type CheckoutText } from '../../../server/src/i18n/checkout';
