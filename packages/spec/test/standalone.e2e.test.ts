// @mlproject/spec installs and works alone: pack the built package, npm install the tarball into an
// empty directory (from the npm registry: yaml and valibot), and run the README's example there.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const packageDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = mkdtempSync(path.join(os.tmpdir(), 'mlproject-spec-standalone-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const run = (cmd: string, args: string[], cwd: string): string => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** The README's `## Example` code block. */
function readmeExample(): string[] {
  const readme = readFileSync(path.join(packageDir, 'README.md'), 'utf8');
  const block = /## Example\n\n```js\n([\s\S]*?)\n```/.exec(readme)?.[1];
  if (block === undefined) throw new Error('README has no ```js block under ## Example');
  return block.split('\n');
}

describe('@mlproject/spec installed alone from its tarball', () => {
  it('has a 5-line README example', () => {
    expect(readmeExample()).toHaveLength(5);
  });

  it('installs with only yaml and valibot, ships the JSON Schemas, and runs the README example', () => {
    run('pnpm', ['pack', '--pack-destination', root], packageDir);
    const tarball = readdirSync(root).find((name) => name.endsWith('.tgz'));
    expect(tarball).toMatch(/^mlproject-spec-.*\.tgz$/);
    const app = path.join(root, 'app');
    mkdirSync(app);
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', path.join(root, tarball!)], app);

    const installed = readdirSync(path.join(app, 'node_modules')).filter((name) => !name.startsWith('.'));
    expect(installed.sort()).toEqual(['@mlproject', 'valibot', 'yaml']);
    expect(readdirSync(path.join(app, 'node_modules/@mlproject'))).toEqual(['spec']);
    const schema = JSON.parse(run('node', ['-e', "console.log(JSON.stringify(require('@mlproject/spec/schemas/mlproject.schema.json').title))"], app)) as unknown;
    expect(schema).toBe('MLproject');

    const project = path.join(app, 'proj');
    mkdirSync(project);
    writeFileSync(path.join(project, 'MLproject'), 'entry_points:\n  main:\n    parameters:\n      alpha: {type: float, defualt: 0.1}\n    command: python train.py --alpha {alpha}\n');
    writeFileSync(path.join(app, 'check.mjs'), `${readmeExample().join('\n')}\n`);
    expect(run('node', ['check.mjs', 'proj'], app)).toBe(
      'WARN_MLPROJECT_SPEC_UNKNOWN_KEY entry_points.main.parameters.alpha.defualt: unknown key "defualt", which MLflow ignores\n' +
        'python train.py --alpha {alpha}\n',
    );

    writeFileSync(path.join(project, 'MLproject'), 'entry_points:\n  main: {}\n');
    let failed: { status: number; stdout: string } | undefined;
    try {
      run('node', ['check.mjs', 'proj'], app);
    } catch (error) {
      failed = error as { status: number; stdout: string };
    }
    expect(failed?.status).toBe(1);
    expect(failed?.stdout).toBe('ERR_MLPROJECT_SPEC_INVALID entry_points.main.command: expected a command string, e.g. "python train.py --alpha {alpha}", found nothing (the key is missing)\n');
  });
});
