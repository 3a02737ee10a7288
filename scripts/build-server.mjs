// Bundles the server (server/src/main.ts and everything it imports, dependencies included) into one ES module,
// dist/server.mjs, which `npm start` runs with plain Node: no TypeScript compiler at start, one file to load
// instead of ~1,500 modules. esbuild (kept, not hand-rolled: the compiler tsx itself runs on) strips the
// types exactly as tsx does in development and tests. Left outside the bundle: better-sqlite3 (a native
// addon found through its own package) and pg's optional native binding.
import { build } from 'esbuild';

await build({
  entryPoints: ['server/src/main.ts'],
  outfile: 'dist/server.mjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  external: ['better-sqlite3', 'pg-native'],
  // Bundled CommonJS packages call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __cbRequire } from 'node:module'; const require = __cbRequire(import.meta.url);" },
  logLevel: 'warning',
});
