/**
 * Walks checkout-best's connect form the way a merchant's browser does: GET the signed link, read the
 * form's hidden fields, POST them back with the keys. The demo and the examples' tests use it.
 */

/** The two keys a merchant pastes from Stripe's Dashboard (Developers → API keys). */
export interface MerchantKeys {
  publishable: string;
  secret: string;
}

/** What the form answered: the final status, where it sent us, and the page text. */
export interface ConnectResult {
  status: number;
  location: string | null;
  html: string;
}

/** Reads every `<input>`'s name and value from the first `<form method="post">` of a page. */
export function readFormFields(html: string): { action: string | null; fields: Record<string, string> } {
  const form = /<form\b[^>]*method=["']?post["']?[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) throw new Error('The connect page has no POST form');
  const action = /\baction=["']([^"']*)["']/i.exec(form[0].slice(0, form[0].indexOf('>') + 1))?.[1] ?? null;
  const fields: Record<string, string> = {};
  for (const tag of form[1].match(/<input\b[^>]*>/gi) ?? []) {
    const name = /\bname=["']([^"']*)["']/i.exec(tag)?.[1];
    if (!name) continue;
    fields[name] = decodeEntities(/\bvalue=["']([^"']*)["']/i.exec(tag)?.[1] ?? '');
  }
  return { action: action === null ? null : decodeEntities(action), fields };
}

function decodeEntities(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCharCode(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Opens a signed connect link and submits the keys; does not follow the final redirect. */
export async function submitConnectForm(connectUrl: string, keys: MerchantKeys): Promise<ConnectResult> {
  const page = await fetch(connectUrl, { redirect: 'manual' });
  const html = await page.text();
  if (page.status !== 200) return { status: page.status, location: page.headers.get('location'), html };
  const { action, fields } = readFormFields(html);
  fields.publishable_key = keys.publishable;
  fields.secret_key = keys.secret;
  // Carry any cookie the form set (e.g. for CSRF), as a browser would.
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const answer = await fetch(new URL(action || connectUrl, connectUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(cookie ? { Cookie: cookie } : {}) },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: answer.status, location: answer.headers.get('location'), html: await answer.text() };
}
