import { connectLink, type InternalApi } from './platform';
import type { Routes } from './static-server';

/** Where the storefront pages must point: the checkout server and the demo store. */
export interface StorefrontSettings {
  serverUrl: string;
  storeId: string;
  emulatorUrl: string;
}

/**
 * Fills the storefront pages' placeholders. The pages are plain HTML a merchant could copy; only the
 * server URL and store id differ per installation, so the demo writes them in as it serves each page.
 */
export function storefrontRewrite(html: string, s: StorefrontSettings): string {
  return html
    .replaceAll('{{CHECKOUT_BEST_URL}}', s.serverUrl)
    .replaceAll('{{STORE_ID}}', s.storeId)
    .replaceAll('http://localhost:3000/widget.js', `${s.serverUrl}/widget.js`)
    .replaceAll('YOUR-STORE-ID', s.storeId);
}

/**
 * The demo plays the platform for its storefront: `GET /demo/connect-link` returns a fresh signed link (links are
 * single use) for the "Merchant admin" button. A real platform does this for its logged-in merchant only.
 */
export function storefrontRoutes(getApi: () => InternalApi | undefined, storeId: string): Routes {
  return async (pathname) => {
    if (pathname !== '/demo/connect-link') return null;
    const api = getApi();
    if (!api) return { status: 503, type: 'application/json', body: JSON.stringify({ error: 'starting' }) };
    // No return_url: in the admin modal a "Back to the shop" button would load the shop inside the frame.
    const url = await connectLink(api, storeId);
    return { status: 200, type: 'application/json', body: JSON.stringify({ url }) };
  };
}
