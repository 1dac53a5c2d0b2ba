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

/** Python's `repr()` of a str: single quotes unless the text has `'` and no `"`; escapes as Python does. */
export function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch !== ' ' && /[\p{C}\p{Z}]/u.test(ch)) {
      const hex = cp.toString(16);
      out += cp < 0x100 ? `\\x${hex.padStart(2, '0')}` : cp < 0x10000 ? `\\u${hex.padStart(4, '0')}` : `\\U${hex.padStart(8, '0')}`;
    } else out += ch;
  }
  return out + quote;
}
