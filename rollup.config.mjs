// Builds the browser bundles into dist/:
//   widget.js    IIFE for the script tag (minified, with a source map)
//   widget.mjs   ESM for single-page apps: import { init } from '…/widget.mjs'
//   widget.d.ts  the typings of both (init(), the API, events and payloads, window.CheckoutBest)
//   widget.css   the widget's stylesheet; widget.js fetches it by its content-hashed name
//   widget-de.json  the widget's German texts; widget.js carries English and fetches these (by their
//                content-hashed name) only on a German page
//   checkout.js  the hosted checkout page on our origin (Stripe.js is loaded at run time, never bundled)
//   checkout.css the checkout page's stylesheet
// Sizes are checked by `npm run size` (test/size.ts). The server serves every file under
// /assets/<name>.<hash>.<ext>, the hash being the first 10 hex digits of the file's SHA-256
// (server/src/routes/assets.ts computes the same, so the CSS name compiled into widget.js matches).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import esbuild from 'rollup-plugin-esbuild';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
// The typings of the JS API in one file: the bundling d.ts plugin people use with rollup (kept, not hand-rolled).
import { dts } from 'rollup-plugin-dts';

/** Comments and line breaks out; the rules are written compactly already. */
const minifyCss = (path) =>
  readFileSync(path, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\n+/g, '');
const hashOf = (text) => createHash('sha256').update(text).digest('hex').slice(0, 10);

const widgetCss = minifyCss('widget/src/ui/widget.css');
/** The widget's languages besides English, each its own asset: `[file name, minified JSON]`. */
const widgetTexts = ['de'].map((lang) => [`widget-${lang}.json`, JSON.stringify(JSON.parse(readFileSync(`widget/src/i18n/widget-${lang}.json`, 'utf8')))]);
const checkoutCss = minifyCss('widget/src/checkout/checkout.css');

/** Writes a stylesheet (or a text file) next to the bundle. */
const emitCss = (fileName, source) => ({
  name: 'emit-' + fileName,
  generateBundle() {
    this.emitFile({ type: 'asset', fileName, source });
  },
});

const plugins = (...extra) => [
  resolve({ browser: true, extensions: ['.ts', '.tsx', '.mjs', '.js'] }),
  esbuild({
    target: 'es2020',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: 'tsconfig.json',
    // Class fields as plain assignments: no defineProperty helper per class (smaller, same behaviour here).
    tsconfigRaw: { compilerOptions: { useDefineForClassFields: false, jsx: 'react-jsx', jsxImportSource: 'preact' } },
    define: {
      'process.env.NODE_ENV': '"production"',
      __WIDGET_CSS__: JSON.stringify(`widget.${hashOf(widgetCss)}.css`),
      __WIDGET_TEXTS__: JSON.stringify(Object.fromEntries(widgetTexts.map(([file, json]) => [file.slice(7, -5), file.replace('.', `.${hashOf(json)}.`)]))),
    },
  }),
  terser({ ecma: 2020, compress: { passes: 3, pure_getters: true, unsafe_arrows: true }, format: { comments: false } }),
  ...extra,
];

export default [
  {
    input: 'widget/src/index.ts',
    output: { file: 'dist/widget.js', format: 'iife', sourcemap: true },
    plugins: plugins(emitCss('widget.css', widgetCss), ...widgetTexts.map(([file, json]) => emitCss(file, json))),
  },
  {
    input: 'widget/src/esm.ts',
    output: { file: 'dist/widget.mjs', format: 'es', sourcemap: true },
    plugins: plugins(),
  },
  {
    input: 'widget/src/typings.ts',
    output: { file: 'dist/widget.d.ts', format: 'es' },
    plugins: [dts({ tsconfig: 'tsconfig.json', compilerOptions: { noEmit: false, allowImportingTsExtensions: false } })],
  },
  {
    input: 'widget/src/checkout/main.tsx',
    output: { file: 'dist/checkout.js', format: 'iife', sourcemap: true },
    plugins: plugins(emitCss('checkout.css', checkoutCss)),
  },
];
