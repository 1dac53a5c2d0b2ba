// Helpers shared by bench/env/run.mjs and bench/tracking/run.mjs.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const log = (line) => process.stderr.write(`[bench] ${line}\n`);

/**
 * `util.parseArgs` over `argv` (strict: an unknown flag or a stray positional throws), plus `-h`/`--help`
 * printing `usage` and exiting 0. `options` are parseArgs options; returns the parsed `values`.
 */
export function parseCli(argv, options, usage) {
  const { values } = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  delete values.help;
  return values;
}

/** `value` (a string flag value) as a non-negative integer, or `fallback` when the flag was not given. */
export function nonNegativeInt(flag, value, fallback) {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(n) || n < 0) throw new Error(`${flag} needs a non-negative integer, got ${value}`);
  return n;
}

/** The short HEAD commit, marked when packages/ or apps/ have uncommitted changes; 'unknown' outside git. */
export function gitCommit() {
  try {
    const head = execFileSync('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['-C', REPO, 'status', '--porcelain', '--', 'packages', 'apps'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}+uncommitted packages/apps changes` : head;
  } catch {
    return 'unknown';
  }
}
