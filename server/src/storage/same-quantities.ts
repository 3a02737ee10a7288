/** True when a cart's stored lines are exactly `expected` (product id → quantity); both adapters check this. */
export function sameQuantities(stored: [string, number][], expected: Record<string, number>): boolean {
  if (stored.length !== Object.keys(expected).length) return false;
  return stored.every(([productId, quantity]) => expected[productId] === quantity);
}
