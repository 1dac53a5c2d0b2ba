// Python's str() and repr() of the values @mlproject/spec produces from YAML (see its values.ts):
// string, boolean, null, number (int), bigint (int), PyFloat, PyTimestamp, arrays and Maps.
import type { PyFloat, PyTimestamp } from '@mlproject/spec';
import { strRepr } from '@mlproject/spec';

export { strRepr };

// The brand @mlproject/spec puts on PyFloat / PyTimestamp. Symbol.for returns the same symbol in
// every module, so this package recognises them without importing spec at runtime.
const PYTHON_TYPE = Symbol.for('@mlproject/spec.pythonType');

function pythonType(value: object): unknown {
  return (value as { [PYTHON_TYPE]?: unknown })[PYTHON_TYPE];
}
const isPyFloat = (value: object): value is PyFloat => pythonType(value) === 'float';
const isPyTimestamp = (value: object): value is PyTimestamp => pythonType(value) === 'timestamp';

/**
 * Python's `str()` of a YAML value: strings as they are, `True`/`False`/`None`, ints, floats as Python
 * prints them (`0.1`, `1.0`, `1e-06`, `1e+16`, `inf`, `nan`), lists as `[64, 32]`, `['a', 'b']`, dicts
 * as `{'a': 1}`, dates as `2024-01-05`, datetimes as `2024-01-05 10:00:00+00:00`.
 * A JS `number` is an int if it is integral and a float otherwise; a PyFloat is always a float.
 *
 * Mirrors the `str(value)` in `mlflow/projects/_project_spec.py::EntryPoint._sanitize_param_dict`.
 *
 * @throws TypeError for values YAML cannot produce (functions, symbols, class instances)
 */
export function pythonStr(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && isPyTimestamp(value)) return timestampStr(value);
  return pythonRepr(value);
}

/**
 * Python's `repr()` of a YAML value, as `str()` uses for items inside lists and dicts: strings quoted
 * (`'a'`), dates as `datetime.date(2024, 1, 5)`; a list or dict that contains itself prints `[...]`.
 *
 * @throws TypeError for values YAML cannot produce
 */
export function pythonRepr(value: unknown, seen: Set<object> = new Set()): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return floatRepr(value);
    return Number.isSafeInteger(value) ? String(value === 0 ? 0 : value) : BigInt(value).toString();
  }
  if (typeof value === 'string') return strRepr(value);
  if (typeof value !== 'object') throw new TypeError(`cannot render a ${typeof value} as a Python value`);
  if (isPyFloat(value)) return floatRepr(value.value);
  if (isPyTimestamp(value)) return timestampRepr(value);
  const isList = Array.isArray(value);
  if (seen.has(value)) return isList ? '[...]' : '{...}';
  seen.add(value);
  try {
    if (isList) return `[${value.map((item) => pythonRepr(item, seen)).join(', ')}]`;
    const entries = value instanceof Map ? [...value.entries()] : isPlainObject(value) ? Object.entries(value) : null;
    if (entries === null) throw new TypeError(`cannot render a ${value.constructor.name} as a Python value`);
    return `{${entries.map(([k, v]) => `${pythonRepr(k, seen)}: ${pythonRepr(v, seen)}`).join(', ')}}`;
  } finally {
    seen.delete(value);
  }
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
}

/**
 * Python's `repr()` of a float: the shortest digits that round-trip (as JavaScript's `String(x)`), in
 * exponent form when the decimal exponent is below -4 or at least 16 (`1e-05`, `1e+16`, `1.5e-07`),
 * otherwise positional with at least one decimal (`0.0001`, `1.0`, `100000.0`).
 */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mantissa = '', exp = '0'] = String(Math.abs(x)).split('e');
  const [int = '', frac = ''] = mantissa.split('.');
  // value = 0.<digits> * 10^point
  let digits = int + frac;
  let point = int.length + Number(exp);
  const lead = /^0*/.exec(digits)?.[0].length ?? 0;
  digits = digits.slice(lead).replace(/0+$/, '');
  point -= lead;
  if (point <= -4 || point > 16) {
    const e = point - 1;
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}.0`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function timestampStr(t: PyTimestamp): string {
  const date = `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}`;
  if (t.kind === 'date') return date;
  const micro = t.microsecond === 0 ? '' : `.${pad(t.microsecond, 6)}`;
  let offset = '';
  if (t.utcOffsetMinutes !== null) {
    const m = Math.abs(t.utcOffsetMinutes);
    offset = `${t.utcOffsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
  }
  return `${date} ${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}${micro}${offset}`;
}

function timestampRepr(t: PyTimestamp): string {
  if (t.kind === 'date') return `datetime.date(${t.year}, ${t.month}, ${t.day})`;
  const fields = [t.year, t.month, t.day, t.hour, t.minute, t.second, t.microsecond];
  if (fields.at(-1) === 0) fields.pop();
  if (fields.at(-1) === 0) fields.pop();
  let tz = '';
  if (t.utcOffsetMinutes === 0) tz = ', tzinfo=datetime.timezone.utc';
  else if (t.utcOffsetMinutes !== null) {
    // timedelta normalises to days (may be -1) plus 0 <= seconds < 86400
    const seconds = t.utcOffsetMinutes * 60;
    const days = Math.floor(seconds / 86400);
    const parts = [days === 0 ? '' : `days=${days}`, `seconds=${seconds - days * 86400}`].filter(Boolean);
    tz = `, tzinfo=datetime.timezone(datetime.timedelta(${parts.join(', ')}))`;
  }
  return `datetime.datetime(${fields.join(', ')}${tz})`;
}
