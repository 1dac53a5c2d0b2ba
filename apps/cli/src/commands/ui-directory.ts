import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunnerError } from '@mlproject/runner';

/**
 * Where the built web UI is: `MLPROJECT_UI_DIR` when set; else `ui/` beside this module (the bundle
 * `dist/mlproject.mjs` and `dist/bin.js` both live in `apps/cli/dist`, where `scripts/bundle.mjs`
 * copies `apps/ui/dist`); else the workspace's `apps/ui/dist`.
 * @throws RunnerError ERR_MLPROJECT_RUN_USAGE when `MLPROJECT_UI_DIR` is set but holds no `index.html`
 *   (the message names the variable), or when no candidate holds one.
 */
export function findUiDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const chosen = env['MLPROJECT_UI_DIR'];
  if (chosen !== undefined) {
    const dir = path.resolve(chosen);
    if (existsSync(path.join(dir, 'index.html'))) return dir;
    throw new RunnerError('ERR_MLPROJECT_RUN_USAGE', `MLPROJECT_UI_DIR=${chosen}: no index.html in ${dir}`, {
      hint: 'point MLPROJECT_UI_DIR at a built web UI (e.g. apps/ui/dist after `pnpm run build`), or unset it to serve the one built with mlproject',
    });
  }
  const candidates = [path.join(here, 'ui'), path.resolve(here, '../../ui/dist'), path.resolve(here, '../../../ui/dist')];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'index.html')));
  if (found === undefined) {
    throw new RunnerError('ERR_MLPROJECT_RUN_USAGE', `The web UI is not built: no index.html in ${candidates.join(' or ')}`, {
      hint: 'run `pnpm run build` at the repository root (it builds apps/ui and copies it next to the CLI)',
    });
  }
  return found;
}
