import type { VNode } from 'preact';
import type { LinkProblem } from '../security/connect-link';
import { Layout, MessagePage } from './render';

const LINK_PROBLEMS: Record<LinkProblem, { title: string; text: string }> = {
  link_invalid: {
    title: 'This connect link is not valid',
    text: 'The link is incomplete or its signature does not match: it may have been changed, or made for another store or another return address.',
  },
  link_expired: {
    title: 'This connect link has expired',
    text: 'Connect links only work for a short time, so a link that leaks cannot be used later.',
  },
  link_used: {
    title: 'This connect link was already used',
    text: 'Each connect link works once. Stripe was already connected with it.',
  },
};

/** The 403 page for a refused connect link, saying plainly why. */
export function LinkErrorPage(p: { nonce: string; problem: LinkProblem }): VNode {
  const { title, text } = LINK_PROBLEMS[p.problem];
  return (
    <MessagePage nonce={p.nonce} title={title} tone="error">
      <p>{text}</p>
      <p>
        Go back to your store's dashboard and open <strong>Connect Stripe</strong> again to get a fresh link.
      </p>
    </MessagePage>
  );
}

/** The 404 page for a store that does not exist. */
export function StoreNotFoundPage(p: { nonce: string }): VNode {
  return (
    <MessagePage nonce={p.nonce} title="Store not found" tone="error">
      <p>There is no store with this id. If you followed a link from your dashboard, ask its support for a new link.</p>
    </MessagePage>
  );
}

/** A full-page error for the connect form (rate limited, body too large, Stripe down with no form to show). */
export function ErrorPage(p: { nonce: string; title: string; message: string }): VNode {
  return (
    <MessagePage nonce={p.nonce} title={p.title} tone="error">
      <p>{p.message}</p>
    </MessagePage>
  );
}

/** What the success page shows. */
export interface SuccessProps {
  nonce: string;
  store: { id: string; name: string; allowed_origins: string[] };
  /** `account` only for a visitor who came back through the signed redirect; store ids are public. */
  connected: { livemode: boolean; account: { id: string | null; name: string | null } | null } | null;
  returnUrl: string | null;
  /** The widget page that framed us, already checked against the store's allowed_origins. */
  parentOrigin?: string | null;
}

/**
 * When framed (the widget's admin modal): removes the "Back to …" button and tells the parent window,
 * addressed to exactly the origin the widget declared, never to every allowed origin (the browser would
 * log a target-origin mismatch for each one that is not the parent). Why remove rather than target=_top:
 * embedded flows of Stripe-like products (Stripe's embedded Checkout and Connect components, Plaid Link)
 * never navigate the host page from inside their frame; they report completion to the host (here
 * `stripe:connected`) and the host's own close button ends the modal. A _top link would carry the
 * storefront page off to the platform's dashboard behind the merchant's back.
 */
function framedScript(message: unknown, parentOrigin: string | null): string {
  const post = parentOrigin ? `window.parent.postMessage(${safeJson(message)},${safeJson(parentOrigin)});` : '';
  return `(function(){if(window.parent===window)return;var b=document.getElementById('back');if(b)b.remove();${post}})();`;
}

/** Says the store is connected; when framed, tells the widget (see framedScript). */
export function SuccessPage(p: SuccessProps): VNode {
  const c = p.connected;
  if (!c) {
    return (
      <MessagePage nonce={p.nonce} title="Stripe is not connected" tone="error">
        <p>
          <strong>{p.store.name}</strong> has no Stripe keys right now. Open Connect Stripe from your dashboard to add them.
        </p>
      </MessagePage>
    );
  }
  const message = { type: 'checkout-best:stripe-connected', store_id: p.store.id, is_live_mode: c.livemode };
  return (
    <Layout title="Stripe connected" nonce={p.nonce} script={framedScript(message, p.parentOrigin ?? null)}>
      <div class="icon icon-ok" aria-hidden="true">
        ✓
      </div>
      <h1>Stripe is connected</h1>
      <p>
        <strong>{p.store.name}</strong> can now take payments{c.account ? '. Money goes straight to this Stripe account:' : '.'}
      </p>
      <span class="badge" data-mode={c.livemode ? 'live' : 'test'}>
        {c.livemode ? 'Live mode: real payments' : 'Test mode'}
      </span>
      {c.account ? (
        <dl>
          <dt>Account</dt>
          <dd>{c.account.name ?? 'Name not shared by this key'}</dd>
          <dt>Account id</dt>
          <dd>
            <code>{c.account.id ?? 'unknown'}</code>
          </dd>
        </dl>
      ) : null}
      {p.returnUrl ? (
        <a id="back" class="button" href={p.returnUrl}>
          Back to {hostOf(p.returnUrl)}
        </a>
      ) : null}
    </Layout>
  );
}

/** JSON safe to place inside an inline <script> (no closing tags, no line separators). */
function safeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'your dashboard';
  }
}
