// Warnings: what MLflow silently accepts but almost always is a mistake. Pure: walks the parsed YAML
// (mappings are `Map`s) and never throws; shapes that are wrong are the schemas' business, not ours.
import type { SpecWarning, SpecWarningCode } from './types.js';

/** The parameter types MLflow names in its docs; only `path` and `uri` change behaviour. */
export const KNOWN_TYPES: readonly string[] = ['string', 'float', 'int', 'path', 'uri'];

const TOP_KEYS = ['name', 'entry_points', 'conda_env', 'python_env', 'docker_env', 'databricks_spark_job'];
const ENTRY_POINT_KEYS = ['parameters', 'command'];
// `description` is common in real files (21 of them) and harmless: documentation MLflow ignores.
const PARAMETER_KEYS = ['type', 'default', 'description'];
const DOCKER_KEYS = ['image', 'volumes', 'environment'];

/** Build a {@link SpecWarning} whose `message` is `<file>: <keyPath>: <detail>`. */
export function specWarning(code: SpecWarningCode, detail: string, where: { file: string; keyPath: string | null; hint?: string }): SpecWarning {
  const message = [where.file, where.keyPath, detail].filter((part) => part !== null && part !== '').join(': ');
  const warning: SpecWarning = { code, file: where.file, keyPath: where.keyPath, message, detail };
  if (where.hint !== undefined) warning.hint = where.hint;
  return warning;
}

/**
 * The warnings of a parsed MLproject (the value {@link parseYaml} returned): unknown keys at the top
 * level, in entry points, parameter specs and docker_env (with the closest known key as a hint), and
 * unknown parameter type names. MLflow ignores all of these (`_project_spec.py` reads keys with
 * `.get`), which silently turns `{type:int, defualt: 5}` into a required string parameter.
 */
export function projectWarnings(raw: unknown, file: string): SpecWarning[] {
  const out: SpecWarning[] = [];
  if (!(raw instanceof Map)) return out;
  unknownKeys(raw, TOP_KEYS, null, file, out);
  const docker = raw.get('docker_env');
  if (docker instanceof Map) unknownKeys(docker, DOCKER_KEYS, 'docker_env', file, out);
  const entryPoints = raw.get('entry_points');
  if (!(entryPoints instanceof Map)) return out;
  for (const [name, ep] of entryPoints) {
    if (!(ep instanceof Map)) continue;
    const base = `entry_points.${String(name)}`;
    unknownKeys(ep, ENTRY_POINT_KEYS, base, file, out);
    const parameters = ep.get('parameters');
    if (!(parameters instanceof Map)) continue;
    for (const [param, spec] of parameters) {
      const keyPath = `${base}.parameters.${String(param)}`;
      if (spec instanceof Map) unknownKeys(spec, PARAMETER_KEYS, keyPath, file, out);
      const type = typeof spec === 'string' ? spec : spec instanceof Map ? spec.get('type') : undefined;
      if (typeof type === 'string' && !KNOWN_TYPES.includes(type)) {
        out.push(unknownType(type, typeof spec === 'string' ? keyPath : `${keyPath}.type`, file));
      }
    }
  }
  return out;
}

// What a misspelled key costs, so the hint can say why it matters.
const CONSEQUENCE: Record<string, string> = {
  default: 'as written the parameter has no default, so it is required',
  type: 'as written the parameter is a string',
  command: 'as written the entry point has no command',
  parameters: 'as written the entry point declares no parameters',
  entry_points: 'as written the project declares no entry points',
  conda_env: 'as written the environment is auto-detected',
  python_env: 'as written the environment is auto-detected',
  docker_env: 'as written the project does not run in docker',
};

function unknownKeys(map: Map<unknown, unknown>, known: string[], base: string | null, file: string, out: SpecWarning[]): void {
  for (const [rawKey, value] of map) {
    const key = String(rawKey);
    if (typeof rawKey === 'string' && known.includes(key)) continue;
    const keyPath = base === null ? key : `${base}.${key}`;
    out.push(specWarning('WARN_MLPROJECT_SPEC_UNKNOWN_KEY', `unknown key ${JSON.stringify(key)}, which MLflow ignores`, {
      file,
      keyPath,
      hint: keyHint(key, value, known, map),
    }));
  }
}

function keyHint(key: string, value: unknown, known: string[], map: Map<unknown, unknown>): string {
  // When the intended key is present too (`{default: 1, defualt: 2}`), the typo is only ignored.
  const consequenceOf = (intended: string): string | undefined =>
    map.has(intended) ? `${JSON.stringify(intended)} is set too, so this key is simply ignored` : CONSEQUENCE[intended];
  // `{type:int}` and `{type str}`: one key where two words were meant.
  const glued = /^([A-Za-z_]+)(?::|\s+)(\S.*)$/.exec(key);
  if (glued?.[1] !== undefined && known.includes(glued[1]) && (value === null || value === undefined)) {
    const consequence = consequenceOf(glued[1]);
    return `Write "${glued[1]}: ${glued[2]}" with a space after the colon; YAML reads "${key}" as one key${consequence ? ` (${consequence})` : ''}.`;
  }
  if (known.includes('type') && KNOWN_TYPES.includes(key)) return `Did you mean "type: ${key}"?`;
  const near = closest(key, known);
  if (near !== undefined) {
    const consequence = consequenceOf(near);
    return `Did you mean "${near}"?${consequence ? ` ${consequence[0]!.toUpperCase()}${consequence.slice(1)}.` : ''}`;
  }
  return `Known keys here: ${known.join(', ')}. Remove the key or fix its indentation.`;
}

function unknownType(type: string, keyPath: string, file: string): SpecWarning {
  const lower = type.toLowerCase();
  const near =
    lower === 'str' || lower === 'text' ? 'string'
    : lower === 'integer' ? 'int'
    : lower === 'number' || lower === 'double' ? 'float'
    : (KNOWN_TYPES.find((known) => lower.startsWith(known)) ?? closest(lower, KNOWN_TYPES));
  const hint = near !== undefined
    ? `Did you mean "${near}"? Known types: ${KNOWN_TYPES.join(', ')}.`
    : `Known types: ${KNOWN_TYPES.join(', ')}; use string for anything else (the value reaches the command as text).`;
  return specWarning('WARN_MLPROJECT_SPEC_UNKNOWN_TYPE', `unknown parameter type ${JSON.stringify(type)}; MLflow treats it as string`, {
    file,
    keyPath,
    hint,
  });
}

/** The known word nearest to `word` (at most 2 edits, transpositions count as 1), if any. */
export function closest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.min(2, Math.max(1, Math.floor(word.length / 3)));
  for (const candidate of known) {
    const d = editDistance(word.toLowerCase(), candidate);
    if (d <= bestDistance && (best === undefined || d < editDistance(word.toLowerCase(), best))) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, d[i - 2]![j - 2]! + 1);
      d[i]![j] = value;
    }
  }
  return d[a.length]![b.length]!;
}
