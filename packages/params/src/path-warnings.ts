import { existsSync } from 'node:fs';
import path from 'node:path';
import type { EntryPoint } from '@mlproject/spec';
import { shellQuote, strRepr } from '@mlproject/spec';
import { pythonStr } from './python-str.js';
import { urlsplit } from './url.js';

/** Stable codes of {@link ParamsWarning}. */
export type ParamsWarningCode =
  /** A relative path that exists from the caller's directory but not from the project directory. */
  'WARN_MLPROJECT_PARAMS_RELATIVE_PATH';

/** A problem worth telling the user about that does not stop the run. `message` is one line. */
export interface ParamsWarning {
  code: ParamsWarningCode;
  message: string;
  /** What to do, one sentence. */
  hint: string;
  /** The parameter the warning is about. */
  param: string;
}

/** Options of {@link pathWarnings}. */
export interface PathWarningsOptions {
  /** The caller's current directory (where the user typed the relative path). */
  cwd: string;
  /** The project directory, where the command runs. */
  projectDir: string;
  /** Whether an absolute path exists (default `fs.existsSync`). */
  exists?: (absPath: string) => boolean;
}

/**
 * Find parameter values that look like relative paths which resolve from the caller's directory but
 * not from the project directory, where MLflow (and we) run the command: `-P data=data/train.csv` typed
 * next to the data, with the project elsewhere. Only parameters MLflow passes through as text are
 * considered: declared ones of any type but `path` (made absolute against the caller's directory) and
 * `uri`, with the user's value or a string default, and extra (undeclared) ones. Only values that look
 * like paths count (a `/` or a file extension, see {@link looksLikePath}; `-P split=test` is a word even
 * if `test/` exists); values that are absolute or have a URL scheme are skipped, as is everything when
 * both directories are the same, and a value that exists in the project directory never warns.
 *
 * MLflow passes such values through unchanged (`mlflow/projects/_project_spec.py::Parameter.compute_value`);
 * this is the most common surprise of its tutorial.
 *
 * @returns one `WARN_MLPROJECT_PARAMS_RELATIVE_PATH` warning per such parameter, declared ones first
 *   (declaration order), then extras (user order); never throws for odd values
 */
export function pathWarnings(entryPoint: EntryPoint, userParams: Record<string, string>, options: PathWarningsOptions): ParamsWarning[] {
  const cwd = path.resolve(options.cwd);
  const projectDir = path.resolve(options.projectDir);
  if (cwd === projectDir) return [];
  const exists = options.exists ?? existsSync;
  const given = (name: string): boolean => Object.hasOwn(userParams, name);
  const candidates: { name: string; value: string; declared: boolean }[] = [];
  for (const p of entryPoint.parameters) {
    if (p.type === 'path' || p.type === 'uri') continue;
    if (given(p.name)) candidates.push({ name: p.name, value: userParams[p.name] as string, declared: true });
    else if (typeof p.default === 'string') candidates.push({ name: p.name, value: pythonStr(p.default), declared: true });
  }
  for (const [name, value] of Object.entries(userParams)) {
    if (!entryPoint.parameters.some((p) => p.name === name)) candidates.push({ name, value, declared: false });
  }
  return candidates
    .filter(({ value }) => isRelativePath(value) && exists(path.resolve(cwd, value)) && !exists(path.resolve(projectDir, value)))
    .map(({ name, value, declared }) => warning(entryPoint.name, name, value, declared, cwd, projectDir));
}

function isRelativePath(value: string): boolean {
  return value !== '' && !value.includes('\0') && !path.isAbsolute(value) && looksLikePath(value) && urlsplit(value).scheme === '';
}

/**
 * Whether a value reads as a path rather than a word: it has a `/` (`data/train.csv`, `./out`, `../x`)
 * or ends in a file extension with a letter (`train.csv`, `config.json`, not `0.5`). A plain word such
 * as `test` is left alone even when a `test/` directory happens to exist.
 */
export function looksLikePath(value: string): boolean {
  return value.includes('/') || /[^./]\.(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{1,10}$/.test(value);
}

function warning(entryPoint: string, name: string, value: string, declared: boolean, cwd: string, projectDir: string): ParamsWarning {
  const absolute = path.resolve(cwd, value);
  const declare = declared
    ? `Declare ${name} with type: path in the MLproject (its value is then made absolute against the current directory)`
    : `Declare ${name} under entry_points.${entryPoint}.parameters with type: path`;
  return {
    code: 'WARN_MLPROJECT_PARAMS_RELATIVE_PATH',
    message:
      `Parameter ${name} is the relative path ${strRepr(value)}, which exists in the current directory (${cwd}) ` +
      `but not in the project directory (${projectDir}); the command runs in the project directory, so the path will not resolve there`,
    hint: `${declare}, or pass an absolute path: -P ${shellQuote(`${name}=${absolute}`)}.`,
    param: name,
  };
}
