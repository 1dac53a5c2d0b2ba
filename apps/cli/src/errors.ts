/** An error this project expects (bad input, a missing file, a failed build): it has a stable code. */
export interface ExpectedError {
  code: string;
  message: string;
  hint?: string | undefined;
  logFile?: string | undefined;
}

/** True for errors raised on purpose by the packages (`ERR_MLPROJECT_*` codes). */
export function isExpected(error: unknown): error is ExpectedError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string'
    && (error as unknown as { code: string }).code.startsWith('ERR_MLPROJECT_');
}

/** One line (plus an optional hint and log line) for an expected error; the stack otherwise. */
export function formatError(error: unknown): string {
  if (!isExpected(error)) return error instanceof Error ? (error.stack ?? String(error)) : String(error);
  const lines = [`mlproject: error: ${error.message.split('\n')[0]}`];
  if (error.logFile && !error.hint?.includes(error.logFile)) lines.push(`  full log: ${error.logFile}`);
  if (error.hint) lines.push(`  hint: ${error.hint}`);
  return lines.join('\n');
}

/** Errors in how the command was written, as click's UsageError in `mlflow run`: exit code 2. */
const USAGE_CODES = new Set([
  'ERR_MLPROJECT_PARAMS_INVALID_FORMAT',
  'ERR_MLPROJECT_PARAMS_REPEATED',
  'ERR_MLPROJECT_RUN_USAGE',
]);

/** The environment could not be built (a tool missing, no matching Python, a failed install). */
const ENV_BUILD_CODES = new Set([
  'ERR_MLPROJECT_ENV_TOOL_MISSING',
  'ERR_MLPROJECT_ENV_PYTHON_NOT_FOUND',
  'ERR_MLPROJECT_ENV_BUILD_FAILED',
]);

/** Exit code when the environment could not be built (sysexits' EX_UNAVAILABLE), unlike any error of the script's own. */
export const EXIT_ENV_BUILD_FAILED = 69;

/** 2 for a usage error, 69 when the environment could not be built, 1 for any other expected error, 70 (EX_SOFTWARE) for a bug. */
export function exitCodeForError(error: unknown): number {
  if (!isExpected(error)) return 70;
  if (ENV_BUILD_CODES.has(error.code)) return EXIT_ENV_BUILD_FAILED;
  return USAGE_CODES.has(error.code) ? 2 : 1;
}

/**
 * Node's own errors for files and processes (ENOENT, EISDIR, EACCES, ...) that reach the CLI are
 * about the user's files or machine, not bugs: report them in one line too.
 */
export function asExpected(error: unknown): unknown {
  const e = error as { code?: unknown; syscall?: unknown; message?: unknown };
  if (error instanceof Error && typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code) && typeof e.syscall === 'string') {
    return Object.assign(new Error(error.message), { code: `ERR_MLPROJECT_SYSTEM_${e.code}` });
  }
  return error;
}

/** One line (plus an optional hint line) for a warning that does not stop the command. */
export function formatWarning(warning: { message: string; hint?: string | undefined }): string {
  return `mlproject: warning: ${warning.message}${warning.hint ? `\n  hint: ${warning.hint}` : ''}`;
}
