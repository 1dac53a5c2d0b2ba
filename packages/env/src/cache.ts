import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

/**
 * The cache root shared by every backend: `MLPROJECT_CACHE_DIR` when set, else
 * `$XDG_CACHE_HOME/mlproject` (only an absolute XDG path counts, as the XDG spec says), else
 * `~/.cache/mlproject`. Empty variables count as unset; a relative `MLPROJECT_CACHE_DIR` is made
 * absolute against the current directory.
 *
 * Layout below it: `envs/<backend>/<key>/` (environments), `tools/` (provisioned tools such as uv),
 * `logs/` (build logs). MLflow's counterpart is `MLFLOW_ENV_ROOT` (default `~/.mlflow/envs`,
 * `mlflow/utils/virtualenv.py::_get_mlflow_virtualenv_root`).
 *
 * @param env the environment to read (default `process.env`); `HOME` in it wins over `os.homedir()`.
 * @returns an absolute directory path (not created).
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['MLPROJECT_CACHE_DIR'];
  if (explicit !== undefined && explicit !== '') return path.resolve(explicit);
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg !== undefined && path.isAbsolute(xdg)) return path.join(xdg, 'mlproject');
  const home = env['HOME'] !== undefined && env['HOME'] !== '' ? env['HOME'] : os.homedir();
  return path.join(home, '.cache', 'mlproject');
}

/**
 * Canonical JSON: object keys sorted (recursively), arrays kept in order, no whitespace.
 * `undefined` members are dropped as `JSON.stringify` drops them.
 * @throws TypeError for values JSON cannot represent (bigint, cycles).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/**
 * The content address of an environment: sha256 (hex, 64 chars) of `canonicalJson(parts)`.
 * Backends pass everything the built env depends on (interpreter, requirement lines, the text of
 * referenced requirement files), so two declarations that build the same env share one directory
 * whatever their key order. MLflow's counterpart is a sha1 of the Python repr of the same data
 * (`mlflow/utils/virtualenv.py::_get_virtualenv_name`); this key is not compatible with it.
 */
export function envKey(parts: unknown): string {
  return createHash('sha256').update(canonicalJson(parts)).digest('hex');
}

/**
 * Where the output of one build is kept: `<cacheDir>/logs/<kind>/<name>-<UTC timestamp, ms>-<pid>.log`.
 * A new file per build attempt (even two in the same second), so a failed build's log survives the
 * next attempt.
 * @param kind backend or tool family, e.g. `virtualenv` or `tools`.
 * @param name the env key or tool name.
 */
export function buildLogPath(cacheDir: string, kind: string, name: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:.]/g, '');
  return path.join(cacheDir, 'logs', kind, `${name}-${stamp}-${process.pid}.log`);
}

const NOISE = [/^\[notice\]/i, /^hint:/i, /^note:/i, /^warning: you are using pip version/i];
// ANSI CSI sequences (colours, cursor moves) that tools print even into pipes.
const ANSI = new RegExp(String.raw`\u001b\[[0-9;?]*[ -/]*[@-~]`, 'g');

/**
 * The line of a tool's output that best says why it failed: the last non-empty line that is not
 * a `[notice]`, `hint:` or `note:` line, with colours, uv's tree glyphs (`×`, `╰─▶`, `│`) and its
 * `cause:` / `Caused by:` labels stripped. Returns `''` for output with no such line.
 */
export function lastMeaningfulLine(output: string): string {
  const lines = output.replace(ANSI, '').split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = (lines[i] ?? '').replace(/^[\s×╰─▶│├┬└|]+/u, '').replace(/^(caused by|cause):\s*/i, '').trim();
    if (line !== '' && !NOISE.some((re) => re.test(line))) return line;
  }
  return '';
}
