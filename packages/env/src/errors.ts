export type EnvErrorCode =
  | 'ERR_MLPROJECT_ENV_TOOL_MISSING'
  | 'ERR_MLPROJECT_ENV_PYTHON_NOT_FOUND'
  | 'ERR_MLPROJECT_ENV_BUILD_FAILED'
  | 'ERR_MLPROJECT_ENV_UNKNOWN_MANAGER'
  /** `removeEnvironment`: no cached environment has a key starting with the given prefix. */
  | 'ERR_MLPROJECT_ENV_NOT_FOUND'
  /** `removeEnvironment`: the key prefix matches more than one cached environment. */
  | 'ERR_MLPROJECT_ENV_AMBIGUOUS'
  /** `removeEnvironment`: another process is building that environment right now. */
  | 'ERR_MLPROJECT_ENV_BUSY';

/**
 * An expected environment failure. `message` is one line (what failed and where);
 * `hint` says what to do; `logFile` is where the failing tool's full output was kept.
 */
export class EnvError extends Error {
  readonly code: EnvErrorCode;
  readonly hint: string | undefined;
  readonly logFile: string | undefined;
  constructor(code: EnvErrorCode, message: string, options: { hint?: string; logFile?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EnvError';
    this.code = code;
    this.hint = options.hint;
    this.logFile = options.logFile;
  }
}
