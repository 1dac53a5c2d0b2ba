// Python's int() and float() acceptance of a -P value, for the validation MLflow's docs promise but
// its code never does. CPython first maps each non-ASCII character: Unicode whitespace to ' ' and a
// decimal digit (category Nd) to its ASCII digit (_PyUnicode_TransformDecimalAndSpaceToASCII); ASCII
// characters are kept as they are. The ASCII text must then match the literal grammar below, with
// optional surrounding ASCII whitespace and `_` only between digits (PEP 515).
import { strRepr } from '@mlproject/spec';
import { ParamsError } from './errors.js';

// Non-ASCII code points for which Python's str.isspace() is true.
const UNICODE_SPACE = /[\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
const DIGITS = '[0-9]+(?:_[0-9]+)*';
const SPACE = '[ \\t\\n\\v\\f\\r]*';
const INT = new RegExp(`^${SPACE}[-+]?${DIGITS}${SPACE}$`);
const FLOAT = new RegExp(
  `^${SPACE}[-+]?(?:(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][-+]?${DIGITS})?|inf|infinity|nan)${SPACE}$`,
  'i',
);

function toAscii(value: string): string {
  let out = '';
  for (const ch of value) {
    if (ch.charCodeAt(0) < 0x80) out += ch;
    else if (UNICODE_SPACE.test(ch)) out += ' ';
    else if (/\p{Nd}/u.test(ch)) out += '0';
    else return '\u0000'; // matches neither grammar
  }
  return out;
}

/** Whether Python's `int(value)` accepts the string: `10`, `-3`, `+4`, `1_000`, ` 7 ` (not `1.0`, `0x10`, `1e3`). */
export function isPythonInt(value: string): boolean {
  return INT.test(toAscii(value));
}

/** Whether Python's `float(value)` accepts the string: `0.5`, `1e-3`, `.5`, `5.`, `inf`, `-Infinity`, `nan`, `1_0.5`. */
export function isPythonFloat(value: string): boolean {
  return FLOAT.test(toAscii(value));
}

const CHECKS: Record<string, { test: (value: string) => boolean; what: string; examples: string }> = {
  int: { test: isPythonInt, what: "an int (a whole number Python's int() accepts)", examples: '10, -3 or 1_000' },
  float: { test: isPythonFloat, what: "a float (a number Python's float() accepts)", examples: '0.5, 1e-3 or inf' },
};

/**
 * Check a user-given (`-P`) value of a parameter declared `type: int` or `type: float` (exactly these
 * names): it must be a string Python's `int()` / `float()` accepts. Other types, and defaults, are not
 * checked: real projects write `{type: int, default: auto}`. The value itself is never changed.
 *
 * MLflow's docs say it validates numbers; `mlflow/projects/_project_spec.py::Parameter.compute_value`
 * does not (a deliberate difference).
 *
 * @throws {@link ParamsError} `ERR_MLPROJECT_PARAMS_INVALID_VALUE` naming the parameter, the value and
 *   the expected type
 */
export function checkNumericValue(name: string, type: string, value: string): void {
  const check = Object.hasOwn(CHECKS, type) ? CHECKS[type] : undefined;
  if (check === undefined || check.test(value)) return;
  throw new ParamsError('ERR_MLPROJECT_PARAMS_INVALID_VALUE', `Invalid value ${strRepr(value)} for parameter ${name}: expected ${check.what}`, {
    hint: `Pass ${type === 'int' ? 'an' : 'a'} ${type} with -P ${name}=..., e.g. ${check.examples}; or change the parameter's type in the MLproject if ${strRepr(value)} is meant.`,
    param: name,
  });
}
