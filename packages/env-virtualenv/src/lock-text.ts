/**
 * Pure reading of `pip freeze` / `uv pip freeze` locks, one requirement per line:
 * `name==version`, `name @ url` (a direct URL or local file), `-e url-or-path` (editable).
 */

/** PEP 503 name normalization: lower case, runs of `-`, `_`, `.` become one `-`. */
export function canonicalName(name: string): string {
  return name.trim().toLowerCase().replace(/[-_.]+/g, '-');
}

/** One lock line: the distribution's canonical name (or the line for `-e`) and the line normalized. */
export interface LockEntry {
  name: string;
  line: string;
}

const PINNED = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(==|@)\s*(.+)$/;

/** The entries of a lock, in order; blank lines, `#` comments and `--option` lines skipped. */
export function lockEntries(text: string): LockEntry[] {
  const entries: LockEntry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('--')) continue;
    const match = PINNED.exec(line);
    if (match === null) {
      entries.push({ name: line, line });
      continue;
    }
    const name = canonicalName(match[1] ?? '');
    const sep = match[2] === '==' ? '==' : ' @ ';
    entries.push({ name, line: `${name}${sep}${(match[3] ?? '').trim()}` });
  }
  return entries;
}

/** What `actual` lacks of `expected` and has beyond it, as normalized lines (each sorted). */
export function diffLocks(expected: string, actual: string): { missing: string[]; extra: string[] } {
  const want = new Set(lockEntries(expected).map((e) => e.line));
  const have = new Set(lockEntries(actual).map((e) => e.line));
  return {
    missing: [...want].filter((line) => !have.has(line)).sort(),
    extra: [...have].filter((line) => !want.has(line)).sort(),
  };
}
