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
  if (error.logFile) lines.push(`  full log: ${error.logFile}`);
  if (error.hint) lines.push(`  hint: ${error.hint}`);
  return lines.join('\n');
}
