/** Stable codes of {@link SpecError}; the CLI and tests match on these, never on message text. */
export type SpecErrorCode =
  /** The file is valid YAML but not a valid MLproject / python_env file (structure, types, docker_env). */
  | 'ERR_MLPROJECT_SPEC_INVALID'
  /** The file is not valid YAML (or not UTF-8), or uses a YAML feature PyYAML's safe_load refuses. */
  | 'ERR_MLPROJECT_SPEC_YAML'
  /** A file or directory that the spec names (or the project directory) does not exist. */
  | 'ERR_MLPROJECT_SPEC_FILE_NOT_FOUND'
  /** `MLproject.yaml` / `MLproject.yml` exists but `MLproject` does not; MLflow would silently ignore it. */
  | 'ERR_MLPROJECT_SPEC_FILE_MISNAMED'
  /** More than one file in the project directory is named `mlproject` in some letter case. */
  | 'ERR_MLPROJECT_SPEC_FILE_AMBIGUOUS'
  /** The requested entry point is neither declared nor a `.py` / `.sh` / `.R` script name. */
  | 'ERR_MLPROJECT_SPEC_ENTRY_POINT_NOT_FOUND'
  /** A valid MLflow feature this implementation does not support yet (e.g. `databricks_spark_job`). */
  | 'ERR_MLPROJECT_SPEC_UNSUPPORTED';

/** Options of the {@link SpecError} constructor. */
export interface SpecErrorOptions {
  /** Absolute path of the file at fault, or null when there is no file (e.g. a project with no MLproject). */
  file?: string | null;
  /** Dotted key path inside the file, e.g. `entry_points.train.parameters.alpha`. */
  keyPath?: string | null;
  /** What the user should do next, one sentence. */
  hint?: string;
  cause?: unknown;
}

/**
 * An expected error in a project's spec files. `message` is one line: `<file>: <keyPath>: <detail>`,
 * where `detail` says what was expected and what was found (or is MLflow's own message, verbatim,
 * where MLflow's tests match on it). `detail` alone is kept for callers that print the location
 * themselves.
 */
export class SpecError extends Error {
  readonly code: SpecErrorCode;
  readonly file: string | null;
  readonly keyPath: string | null;
  readonly hint: string | undefined;
  readonly detail: string;
  constructor(code: SpecErrorCode, detail: string, options: SpecErrorOptions = {}) {
    const file = options.file ?? null;
    const keyPath = options.keyPath ?? null;
    const message = oneLine([file, keyPath, detail].filter((part) => part !== null && part !== '').join(': '));
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SpecError';
    this.code = code;
    this.file = file;
    this.keyPath = keyPath;
    this.hint = options.hint === undefined ? undefined : oneLine(options.hint);
    this.detail = oneLine(detail);
  }
}

/**
 * Escapes every character a terminal or a log reader would take as a line break (user text such as
 * an entry point name can carry them), so an error stays one line whatever it quotes.
 */
export function oneLine(text: string): string {
  return text.replace(/[\n\r\v\f\u0085\u2028\u2029]/g, (ch) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\v': '\\v', '\f': '\\f' };
    return named[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
