import type { Order, StripeStatus } from './checkout-best';
import type { PlatformStore } from './store-book';

/** Escapes text for HTML element content and quoted attributes. */
export function esc(value: string | number | null | undefined): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const money = (amount: number, currency: string) => `${(amount / 100).toFixed(2)} ${esc(currency.toUpperCase())}`;

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2433}
header{background:#1d2433;color:#fff;padding:.8rem 1.5rem}header a{color:#fff;font-weight:600;text-decoration:none}
main{max-width:52rem;margin:1.5rem auto;padding:0 1rem}
section{background:#fff;border:1px solid #dde1e8;border-radius:8px;padding:1rem 1.25rem;margin-bottom:1rem}
label{display:block;margin:.4rem 0 .1rem}input{font:inherit;width:100%;box-sizing:border-box;padding:.35rem .5rem}
.button,button{font:inherit;background:#635bff;color:#fff;border:0;border-radius:6px;padding:.5rem 1rem;display:inline-block;margin-top:.6rem;text-decoration:none;cursor:pointer}
.ok{color:#11763a;font-weight:600}.bad{color:#b42318;font-weight:600}td,th{text-align:left;padding:.3rem .4rem;vertical-align:top}
address{font-style:normal}`;

/** Wraps page content in the dashboard's frame. */
export function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head>
<body><header><a href="/">BuildMyOnlineStore</a> · dashboard (Node)</header><main>${body}</main></body></html>`;
}

/** The list of stores and the create form. */
export function dashboardPage(stores: PlatformStore[]): string {
  const rows = stores.map((s) => `<tr><td><a href="/stores/${esc(s.id)}">${esc(s.name)}</a></td><td>${s.products.length}</td></tr>`).join('');
  return layout(
    'BMOS dashboard',
    `<h1>Your stores</h1><section>${rows ? `<table>${rows}</table>` : '<p>No stores yet.</p>'}</section>
<section><h2>Create a store</h2><form method="post" action="/stores">
<label for="name">Store name</label><input id="name" name="name" required>
<label for="allowed_origins">Storefront origins (space separated)</label><input id="allowed_origins" name="allowed_origins">
<label for="currency">Currency</label><input id="currency" name="currency" value="usd" maxlength="3">
<button type="submit">Create store</button></form></section>`,
  );
}

function paymentsSection(store: PlatformStore, status: StripeStatus): string {
  const link = `<a class="button" href="/stores/${esc(store.id)}/connect-payments">`;
  if (status.has_stripe) {
    const mode = status.is_live_mode ? 'live mode' : 'test mode';
    const account = status.account_name ? ` (${esc(status.account_name)})` : '';
    return `<p id="payments-status" class="ok">Connected to Stripe${account}, ${mode}.</p>${link}Change Stripe keys</a>`;
  }
  const why = status.key_status === 'invalid' ? ' The Stripe keys stopped working; connect again.' : '';
  return `<p id="payments-status" class="bad">Not connected: this store cannot take payments yet.${why}</p>${link}Connect Payments</a>`;
}

/** An order's address and shipping rate, as a packer reads them; "Nothing to ship" without. */
function shipsTo(o: Order): string {
  const s = o.shipping;
  if (!s) return 'Nothing to ship';
  const a = s.address;
  const lines = [s.name, a.line1, a.line2, a.state ? `${a.city}, ${a.state} ${a.postal_code}` : `${a.postal_code} ${a.city}`, a.country];
  return (
    `<address>${lines.filter(Boolean).map(esc).join('<br>')}</address>` +
    `<small>${esc(s.rate.display_name)} · ${s.rate.amount ? money(s.rate.amount, o.currency) : 'free'}</small>`
  );
}

/** One store: payments status, catalog, orders (customer, address, shipping) and the embed snippet. */
export function storePage(store: PlatformStore, status: StripeStatus, orders: Order[], checkoutBestUrl: string): string {
  const products = store.products
    .map((p) => `<tr><td><code>${esc(p.id)}</code></td><td>${esc(p.name)}</td><td>${money(p.unit_amount, p.currency)}</td></tr>`)
    .join('');
  const orderRows = orders
    .map(
      (o) =>
        `<tr><td><code>${esc(o.id)}</code></td><td>${esc(o.status)}</td><td>${money(o.amount, o.currency)}</td>` +
        `<td>${esc(o.customer?.email ?? '—')}</td><td>${shipsTo(o)}</td></tr>`,
    )
    .join('');
  const orderTable = `<table><tr><th>Order</th><th>Status</th><th>Amount</th><th>Customer</th><th>Ships to</th></tr>${orderRows}</table>`;
  const snippet = `<script src="${checkoutBestUrl}/widget.js" data-store-id="${store.checkout_best_store_id}" async></script>`;
  return layout(
    `${store.name} · BMOS`,
    `<h1>${esc(store.name)}</h1>
<section><h2>Payments</h2>${paymentsSection(store, status)}</section>
<section><h2>Products</h2>${products ? `<table>${products}</table>` : '<p>No products yet.</p>'}
<form method="post" action="/stores/${esc(store.id)}/sync-catalog"><button type="submit">Sync catalog to checkout</button></form>
<form method="post" action="/stores/${esc(store.id)}/products"><label for="pname">Product name</label><input id="pname" name="name" required>
<label for="pprice">Price</label><input id="pprice" name="price" placeholder="12.50" required><button type="submit">Add product</button></form></section>
<section><h2>Recent orders</h2>${orderRows ? orderTable : '<p>No orders yet.</p>'}</section>
<section><h2>Add the checkout to your pages</h2><pre>${esc(snippet)}</pre></section>`,
  );
}

/** Shows an error from checkout-best; its messages are written to be safe to show. */
export function errorPage(message: string, code: string): string {
  return layout(
    'Error',
    `<h1>Checkout could not do that</h1><section><p class="bad">${esc(message)}</p><p>Code <code>${esc(code)}</code></p><a href="/">Back</a></section>`,
  );
}
