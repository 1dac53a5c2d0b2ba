export type RunnerErrorCode =
  | 'ERR_MLPROJECT_RUN_PROJECT_NOT_FOUND'
  | 'ERR_MLPROJECT_RUN_UNSUPPORTED'
  | 'ERR_MLPROJECT_RUN_BAD_OPTION'
  | 'ERR_MLPROJECT_RUN_USAGE'
  | 'ERR_MLPROJECT_RUN_TRACKING_URI'
  | 'ERR_MLPROJECT_RUN_NOT_FOUND'
  | 'ERR_MLPROJECT_RUN_INTERRUPTED'
  | 'ERR_MLPROJECT_RUN_DIRTY'
  | 'ERR_MLPROJECT_RUN_TIMEOUT'
  | 'ERR_MLPROJECT_RUN_NOT_OURS'
  | 'ERR_MLPROJECT_RUN_OTHER_HOST'
  | 'ERR_MLPROJECT_RUN_NO_LOGS';

/** An expected failure of the runner: one-line `message`, a `hint` saying what to do next. */
export class RunnerError extends Error {
  readonly code: RunnerErrorCode;
  readonly hint: string | undefined;
  constructor(code: RunnerErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RunnerError';
    this.code = code;
    this.hint = options.hint;
  }
}
