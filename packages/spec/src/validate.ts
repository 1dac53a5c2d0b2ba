// Valibot glue: schemas over parsed YAML (where mappings are `Map`s), messages that say what was
// expected and what was found, and the conversion of the first issue into a one-line SpecError.
import * as v from 'valibot';
import { SpecError } from './errors.js';
import { describeValue } from './values.js';
import { parseYaml } from './yaml11.js';

/** An error message function: `expected <what>, found <description of the input>`. */
export function expected(what: string): (issue: v.BaseIssue<unknown>) => string {
  return (issue) => `expected ${what}, found ${describeValue(issue.input)}`;
}

/** An error message function for MLflow's own wording, followed by what was found. */
export function mlflowMessage(text: string): (issue: v.BaseIssue<unknown>) => string {
  return (issue) => `${text} Found: ${describeValue(issue.input)}.`;
}

/**
 * A YAML mapping with known keys. The `Map` becomes a null-prototype object in which every declared
 * key is present (missing ones as `undefined`), so that each key's own schema reports a missing
 * required key in its own words. Non-string keys are dropped as unknown keys (MLflow ignores unknown
 * keys), or, with `strict`, kept as text so that `v.strictObject` reports them.
 */
export function mapping<const E extends v.ObjectEntries>(entries: E, what: string, strict = false) {
  const toObject = (input: Map<unknown, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(entries)) out[key] = undefined;
    for (const [key, value] of input) {
      if (typeof key === 'string') out[key] = value;
      else if (strict) out[String(key)] = value;
    }
    return out;
  };
  return v.pipe(
    v.custom<Map<unknown, unknown>>((input) => input instanceof Map, expected(what)),
    v.transform(toObject),
    strict ? v.strictObject(entries, unknownKey(Object.keys(entries))) : v.object(entries, expected(what)),
  );
}

function unknownKey(known: string[]): (issue: v.BaseIssue<unknown>) => string {
  return (issue) => {
    const key = issue.path?.at(-1)?.key;
    return `unknown key ${JSON.stringify(String(key))}; expected only ${known.join(', ')}`;
  };
}

/** A YAML mapping of names (strings) to values of one schema; keeps file order. */
export function namedMapping<S extends v.GenericSchema>(value: S, what: string, nameWhat: string) {
  return v.map(v.string(expected(nameWhat)), value, expected(what));
}

/**
 * An optional key: a missing or null value becomes `fallback`. (A pipe that starts with `v.unknown()`
 * keeps the key required in the inferred type; {@link mapping} makes every declared key present.)
 */
export function orDefault<S extends v.GenericSchema, const D>(schema: S, fallback: D) {
  type Present = Exclude<v.InferOutput<S>, null | undefined>;
  return v.pipe(
    v.unknown(),
    v.nullish(schema),
    v.transform((x): Present | D => (x === undefined || x === null ? fallback : (x as Present))),
  );
}

/** Render a valibot issue path as a dotted key path: `entry_points.main.parameters.alpha`, `volumes[1]`. */
export function keyPathOf(issue: v.BaseIssue<unknown>, base: string | null): string | null {
  let out = base ?? '';
  for (const item of issue.path ?? []) {
    const key: unknown = item.key;
    if (item.type === 'array') out += `[${String(key)}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? null : out;
}

/** Where a schema runs: the file, the key path of its input, and the hint for a failing key path. */
export interface Where {
  file: string | null;
  base?: string | null;
  hint: (keyPath: string | null) => string;
}

/**
 * Run a schema and collect every issue as a SpecError (`abortEarly: false`: each entry point and
 * parameter is checked even when an earlier one failed). `output` is set only when there is none.
 */
export function collect<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
  where: Where,
): { ok: true; output: v.InferOutput<S> } | { ok: false; errors: SpecError[] } {
  const result = v.safeParse(schema, input, { abortEarly: false });
  if (result.success) return { ok: true, output: result.output };
  const errors = result.issues.map((issue) => {
    const keyPath = keyPathOf(issue, where.base ?? null);
    return new SpecError('ERR_MLPROJECT_SPEC_INVALID', issue.message, { file: where.file, keyPath, hint: where.hint(keyPath) });
  });
  return { ok: false, errors };
}

/**
 * Run a schema and return its output, or throw the first issue as a SpecError.
 *
 * @throws {@link SpecError} `ERR_MLPROJECT_SPEC_INVALID` with `keyPath` = `base` + the issue's path
 */
export function check<S extends v.GenericSchema>(schema: S, input: unknown, where: Where): v.InferOutput<S> {
  const result = collect(schema, input, where);
  if (result.ok) return result.output;
  throw result.errors[0]!;
}

/**
 * Parse an environment file's YAML and run its schema, collecting every problem: a YAML error, an
 * empty file ("expected <what>, found an empty file"), or each schema issue. `hint(raw, keyPath)`
 * gives the hint for a problem (it sees the parsed document, so it can say "this looks like the other
 * kind of file").
 */
export function collectEnvFile<S extends v.GenericSchema>(
  text: string,
  file: string,
  schema: S,
  what: string,
  hint: (raw: unknown, keyPath: string | null) => string,
): { ok: true; output: v.InferOutput<S> } | { ok: false; errors: SpecError[] } {
  let raw: unknown;
  try {
    raw = parseYaml(text, file);
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    return { ok: false, errors: [error] };
  }
  if (raw === null) {
    return { ok: false, errors: [new SpecError('ERR_MLPROJECT_SPEC_INVALID', `expected ${what}, found an empty file`, { file, hint: hint(raw, null) })] };
  }
  return collect(schema, raw, { file, hint: (keyPath) => hint(raw, keyPath) });
}
