import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const cliBin = path.join(repoRoot, 'apps/cli/dist/mlproject.mjs');
export const exampleDir = path.join(repoRoot, 'examples/sklearn-linear');

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `mlproject-${prefix}-`));
}

/** Runs the built `mlproject` binary as a user would; never throws on a non-zero exit. */
export async function mlproject(args: string[], options: { cwd: string; env?: Record<string, string> }) {
  return execa('node', [cliBin, ...args], {
    cwd: options.cwd,
    env: { ...options.env },
    reject: false,
    all: true,
  });
}

/** Writes a throwaway project: `files` maps names (e.g. `MLproject`) to their text. Returns `dir`. */
export function writeProject(dir: string, files: Record<string, string>): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}
