/** The demo store's catalog; prices are integer cents and live only on the server. */
export const DEMO_PRODUCTS = [
  {
    id: 'house-blend',
    name: 'House Blend, 250 g',
    description: 'Chocolate, hazelnut, a little citrus. Roasted on Mondays.',
    unit_amount: 1400,
    currency: 'usd',
  },
  {
    id: 'ethiopia-guji',
    name: 'Ethiopia Guji, 250 g',
    description: 'Light roast; peach, jasmine and bergamot.',
    unit_amount: 1850,
    currency: 'usd',
    // A small lot: five bags, so the demo shows a stock limit (adding a sixth answers 409 out_of_stock). The
    // catalog sync on every start sets it again, a restock to 5 each run.
    stock: 5,
  },
  {
    id: 'pour-over-kit',
    name: 'Pour-over kit',
    description: 'Ceramic dripper, 100 filters and a 350 ml carafe.',
    unit_amount: 4200,
    currency: 'usd',
  },
  {
    id: 'gift-card-25',
    name: 'Gift card, $25',
    description: 'Sent by email; never expires.',
    unit_amount: 2500,
    currency: 'usd',
    max_quantity: 5,
    // Sent by email: a cart of gift cards only asks for no address and pays no shipping.
    shippable: false,
  },
];

/**
 * The demo store's shipping (PUT /api/internal/stores/{id}/shipping): a few countries, one flat rate, free over
 * $40, as the storefront's "Free shipping over $40" promises.
 */
export const DEMO_SHIPPING = {
  countries: ['US', 'CA', 'GB', 'DE', 'FR'],
  rates: [{ id: 'standard', display_name: 'Standard shipping', amount: 500, free_over: 4000, delivery_estimate: { min_days: 3, max_days: 5 } }],
};

/**
 * The demo store's tax (PUT /api/internal/stores/{id}/tax): sales tax added in a few US states, VAT inside the
 * prices for Germany, France and the UK; shipping is taxed too. Canada has no rate here: no tax line.
 */
export const DEMO_TAX = {
  mode: 'rates',
  tax_shipping: true,
  rates: [
    { country: 'US', state: 'CA', percentage: 7.25, inclusive: false, display_name: 'Sales tax' },
    { country: 'US', state: 'NY', percentage: 4, inclusive: false, display_name: 'Sales tax' },
    { country: 'US', state: 'TX', percentage: 6.25, inclusive: false, display_name: 'Sales tax' },
    { country: 'DE', percentage: 19, inclusive: true, display_name: 'VAT' },
    { country: 'FR', percentage: 20, inclusive: true, display_name: 'TVA' },
    { country: 'GB', percentage: 20, inclusive: true, display_name: 'VAT' },
  ],
};

/** The demo store's discount code: 10% off any cart (shown in the demo's banner and README). */
export const DEMO_DISCOUNT = { code: 'WELCOME10', percent_off: 10 };

/** The demo store's fixed id, so the storefront pages and bookmarks keep working across runs. */
export const DEMO_STORE_ID = '5f0c6a8e-0d1b-4c7e-9a3f-2b6d8e4c1a90';

/** The demo store's name, shown on the connect form and in the checkout. */
export const DEMO_STORE_NAME = 'Demo Coffee Roasters';
