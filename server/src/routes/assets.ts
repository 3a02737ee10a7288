/**
 * Serves the browser bundles from dist/: every file under a content-hashed, immutable URL
 * (`/assets/widget.3f9c0a1b2d.js`; the widget's German texts too, `widget-de.<hash>.json`), plus short-cache aliases `/widget.js` and `/widget.mjs` for the
 * paste-in tag. Scripts and styles are public and loaded from merchants' pages, so they answer with
 * CORS `*` (needed for ESM imports, `crossorigin` tags and the widget's stylesheet fetch) and
 * Cross-Origin-Resource-Policy: cross-origin.
 */
import Router from '@koa/router';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Context } from 'koa';
import { errors } from '../errors';

import { DIST_DIR } from '../paths';

export { DIST_DIR };

const SOURCES = ['widget.js', 'widget.mjs', 'widget.css', 'widget-de.json', 'checkout.js', 'checkout.css'];
const TYPES: Record<string, string> = {
  js: 'application/javascript; charset=utf-8',
  mjs: 'application/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
  map: 'application/json; charset=utf-8',
};
const LONG_CACHE = 'public, max-age=31536000, immutable';
const SHORT_CACHE = 'public, max-age=300';

/** One servable file. */
export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
  /** The content-hashed file name under /assets/. */
  hashed: string;
}

/** The same hash rollup.config.mjs puts into widget.js for the stylesheet's name. */
export const contentHash = (body: Buffer | string) => createHash('sha256').update(body).digest('hex').slice(0, 10);

/** `widget.js` + hash → `widget.<hash>.js` (maps: `widget.<hash>.js.map`). */
const hashedName = (name: string, hash: string) => name.replace(/^([^.]+)\./, `$1.${hash}.`);

/** The bundles in dist/, reloaded when a file changes (so `npm run build` needs no restart). */
export interface AssetStore {
  /** The asset by its hashed name (`widget.<hash>.js`) or null. */
  byHashedName(name: string): Asset | null;
  /** The asset by its plain name (`widget.js`) or null when dist/ lacks it. */
  byName(name: string): Asset | null;
  /** The long-cache URL path of a plain name, e.g. `/assets/checkout.<hash>.js`, or null. */
  path(name: string): string | null;
}

/** Reads dist/ into an asset table; each JS file points at its own hashed source map. */
function loadAssets(dir: string): Map<string, Asset> {
  const table = new Map<string, Asset>();
  for (const name of SOURCES) {
    const file = resolve(dir, name);
    if (!existsSync(file)) continue;
    let body = readFileSync(file);
    const ext = name.split('.').pop()!;
    if (existsSync(file + '.map')) {
      const map = readFileSync(file + '.map');
      const mapName = hashedName(name, contentHash(map)) + '.map';
      table.set(name + '.map', { body: map, type: TYPES.map, etag: `"${contentHash(map)}"`, hashed: mapName });
      // An absolute path, so the map resolves both from /assets/… and from the /widget.js alias.
      body = Buffer.from(body.toString('utf8').replace(/\/\/# sourceMappingURL=\S+\s*$/, `//# sourceMappingURL=/assets/${mapName}\n`));
    }
    const hash = contentHash(body);
    table.set(name, { body, type: TYPES[ext], etag: `"${hash}"`, hashed: hashedName(name, hash) });
  }
  return table;
}

/** Builds the asset store over `dir`. */
export function createAssetStore(dir = DIST_DIR): AssetStore {
  let signature = '';
  let table = new Map<string, Asset>();
  let byHash = new Map<string, Asset>();
  const current = () => {
    const sig = SOURCES.map((n) => {
      try {
        return statSync(resolve(dir, n)).mtimeMs;
      } catch {
        return 0;
      }
    }).join('|');
    if (sig !== signature) {
      signature = sig;
      table = loadAssets(dir);
      byHash = new Map([...table.values()].map((a) => [a.hashed, a]));
    }
    return { table, byHash };
  };
  return {
    byHashedName: (name) => current().byHash.get(name) ?? null,
    byName: (name) => current().table.get(name) ?? null,
    path(name) {
      const a = current().table.get(name);
      return a ? `/assets/${a.hashed}` : null;
    },
  };
}

function send(ctx: Context, asset: Asset, cacheControl: string): void {
  ctx.set('Access-Control-Allow-Origin', '*');
  ctx.set('Cross-Origin-Resource-Policy', 'cross-origin');
  ctx.set('Cache-Control', cacheControl);
  ctx.set('ETag', asset.etag);
  ctx.type = asset.type;
  ctx.status = 200;
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  ctx.body = asset.body;
}

/** The routes serving the bundles. */
export function assetsRouter(assets: AssetStore): Router {
  const router = new Router({ sensitive: true });
  router.get('/assets/:file', (ctx) => {
    const asset = assets.byHashedName(ctx.params.file);
    if (!asset) throw errors.assetNotFound();
    send(ctx, asset, LONG_CACHE);
  });
  for (const alias of ['widget.js', 'widget.mjs']) {
    router.get(`/${alias}`, (ctx) => {
      const asset = assets.byName(alias);
      if (!asset) throw errors.widgetNotBuilt();
      // Short cache: a new build reaches every storefront within minutes; the hashed URLs never change.
      ctx.set('Link', `</assets/${asset.hashed}>; rel="canonical"`);
      send(ctx, asset, SHORT_CACHE);
    });
  }
  return router;
}
