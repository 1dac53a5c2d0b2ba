// Python's str.format(**params) for a command template, with the field grammar of CPython's
// Objects/stringlib/unicode_format.h (MarkupIterator_next, parse_field). Where Python would raise
// (KeyError, IndexError, ValueError) this throws one clean ParamsError naming the field.
import { ParamsError } from './errors.js';
import { strRepr } from './python-str.js';

interface Field {
  name: string;
  conversion: string | null;
  spec: string;
  at: number;
}

type Fail = (message: string, hint: string, param?: string) => never;

/**
 * Fill `{name}` fields of `template` from `values`; `{{` and `}}` are literal braces. Supported fields
 * are `{name}`, `{name!s}`, `{name!r}` and `{name!a}` (names may contain `-`, as in Python). Fields
 * Python would resolve positionally (`{}`, `{0}`), attribute or index access (`{a.b}`, `{a[0]}`) and
 * format specs (`{a:>10}`) are rejected: no MLproject in the wild uses them.
 *
 * Mirrors Python's `str.format(**params)` as `mlflow/projects/_project_spec.py::EntryPoint.compute_command`
 * calls it.
 *
 * @param entryPoint - the entry point's name, for messages
 * @param where - the file and key path of the template, for the error's location (none by default)
 * @throws {@link ParamsError} `ERR_MLPROJECT_PARAMS_COMMAND_TEMPLATE`
 */
export function formatTemplate(
  template: string,
  values: Record<string, string>,
  entryPoint: string,
  where: { file?: string | null; keyPath?: string | null } = {},
): string {
  const fail: Fail = (message, hint, param) => {
    throw new ParamsError('ERR_MLPROJECT_PARAMS_COMMAND_TEMPLATE', `Command of entry point '${entryPoint}' ${message}`, {
      hint,
      file: where.file ?? null,
      keyPath: where.keyPath ?? null,
      ...(param === undefined ? {} : { param }),
    });
  };
  let out = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    const close = template.indexOf('}', i);
    if (open === -1 && close === -1) return out + template.slice(i);
    const at = open === -1 ? close : close === -1 ? open : Math.min(open, close);
    out += template.slice(i, at);
    const ch = template[at];
    if (template[at + 1] === ch) {
      out += ch;
      i = at + 2;
    } else if (ch === '}') {
      fail(`has a single '}' at character ${at + 1}`, "Write }} for a literal '}' (Python str.format: \"Single '}' encountered in format string\").");
    } else {
      const field = parseField(template, at, fail);
      out += render(field, values, fail, entryPoint);
      i = field.at;
    }
  }
  return out;
}

// Parse the field that starts at the '{' at `start`; `at` of the result is just past its '}'.
function parseField(t: string, start: number, fail: Fail): Field {
  if (start + 1 >= t.length) fail(`ends with a single '{'`, "Write {{ for a literal '{'.");
  let i = start + 1;
  let c = '';
  while (i < t.length) {
    c = t[i++] as string;
    if (c === '{') fail(`has '{' inside the field starting at character ${start + 1}`, "Write {{ and }} for literal braces, e.g. ${{HOME}} or awk '{{print $1}}'.");
    if (c === '[') {
      while (i < t.length && t[i] !== ']') i++;
      continue;
    }
    if (c === '}' || c === ':' || c === '!') break;
  }
  const name = t.slice(start + 1, i - 1);
  let conversion: string | null = null;
  if (c === '!') {
    conversion = t[i++] ?? null;
    c = t[i++] ?? '';
    if (conversion === null || (c !== '}' && c !== ':')) {
      fail(`has a bad conversion in the field starting at character ${start + 1}`, 'Write {name}, {name!r} or {name!s}.');
    }
    if (c === '}') return { name, conversion, spec: '', at: i };
  }
  if (c === ':') {
    let depth = 1;
    const specStart = i;
    while (i < t.length) {
      const d = t[i++];
      if (d === '{') depth++;
      else if (d === '}' && --depth === 0) return { name, conversion, spec: t.slice(specStart, i - 1), at: i };
    }
    fail(`has an unmatched '{' in a format spec`, "Write {{ and }} for literal braces.");
  }
  if (c !== '}') fail(`has a '{' at character ${start + 1} that is never closed`, "Close the field with '}' or write {{ for a literal '{'.");
  return { name, conversion, spec: '', at: i };
}

function render(field: Field, values: Record<string, string>, fail: Fail, entryPoint: string): string {
  const { name, conversion, spec } = field;
  const key = /^[^.[]*/.exec(name)?.[0] ?? '';
  const text = `{${name}${conversion === null ? '' : `!${conversion}`}${spec === '' ? '' : `:${spec}`}}`;
  if (key === '' || /^\d+$/.test(key)) {
    fail(`uses the positional field ${text}`, 'Name the field after a declared parameter, e.g. {alpha}; write {{ and }} for literal braces.', name);
  }
  if (!Object.hasOwn(values, key)) {
    const trimmed = key.trim();
    if (trimmed !== key && trimmed !== '' && Object.hasOwn(values, trimmed)) {
      fail(`uses ${text}, but '${key}' (with spaces) is not a declared parameter of this entry point`, `Write {${trimmed}} without spaces inside the braces.`, key);
    }
    const shownKey = trimmed === '' ? key : trimmed;
    fail(
      `uses ${text}, but '${key}' is not a declared parameter of this entry point`,
      `Declare ${shownKey} under entry_points.${entryPoint}.parameters (-P ${shownKey}=... alone does not fill a field), ` +
        'or write {{ and }} for literal braces, e.g. ${{HOME}}.',
      key,
    );
  }
  if (key !== name) fail(`uses attribute or index access in ${text}`, `Write {${key}}; the value is a shell-quoted string.`, key);
  if (spec !== '') fail(`uses a format spec in ${text}`, `Write {${key}}; format the value in the script instead.`, key);
  const value = values[key] as string;
  if (conversion === null || conversion === 's') return value;
  if (conversion === 'r') return strRepr(value);
  if (conversion === 'a') return strRepr(value).replace(/[^\x00-\x7f]/gu, asciiEscape);
  return fail(`uses the unknown conversion !${conversion} in ${text}`, 'Use !s, !r or !a.', key);
}

function asciiEscape(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const hex = cp.toString(16);
  return cp < 0x100 ? `\\x${hex.padStart(2, '0')}` : cp < 0x10000 ? `\\u${hex.padStart(4, '0')}` : `\\U${hex.padStart(8, '0')}`;
}
