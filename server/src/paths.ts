/**
 * Where the project's files are, the same whether the server runs from its TypeScript sources (tsx, in
 * development and tests: server/src/…) or from the bundle `npm run build` makes (dist/server.mjs, as
 * `npm start` runs it): the project root is the nearest folder above this module that holds package.json.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('checkout-best: package.json not found above the server');
    dir = up;
  }
  return dir;
}

/** The project root (package.json, dist/). */
export const ROOT = projectRoot();
/** Where `npm run build` writes the bundles (the widget, the checkout page, the server). */
export const DIST_DIR = resolve(ROOT, 'dist');
