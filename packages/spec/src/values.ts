/**
 * How YAML values are represented after parsing (PyYAML `safe_load` types, mapped to JavaScript):
 *
 * | PyYAML type        | JavaScript                                                       |
 * |--------------------|------------------------------------------------------------------|
 * | `str`              | `string`                                                         |
 * | `bool`             | `boolean`                                                        |
 * | `None`             | `null`                                                           |
 * | `int`              | `number` (a safe integer), `bigint` beyond +-(2^53 - 1)          |
 * | `float`            | {@link PyFloat} (so `1.0` stays a float and renders as `1.0`)    |
 * | `date`/`datetime`  | {@link PyTimestamp}                                              |
 * | `list`             | `unknown[]`                                                      |
 * | `dict`             | `Map<unknown, unknown>` (keys keep their YAML type and order)    |
 *
 * A plain JS `number` therefore always means a Python `int`. `@mlproject/params` renders all of these
 * with Python's `str()`; it recognises the two classes by the {@link PYTHON_TYPE} brand, a
 * `Symbol.for` key, so it needs no runtime import of this package.
 */
export const PYTHON_TYPE: unique symbol = Symbol.for('@mlproject/spec.pythonType');

/** A YAML float (`0.1`, `1.0`, `1.5e-05`, `.inf`): `value` is the number, `source` the text as written. */
export class PyFloat {
  readonly [PYTHON_TYPE] = 'float' as const;
  constructor(
    readonly value: number,
    readonly source: string = String(value),
  ) {
    Object.freeze(this);
  }
  valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
}

/** The fields of a {@link PyTimestamp}; `utcOffsetMinutes` is null for a naive datetime or a date. */
export interface PyTimestampFields {
  kind: 'date' | 'datetime';
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
  utcOffsetMinutes: number | null;
  source: string;
}

/** A YAML timestamp: a Python `datetime.date` (`kind: 'date'`) or `datetime.datetime`. */
export class PyTimestamp implements PyTimestampFields {
  readonly [PYTHON_TYPE] = 'timestamp' as const;
  readonly kind: 'date' | 'datetime';
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly microsecond: number;
  readonly utcOffsetMinutes: number | null;
  readonly source: string;
  constructor(fields: PyTimestampFields) {
    this.kind = fields.kind;
    this.year = fields.year;
    this.month = fields.month;
    this.day = fields.day;
    this.hour = fields.hour;
    this.minute = fields.minute;
    this.second = fields.second;
    this.microsecond = fields.microsecond;
    this.utcOffsetMinutes = fields.utcOffsetMinutes;
    this.source = fields.source;
    Object.freeze(this);
  }
  /** ISO 8601, as Python's `isoformat()`: `2024-01-05` or `2024-01-05T10:00:00+00:00`. */
  toJSON(): string {
    return isoformat(this);
  }
}

function isoformat(t: PyTimestamp): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const date = `${p(t.year, 4)}-${p(t.month)}-${p(t.day)}`;
  if (t.kind === 'date') return date;
  const frac = t.microsecond === 0 ? '' : `.${p(t.microsecond, 6)}`;
  let tz = '';
  if (t.utcOffsetMinutes !== null) {
    const m = Math.abs(t.utcOffsetMinutes);
    tz = `${t.utcOffsetMinutes < 0 ? '-' : '+'}${p(Math.floor(m / 60))}:${p(m % 60)}`;
  }
  return `${date}T${p(t.hour)}:${p(t.minute)}:${p(t.second)}${frac}${tz}`;
}

/** Python truthiness of a parsed YAML value (`None`, `False`, `0`, `0.0`, `''`, `[]`, `{}` are falsy). */
export function pyTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === '' || value === 0 || value === 0n) {
    return false;
  }
  if (value instanceof PyFloat) return value.value !== 0;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map) return value.size > 0;
  return true;
}

/** A short description of a parsed YAML value for error messages: `the integer 5`, `a mapping`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the key is missing)';
  if (value === null) return 'null (an empty value)';
  if (typeof value === 'boolean') return `the boolean ${String(value)}`;
  if (typeof value === 'number' || typeof value === 'bigint') return `the integer ${String(value)}`;
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (value instanceof PyFloat) return `the float ${value.source}`;
  if (value instanceof PyTimestamp) return `the ${value.kind === 'date' ? 'date' : 'timestamp'} ${value.source}`;
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (value instanceof Map) return value.size === 0 ? 'an empty mapping' : 'a mapping';
  return `a value of type ${typeof value}`;
}
