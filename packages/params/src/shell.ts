/**
 * Quote a string for a POSIX shell exactly as Python's `shlex.quote` does: unchanged if it is made
 * only of ASCII letters, digits and `@%+=:,./-_`; `''` if empty; otherwise wrapped in single quotes
 * with each `'` written as `'"'"'`. Non-ASCII text is always quoted.
 *
 * Mirrors `shlex.quote`, which `mlflow/utils/string_utils.py::quote` uses on POSIX.
 */
export function shellQuote(s: string): string {
  if (s === '') return "''";
  if (!/[^\w@%+=:,./-]/.test(s)) return s;
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}
