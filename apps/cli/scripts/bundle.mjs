// Bundles the built CLI (dist/bin.js and every @mlproject package it imports) into one file,
// dist/mlproject.mjs: resolving and loading ~1000 module files took ~200 ms of every command.
// Left outside: better-sqlite3 (a native addon) and @mlproject/env-conda (it runs a Python file that
// ships beside its own module, and it is loaded only for conda projects).
import { cpSync, existsSync, rmSync } from 'node:fs';
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

// `mlproject ui` serves the web UI from dist/ui beside the bundle (see src/commands/ui-directory.ts).
// turbo builds @mlproject/ui first: it is a devDependency of this package.
const uiDist = new URL('../../ui/dist/', import.meta.url).pathname;
const uiTarget = new URL('../dist/ui/', import.meta.url).pathname;
rmSync(uiTarget, { recursive: true, force: true });
if (existsSync(`${uiDist}index.html`)) cpSync(uiDist, uiTarget, { recursive: true });
else console.warn(`bundle: ${uiDist} is not built; \`mlproject ui\` will say so`);
