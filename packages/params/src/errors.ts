/** Stable codes of {@link ParamsError}. */
export type ParamsErrorCode =
  /** A `-P` argument without `=` (MLflow: click UsageError). */
  | 'ERR_MLPROJECT_PARAMS_INVALID_FORMAT'
  /** The same `-P` name given twice (MLflow: click UsageError). */
  | 'ERR_MLPROJECT_PARAMS_REPEATED'
  /** Required parameters (no default) without a value. */
  | 'ERR_MLPROJECT_PARAMS_MISSING'
  /** A `-P` value of an `int` or `float` parameter that Python's `int()` / `float()` would refuse. */
  | 'ERR_MLPROJECT_PARAMS_INVALID_VALUE'
  /** A `uri` parameter whose value has no scheme. */
  | 'ERR_MLPROJECT_PARAMS_INVALID_URI'
  /** A `path` parameter whose local file or directory does not exist. */
  | 'ERR_MLPROJECT_PARAMS_PATH_NOT_FOUND'
  /** A `path` parameter given a remote URI (s3://, gs://, runs:/, ...), which MLflow would download. */
  | 'ERR_MLPROJECT_PARAMS_REMOTE_PATH_UNSUPPORTED'
  /** An extra (undeclared) parameter whose name is not safe to pass as `--name`. */
  | 'ERR_MLPROJECT_PARAMS_INVALID_NAME'
  /** The entry point's command is not a valid `str.format` template for its declared parameters. */
  | 'ERR_MLPROJECT_PARAMS_COMMAND_TEMPLATE';

// Characters a terminal shows as a line break; user text inside a message gets them escaped.
const LINE_BREAKS = /[\n\r\v\f\u0085\u2028\u2029]/g;

/** `text` with line breaks written as `\n`, `\r`, `\x0b`, `\x0c`, `\x85`, `\u2028`, `\u2029`, so it stays one line. */
export function oneLine(text: string): string {
  return text.replace(LINE_BREAKS, (ch) => {
    if (ch === '\n') return '\\n';
    if (ch === '\r') return '\\r';
    const cp = ch.charCodeAt(0);
    return cp < 0x100 ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u${cp.toString(16)}`;
  });
}

/** Options of the {@link ParamsError} constructor. */
export interface ParamsErrorOptions {
  hint?: string;
  param?: string;
  /** Absolute path of the file at fault (the MLproject, for a command template error), if any. */
  file?: string | null;
  /** Dotted key path inside `file`, e.g. `entry_points.main.command`. */
  keyPath?: string | null;
  cause?: unknown;
}

/**
 * An expected error in parameters or in filling the command. `message` is one line,
 * `<file>: <keyPath>: <detail>` when the error is located in a file (a command template error when
 * the caller passed the MLproject's path), else just `detail`: MLflow's own wording where MLflow has
 * a message; line breaks in the user text it quotes, e.g. a `-P` value, are escaped as `\n`. `hint`
 * says what to do, `param` names the parameter or template field at fault when there is one.
 */
export class ParamsError extends Error {
  readonly code: ParamsErrorCode;
  readonly hint: string | undefined;
  readonly param: string | undefined;
  readonly file: string | null;
  readonly keyPath: string | null;
  /** The message without the location. */
  readonly detail: string;
  constructor(code: ParamsErrorCode, message: string, options: ParamsErrorOptions = {}) {
    const file = options.file ?? null;
    const keyPath = options.keyPath ?? null;
    super(oneLine([file, keyPath, message].filter((part) => part !== null && part !== '').join(': ')), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ParamsError';
    this.code = code;
    this.hint = options.hint === undefined ? undefined : oneLine(options.hint);
    this.param = options.param;
    this.file = file;
    this.keyPath = keyPath;
    this.detail = oneLine(message);
  }
}
