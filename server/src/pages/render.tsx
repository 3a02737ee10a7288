import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import type { ComponentChildren, VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { pageCsp } from '../security/headers';
import { PAGE_CSS } from './style';

/** Options for sending a server-rendered page. */
export interface PageOptions {
  status?: number;
  /** Origins allowed to frame the page (a store's allowed_origins); nobody else may. */
  frameAncestors?: string[];
}

/** A fresh CSP nonce for one answer. */
export const newNonce = () => randomBytes(16).toString('base64');

/**
 * Renders `page(nonce)` into a full HTML document and sends it with the page CSP, `no-store` and
 * `no-referrer` (the connect pages carry signed parameters that must not leak through Referer or caches).
 */
export function sendPage(ctx: Context, page: (nonce: string) => VNode, options: PageOptions = {}): void {
  const nonce = newNonce();
  sendDocument(ctx, page(nonce), { status: options.status ?? 200, csp: pageCsp({ nonce, frameAncestors: options.frameAncestors }) });
}

/**
 * Sends a rendered document with its CSP, `no-store` and `no-referrer`: every HTML answer of the server
 * (connect pages, the checkout page) goes through here.
 */
export function sendDocument(ctx: Context, page: VNode, options: { status: number; csp: string }): void {
  ctx.status = options.status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.set('Content-Security-Policy', options.csp);
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.body = '<!doctype html>' + renderToString(page);
}

/** The document shell every page shares: one card on a quiet background, product mark on top. */
export function Layout(props: { title: string; nonce: string; children: ComponentChildren; script?: string }): VNode {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`${props.title} · checkout-best`}</title>
        <style nonce={props.nonce} dangerouslySetInnerHTML={{ __html: PAGE_CSS }} />
      </head>
      <body>
        <main class="shell">
          <div class="brand" aria-hidden="true">
            <span class="brand-mark">◆</span> checkout-best
          </div>
          <div class="card">{props.children}</div>
          <p class="foot">Secured by checkout-best · keys are verified with Stripe and stored encrypted</p>
        </main>
        {props.script ? <script nonce={props.nonce} dangerouslySetInnerHTML={{ __html: props.script }} /> : null}
      </body>
    </html>
  );
}

/** A page that only says one thing: an icon, a heading, a paragraph or two. */
export function MessagePage(props: { nonce: string; title: string; tone: 'error' | 'ok'; children: ComponentChildren }): VNode {
  return (
    <Layout title={props.title} nonce={props.nonce}>
      <div class={`icon icon-${props.tone}`} aria-hidden="true">
        {props.tone === 'ok' ? '✓' : '!'}
      </div>
      <h1>{props.title}</h1>
      {props.children}
    </Layout>
  );
}
