/**
 * Pure rules for choosing a Python by version. A request is a dotted prefix: "3" matches any 3.x.y,
 * "3.11" any 3.11.x, and a full "3.11.7" only 3.11.7. MLflow asks pyenv for the newest matching
 * release and installs it (`mlflow/utils/virtualenv.py::_find_latest_installable_python_version`);
 * we only pick among interpreters already installed.
 */

/** Splits "3.11.7" into ["3", "11", "7"]; surrounding spaces and a leading "python" are ignored. */
export function versionParts(version: string): string[] {
  return version.trim().replace(/^python\s*/i, '').split('.').filter((part) => part !== '');
}

/** true when the full version `found` (e.g. "3.11.7") satisfies `requested` (e.g. "3.11"). */
export function versionMatches(requested: string, found: string): boolean {
  const want = versionParts(requested);
  const have = versionParts(found);
  return want.length > 0 && want.length <= have.length && want.every((part, i) => part === have[i]);
}

/**
 * Whether a candidate whose name hints at a version (`python3.12` -> "3.12", a pyenv dir "3.11.7")
 * could satisfy `requested`: their common leading parts agree. A name with no hint (`python3`,
 * a pyenv dir "3.11-dev") is always plausible. Used only to skip probing hopeless candidates.
 */
export function plausible(requested: string, hint: string | null): boolean {
  if (hint === null) return true;
  const want = versionParts(requested);
  const have = versionParts(hint);
  const common = Math.min(want.length, have.length);
  for (let i = 0; i < common; i++) if (want[i] !== have[i]) return false;
  return true;
}

/** Sorts version strings newest first, numerically ("3.10.13" after "3.9.18"); non-numeric last. */
export function newestFirst(a: string, b: string): number {
  const pa = versionParts(a).map(Number);
  const pb = versionParts(b).map(Number);
  const badA = pa.some(Number.isNaN);
  const badB = pb.some(Number.isNaN);
  if (badA || badB) return badA === badB ? a.localeCompare(b) : badA ? 1 : -1;
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pb[i] ?? -1) - (pa[i] ?? -1);
    if (diff !== 0) return diff;
  }
  return 0;
}
