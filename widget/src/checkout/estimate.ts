/** A shipping rate's delivery estimate as the shopper reads it, in the page's language. */
import { fill } from '../i18n';
import type { CheckoutText } from '../i18n/checkout';
import type { DeliveryEstimate } from '../../../server/src/wire';

/** "3–5 business days", "1 business day"; empty without an estimate. */
export function estimateText(t: CheckoutText, e: DeliveryEstimate | null): string {
  if (!e) return '';
  if (e.min_days === e.max_days) return e.max_days === 1 ? t.estimateOne : fill(t.estimateDay, { n: e.max_days });
  return fill(t.estimateDays, { min: e.min_days, max: e.max_days });
}
