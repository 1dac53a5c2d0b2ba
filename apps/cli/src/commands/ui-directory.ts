import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunnerError } from '@mlproject/runner';

/**
 * Where the built web UI is: `MLPROJECT_UI_DIR` when set; else `ui/` beside this module (the bundle
 * `dist/mlproject.mjs` and `dist/bin.js` both live in `apps/cli/dist`, where `scripts/bundle.mjs`
 * copies `apps/ui/dist`); else the workspace's `apps/ui/dist`.
 * @throws RunnerError ERR_MLPROJECT_RUN_USAGE when none holds an `index.html`.
 */
export function findUiDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = env['MLPROJECT_UI_DIR'] !== undefined
    ? [path.resolve(env['MLPROJECT_UI_DIR'])]
    : [path.join(here, 'ui'), path.resolve(here, '../../ui/dist'), path.resolve(here, '../../../ui/dist')];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'index.html')));
  if (found === undefined) {
    throw new RunnerError('ERR_MLPROJECT_RUN_USAGE', `The web UI is not built: no index.html in ${candidates.join(' or ')}`, {
      hint: 'run `pnpm run build` at the repository root (it builds apps/ui and copies it next to the CLI)',
    });
  }
  return found;
}
