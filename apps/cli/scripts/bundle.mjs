// Bundles the built CLI (dist/bin.js and every @mlproject package it imports) into one file,
// dist/mlproject.mjs: resolving and loading ~1000 module files took ~200 ms of every command.
// Left outside: better-sqlite3 (a native addon) and @mlproject/env-conda (it runs a Python file that
// ships beside its own module, and it is loaded only for conda projects).
import { build } from 'esbuild';

await build({
  entryPoints: [new URL('../dist/bin.js', import.meta.url).pathname],
  outfile: new URL('../dist/mlproject.mjs', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3', '@mlproject/env-conda'],
  // Some bundled CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __mlprojectCreateRequire } from 'node:module';\nconst require = __mlprojectCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
