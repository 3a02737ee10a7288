import { submitConnectForm, type MerchantKeys } from './connect-form';

/** Calls checkout-best's internal API as a platform does, with `X-Internal-Secret`. */
export function internalApi(serverUrl: string, secret: string) {
  return async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
    const answer = await fetch(serverUrl + path, {
      method,
      headers: { 'X-Internal-Secret': secret, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await answer.text();
    return { status: answer.status, json: (text ? JSON.parse(text) : null) as T };
  };
}

/** The internal API caller made by `internalApi`. */
export type InternalApi = ReturnType<typeof internalApi>;

function expectOk(what: string, answer: { status: number; json: unknown }, ...ok: number[]): void {
  if (!ok.includes(answer.status)) {
    throw new Error(`${what} failed with HTTP ${answer.status}: ${JSON.stringify(answer.json)}`);
  }
}

/** Creates the store, or, when it exists from an earlier run, updates its name and allowed origins. */
export async function ensureStore(api: InternalApi, store: { id: string; name: string; allowed_origins: string[]; default_currency: string }): Promise<void> {
  const created = await api('POST', '/api/internal/stores', store);
  if (created.status === 409) {
    const { id, ...fields } = store;
    expectOk('Updating the demo store', await api('PATCH', `/api/internal/stores/${id}`, fields), 200);
  } else {
    expectOk('Creating the demo store', created, 201);
  }
}

/** Upserts the catalog. */
export async function syncCatalog(api: InternalApi, storeId: string, products: unknown[]): Promise<void> {
  expectOk('Syncing the catalog', await api('PUT', `/api/internal/stores/${storeId}/products`, { products }), 200, 201);
}

/** Replaces the store's shipping settings (countries and rates). */
export async function setShipping(api: InternalApi, storeId: string, shipping: unknown): Promise<void> {
  expectOk('Setting the shipping', await api('PUT', `/api/internal/stores/${storeId}/shipping`, shipping), 200);
}

/** Replaces the store's tax settings (rates by country and US state). */
export async function setTax(api: InternalApi, storeId: string, tax: unknown): Promise<void> {
  expectOk('Setting the tax', await api('PUT', `/api/internal/stores/${storeId}/tax`, tax), 200);
}

/** Creates a discount code; one the store already has (an earlier run's) is left as it is. */
export async function ensureDiscount(api: InternalApi, storeId: string, discount: { code: string }): Promise<void> {
  expectOk(`Creating the code ${discount.code}`, await api('POST', `/api/internal/stores/${storeId}/discounts`, discount), 201, 409);
}

/** A fresh signed, single-use link to the connect form. */
export async function connectLink(api: InternalApi, storeId: string, returnUrl?: string): Promise<string> {
  const body = returnUrl ? { return_url: returnUrl } : {};
  const answer = await api<{ url: string }>('POST', `/api/internal/stores/${storeId}/connect-link`, body);
  expectOk('Getting a connect link', answer, 200, 201);
  return answer.json.url;
}

/** Connects keys through the real flow (signed link → form → POST), then checks the store can take payments. */
export async function connectKeys(api: InternalApi, storeId: string, keys: MerchantKeys): Promise<void> {
  const result = await submitConnectForm(await connectLink(api, storeId), keys);
  if (result.status !== 303) {
    const text = result.html
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .slice(0, 300);
    throw new Error(`The connect form answered HTTP ${result.status}: ${text}`);
  }
  const status = await api<{ has_stripe: boolean }>('GET', `/api/internal/stores/${storeId}/stripe-status`);
  if (!status.json?.has_stripe) throw new Error(`The store is not connected after the form: ${JSON.stringify(status.json)}`);
}
