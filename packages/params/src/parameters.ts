import { existsSync } from 'node:fs';
import path from 'node:path';
import type { EntryPoint, Parameter } from '@mlproject/spec';
import { ParamsError } from './errors.js';
import { pythonStr } from './python-str.js';
import { shellQuote } from './shell.js';
import { checkNumericValue } from './numeric.js';
import { localPathOrNull, urlsplit } from './url.js';

/** Options of {@link computeParameters}. */
export interface ComputeParametersOptions {
  /**
   * Resolve `path` parameters: check that the local file exists and make it absolute (default true,
   * as when MLflow builds the command; false, as when MLflow logs params, keeps the raw value).
   */
  resolvePaths?: boolean;
  /** Directory that relative `path` values are resolved against (default `process.cwd()`, as MLflow). */
  cwd?: string;
  /** Whether an absolute path exists (default `fs.existsSync`). */
  exists?: (absPath: string) => boolean;
}

/** Declared values (declaration order) and extra values (user order), each `shlex.quote(str(value))`. */
export interface ComputedParameters {
  declared: Record<string, string>;
  extra: Record<string, string>;
}

/** Names an extra parameter may have: it is passed on as the flag `--<name>` (safe unquoted, so MLflow 3.17's `shlex.quote` of the name leaves it alone). */
export const EXTRA_PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Compute the values that fill an entry point's command: for each declared parameter the user's value
 * if given (names are case-sensitive), else its default; every other user value is an "extra". Every
 * value becomes `shlex.quote(str(value))`. User values of `int` / `float` parameters must be numbers
 * Python's `int()` / `float()` accept (defaults are not checked; the value is kept as typed). `uri`
 * values must have a scheme; `path` values (with `resolvePaths`) must name an existing local file or
 * directory and become absolute against `cwd`. Parameters are checked in declaration order, after
 * the missing-parameter check, so `computeCommand` and `paramsToLog` both fail before a
 * run would be created.
 *
 * Mirrors `mlflow/projects/_project_spec.py::EntryPoint.compute_parameters` and `Parameter.compute_value`.
 *
 * @throws {@link ParamsError} `ERR_MLPROJECT_PARAMS_MISSING` "No value given for missing parameters: 'a',
 *   'b'" (checked first, declaration order); `ERR_MLPROJECT_PARAMS_INVALID_VALUE` for a user value of an
 *   `int` / `float` parameter that is not a number (MLflow does not check); `ERR_MLPROJECT_PARAMS_INVALID_URI` "Expected URI for
 *   parameter X but got V"; `ERR_MLPROJECT_PARAMS_PATH_NOT_FOUND` "Got value V for parameter X, but no such
 *   file or directory was found."; `ERR_MLPROJECT_PARAMS_REMOTE_PATH_UNSUPPORTED` for a remote `path`
 *   value (MLflow downloads it; not supported yet); `ERR_MLPROJECT_PARAMS_INVALID_NAME` for an extra
 *   whose name does not match {@link EXTRA_PARAM_NAME} (MLflow 3.17 shell-quotes any name, e.g. `--'a b' 1`; older versions passed it unquoted)
 */
export function computeParameters(
  entryPoint: EntryPoint,
  userParams: Record<string, string>,
  options: ComputeParametersOptions = {},
): ComputedParameters {
  const given = (name: string): boolean => Object.hasOwn(userParams, name);
  const missing = entryPoint.parameters.filter((p) => !given(p.name) && p.default === null);
  if (missing[0] !== undefined) {
    throw new ParamsError('ERR_MLPROJECT_PARAMS_MISSING', `No value given for missing parameters: ${missing.map((p) => `'${p.name}'`).join(', ')}`, {
      hint: `Pass ${missing.map((p) => `-P ${p.name}=<${p.type}>`).join(' ')}.`,
      param: missing[0].name,
    });
  }
  const declared = Object.create(null) as Record<string, string>;
  for (const p of entryPoint.parameters) {
    if (given(p.name)) checkNumericValue(p.name, p.type, userParams[p.name] as string);
    const value = given(p.name) ? (userParams[p.name] as string) : pythonStr(p.default);
    declared[p.name] = shellQuote(computeValue(p, value, options));
  }
  const extra = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(userParams)) {
    if (entryPoint.parameters.some((p) => p.name === name)) continue;
    if (!EXTRA_PARAM_NAME.test(name)) {
      const message =
        `Invalid parameter name '${name}': entry point '${entryPoint.name}' does not declare it, ` +
        `so it would be passed on as the flag --${name}`;
      throw new ParamsError('ERR_MLPROJECT_PARAMS_INVALID_NAME', message, {
        hint: `Names of undeclared parameters must match ${String(EXTRA_PARAM_NAME)}; declare the parameter in the MLproject or rename it.`,
        param: name,
      });
    }
    extra[name] = shellQuote(value);
  }
  return { declared, extra };
}

function computeValue(p: Parameter, value: string, options: ComputeParametersOptions): string {
  if (p.type === 'uri' && urlsplit(value).scheme === '') {
    throw new ParamsError('ERR_MLPROJECT_PARAMS_INVALID_URI', `Expected URI for parameter ${p.name} but got ${value}`, {
      hint: 'Give a URI with a scheme, e.g. file:///abs/path or s3://bucket/key (MLflow rejects plain paths for uri parameters).',
      param: p.name,
    });
  }
  if (p.type !== 'path' || options.resolvePaths === false) return value;
  const local = localPathOrNull(value);
  if (local === null) {
    const message = `Got value ${value} for parameter ${p.name}, a remote URI; downloading remote values of path parameters is not supported yet`;
    throw new ParamsError('ERR_MLPROJECT_PARAMS_REMOTE_PATH_UNSUPPORTED', message, {
      hint: 'Download the data yourself and pass its local path.',
      param: p.name,
    });
  }
  const cwd = options.cwd ?? process.cwd();
  const absolute = path.resolve(cwd, local);
  if (local === '' || !(options.exists ?? existsSync)(absolute)) {
    throw new ParamsError('ERR_MLPROJECT_PARAMS_PATH_NOT_FOUND', `Got value ${value} for parameter ${p.name}, but no such file or directory was found.`, {
      hint: `Relative paths are resolved against the current directory (${cwd}), not the project directory, as in MLflow.`,
      param: p.name,
    });
  }
  return absolute;
}
