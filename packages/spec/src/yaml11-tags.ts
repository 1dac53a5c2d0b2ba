// PyYAML's implicit resolvers (yaml/resolver.py) and SafeConstructor (yaml/constructor.py), as tags
// for the `yaml` package. The regular expressions are PyYAML's, character for character, so a plain
// scalar gets exactly the type `yaml.safe_load` gives it: `1e-3` stays a string, `010` is 8, `1:30`
// is 90, `y` is a string, `None` is a string.
import type { ScalarTag } from 'yaml';
import { PyFloat, PyTimestamp } from './values.js';

const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const INT =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const NULL = /^(?:~|null|Null|NULL|)$/;
const TIMESTAMP =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;
// SafeConstructor.timestamp_regexp: laxer than the resolver, used for explicit `!!timestamp` too.
const TIMESTAMP_PARTS =
  /^([0-9]{4})-([0-9][0-9]?)-([0-9][0-9]?)(?:(?:[Tt]|[ \t]+)([0-9][0-9]?):([0-9][0-9]):([0-9][0-9])(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9][0-9]?)(?::([0-9][0-9]))?))?)?$/;

const TAG = 'tag:yaml.org,2002:';

/** An int as PyYAML's construct_yaml_int computes it: a safe-integer number, else a bigint. */
export function constructInt(text: string): number | bigint {
  let value = text.replace(/_/g, '');
  const sign = value.startsWith('-') ? -1n : 1n;
  if (value.startsWith('-') || value.startsWith('+')) value = value.slice(1);
  let big: bigint;
  if (value === '0') big = 0n;
  else if (value.startsWith('0b')) big = parseDigits(value.slice(2), /^[01]+$/, '0b', text);
  else if (value.startsWith('0x')) big = parseDigits(value.slice(2), /^[0-9a-fA-F]+$/, '0x', text);
  else if (value.startsWith('0')) big = parseDigits(value, /^[0-7]+$/, '0o', text);
  else if (value.includes(':')) big = sexagesimal(value.split(':').map((part) => parseDigits(part, /^[0-9]+$/, '', text)));
  else big = parseDigits(value, /^[0-9]+$/, '', text);
  const result = sign * big;
  const asNumber = Number(result);
  return Number.isSafeInteger(asNumber) ? asNumber : result;
}

function parseDigits(digits: string, valid: RegExp, prefix: string, text: string): bigint {
  if (!valid.test(digits)) throw new Error(`invalid literal for int(): '${text}'`);
  return BigInt(prefix + digits);
}

// Base 60, most significant part first: `1:30` is 90 (PyYAML's sexagesimal ints).
function sexagesimal(parts: bigint[]): bigint {
  return parts.reduce((value, digit) => value * 60n + digit, 0n);
}

function sexagesimalFloat(parts: number[]): number {
  // PyYAML sums digit * 60**k from the least significant part up; keep its order of float operations.
  let value = 0;
  let base = 1;
  for (const digit of [...parts].reverse()) {
    value += digit * base;
    base *= 60;
  }
  return value;
}

/** A float as PyYAML's construct_yaml_float computes it (`.inf`, `.nan`, sexagesimal, `_` removed). */
export function constructFloat(text: string): PyFloat {
  let value = text.replace(/_/g, '').toLowerCase();
  const sign = value.startsWith('-') ? -1 : 1;
  if (value.startsWith('-') || value.startsWith('+')) value = value.slice(1);
  let result: number;
  if (value === '.inf') result = Infinity;
  else if (value === '.nan') result = NaN;
  else if (value.includes(':')) result = sexagesimalFloat(value.split(':').map((part) => pythonFloat(part, text)));
  else result = pythonFloat(value, text);
  return new PyFloat(sign * result, text);
}

// Python's float() on an already lower-cased, underscore-free string.
function pythonFloat(value: string, text: string): number {
  const trimmed = value.trim();
  if (/^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[-+]?[0-9]+)?$/.test(trimmed)) return Number(trimmed);
  const special = /^([-+]?)(inf|infinity|nan)$/.exec(trimmed);
  if (special) return special[2] === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  throw new Error(`could not convert string to float: '${text}'`);
}

/** A timestamp as PyYAML's construct_yaml_timestamp computes it, with Python's range checks. */
export function constructTimestamp(text: string): PyTimestamp {
  const m = TIMESTAMP_PARTS.exec(text);
  if (!m) throw new Error(`invalid timestamp: '${text}'`);
  const [year, month, day] = [m[1], m[2], m[3]].map(Number) as [number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth) {
    throw new Error(`invalid date: '${text}' (day is out of range for month)`);
  }
  const base = { year, month, day, hour: 0, minute: 0, second: 0, microsecond: 0, utcOffsetMinutes: null, source: text };
  if (m[4] === undefined) return new PyTimestamp({ ...base, kind: 'date' });
  const [hour, minute, second] = [m[4], m[5], m[6]].map(Number) as [number, number, number];
  if (hour > 23 || minute > 59 || second > 59) throw new Error(`invalid time: '${text}'`);
  const microsecond = m[7] ? Number(m[7].slice(0, 6).padEnd(6, '0')) : 0;
  let utcOffsetMinutes: number | null = null;
  if (m[9] !== undefined) {
    const minutes = Number(m[10]) * 60 + Number(m[11] ?? 0);
    if (minutes >= 24 * 60) throw new Error(`invalid UTC offset: '${text}'`);
    utcOffsetMinutes = m[9] === '-' ? -minutes : minutes;
  } else if (m[8] !== undefined) {
    utcOffsetMinutes = 0;
  }
  return new PyTimestamp({ ...base, kind: 'datetime', hour, minute, second, microsecond, utcOffsetMinutes });
}

function constructBool(text: string): boolean {
  const value = { yes: true, no: false, true: true, false: false, on: true, off: false }[text.toLowerCase()];
  if (value === undefined) throw new Error(`invalid boolean: '${text}'`);
  return value;
}

// Each type twice: an implicit tag (PyYAML's resolver regex) for plain scalars, then a lenient
// explicit one for `!!int "0x10"` and the like, which PyYAML passes straight to the constructor.
function both(name: string, test: RegExp, resolve: (text: string) => unknown): ScalarTag[] {
  return [
    { tag: TAG + name, default: true, test, resolve },
    { tag: TAG + name, default: false, resolve },
  ];
}

/** The scalar tags of PyYAML's SafeLoader, in PyYAML's resolver order (float before int). */
export const pyyamlScalarTags: ScalarTag[] = [
  ...both('bool', BOOL, constructBool),
  ...both('float', FLOAT, constructFloat),
  ...both('int', INT, constructInt),
  ...both('null', NULL, () => null),
  ...both('timestamp', TIMESTAMP, constructTimestamp),
  {
    // PyYAML resolves a plain `=` to tag:yaml.org,2002:value, which safe_load cannot construct.
    tag: `${TAG}value`,
    default: true,
    test: /^=$/,
    resolve: () => {
      throw new Error("PyYAML cannot load a plain '=' (tag:yaml.org,2002:value); quote it: '='");
    },
  },
];
