/**
 * The rules of a connect link as the form meets it: signed by one of the internal secrets and not expired
 * (security/connect-link.ts), for a well-formed store id and an http(s) return URL, not burnt by an earlier
 * submit, and for a store that exists. Answers a problem, never throws: the form turns each into a page.
 */
import type { AppDeps } from '../deps';
import { errors, type AppError } from '../errors';
import { verifyConnectLink, type ConnectLinkParams, type LinkProblem, type RawLinkFields } from '../security/connect-link';
import type { Store } from '../storage/port';
import { STORE_ID_PATTERN } from './stores';

/** Why a link cannot be used. */
export type ConnectLinkProblem = LinkProblem | 'store_not_found';

/** A link checked against signature, expiry and burnt links, plus the store it is for. */
export type CheckedLink = { ok: true; params: ConnectLinkParams; signature: string; store: Store } | { ok: false; problem: ConnectLinkProblem };

/** Checks a link's fields as the form or its query carries them, at the app's clock. */
export async function checkConnectLink(deps: AppDeps, raw: RawLinkFields): Promise<CheckedLink> {
  const v = verifyConnectLink(deps.config.internalSecrets, raw, deps.clock.now());
  if (!v.ok) return v;
  if (!STORE_ID_PATTERN.test(v.params.storeId) || (v.params.returnUrl && !isHttpUrl(v.params.returnUrl))) {
    return { ok: false, problem: 'link_invalid' };
  }
  if (await deps.storage.stores.isLinkUsed(v.signature)) return { ok: false, problem: 'link_used' };
  const store = await deps.storage.stores.get(v.params.storeId);
  if (!store) return { ok: false, problem: 'store_not_found' };
  return { ...v, store };
}

/** The catalogue error of a link problem, for API clients. */
export function linkError(problem: ConnectLinkProblem): AppError {
  const byProblem = { link_invalid: errors.linkInvalid, link_expired: errors.linkExpired, link_used: errors.linkUsed, store_not_found: errors.storeNotFound };
  return byProblem[problem]();
}

/** True for absolute http(s) URLs, the only return addresses we will link to. */
export function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}
