import { describe, expect, it } from 'vitest';
import { PyFloat, PyTimestamp, SpecError, parseYaml } from '../src/index.js';

const value = (scalar: string): unknown => (parseYaml(`k: ${scalar}`, '/p/f.yaml') as Map<string, unknown>).get('k');
const float = (scalar: string): number => {
  const v = value(scalar);
  expect(v).toBeInstanceOf(PyFloat);
  return (v as PyFloat).value;
};
const fail = (text: string): SpecError => {
  try {
    parseYaml(text, '/p/f.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError);
    return error as SpecError;
  }
  throw new Error('expected parseYaml to throw');
};

// Expected types and values were produced by PyYAML 6.0.3 `yaml.safe_load("k: <scalar>")`.
describe('parseYaml: PyYAML safe_load scalar types (YAML 1.1)', () => {
  it('keeps exponents without a dot or without a sign as strings', () => {
    for (const s of ['1e-3', '2e-5', '1e5', '1e+16', '1e-3.5']) expect(value(s)).toBe(s);
  });
  it('reads floats that have a dot, keeping the source text', () => {
    expect(float('0.1')).toBe(0.1);
    expect(float('1.0')).toBe(1);
    expect((value('1.0') as PyFloat).source).toBe('1.0');
    expect(float('1.5e-5')).toBe(1.5e-5);
    expect(float('1.0e+5')).toBe(100000);
    expect(float('.5')).toBe(0.5);
    expect(float('1.')).toBe(1);
    expect(float('0.000001')).toBe(0.000001);
    expect(float('1_0.5_0')).toBe(10.5);
    expect(float('190:20:30.15')).toBe(685230.15);
    expect(Object.is(float('-0.0'), -0)).toBe(true);
  });
  it('reads .inf and .nan, and overflows to inf like Python', () => {
    expect(float('.inf')).toBe(Infinity);
    expect(float('-.Inf')).toBe(-Infinity);
    expect(float('+.inf')).toBe(Infinity);
    expect(float('.NaN')).toBeNaN();
    expect(float('1.8e+308')).toBe(Infinity);
  });
  it('leaves a signed leading-dot float as a string', () => {
    expect(value('-.5')).toBe('-.5');
    expect(value('+.5')).toBe('+.5');
  });
  it('reads octal, hex, binary, underscores and base-60 ints', () => {
    const cases: [string, unknown][] = [
      ['010', 8], ['-010', -8], ['0x1F', 31], ['-0x1f', -31], ['0b101', 5], ['0b_1', 1], ['1_000', 1000],
      ['1__0', 10], ['1_', 1], ['0_', 0], ['00', 0], ['+12', 12], ['-0', 0], ['1:30', 90], ['1:5', 65], ['12:30:00', 45000],
    ];
    for (const [s, v] of cases) expect([s, value(s)]).toEqual([s, v]);
  });
  it('leaves non-octal and other near-ints as strings', () => {
    for (const s of ['08', '0o17', '0b', '0x', '_1', '1:60', '00:30', '0.5.5']) expect(value(s)).toBe(s);
  });
  it('keeps integers beyond 2^53 exact as bigint', () => {
    expect(value('12345678901234567890')).toBe(12345678901234567890n);
    expect(value('-9007199254740993')).toBe(-9007199254740993n);
    expect(value('9007199254740991')).toBe(9007199254740991);
  });
  it('reads PyYAML booleans but not y/n, and None as a string', () => {
    for (const s of ['yes', 'Yes', 'YES', 'on', 'On', 'true', 'True', 'TRUE']) expect(value(s)).toBe(true);
    for (const s of ['no', 'No', 'off', 'OFF', 'false', 'False']) expect(value(s)).toBe(false);
    for (const s of ['y', 'n', 'Y', 'fAlse', 'None']) expect(value(s)).toBe(s);
  });
  it('reads ~, null and an empty value as null', () => {
    for (const s of ['~', 'null', 'Null', 'NULL', '']) expect(value(s)).toBeNull();
  });
  it('reads dates and datetimes with their UTC offset', () => {
    const date = value('2024-01-05') as PyTimestamp;
    expect(date).toBeInstanceOf(PyTimestamp);
    expect([date.kind, date.year, date.month, date.day]).toEqual(['date', 2024, 1, 5]);
    const dt = value('2001-12-14t21:59:43.10-05:00') as PyTimestamp;
    expect([dt.kind, dt.hour, dt.minute, dt.second, dt.microsecond, dt.utcOffsetMinutes]).toEqual(['datetime', 21, 59, 43, 100000, -300]);
    expect((value('2001-12-14 21:59:43.10 Z') as PyTimestamp).utcOffsetMinutes).toBe(0);
    expect((value('2024-1-5 10:00:00') as PyTimestamp).utcOffsetMinutes).toBeNull();
    expect(JSON.stringify(dt)).toBe('"2001-12-14T21:59:43.100000-05:00"');
    expect(value('2024-1-5')).toBe('2024-1-5');
  });
  it('does not resolve quoted scalars', () => {
    expect(value('"0.1"')).toBe('0.1');
    expect(value("'yes'")).toBe('yes');
  });
  it('applies explicit tags the way PyYAML constructors do', () => {
    expect(float('!!float 1')).toBe(1);
    expect(value("!!int '0x10'")).toBe(16);
    expect(value('!!str 5')).toBe('5');
    expect(value('!!bool yes')).toBe(true);
    expect(value('!!null x')).toBeNull();
  });
});

describe('parseYaml: documents and collections', () => {
  it('returns null for an empty file or comments only', () => {
    expect(parseYaml('', null)).toBeNull();
    expect(parseYaml('# just a comment\n', null)).toBeNull();
  });
  it('keeps mapping order and key types in a Map', () => {
    const m = parseYaml('b: 1\na: 2\n1: x\nyes: y', null) as Map<unknown, unknown>;
    expect([...m.keys()]).toEqual(['b', 'a', 1, true]);
  });
  it('lets the last duplicate key win, as PyYAML does', () => {
    expect(parseYaml('a: 1\na: 2', null)).toEqual(new Map([['a', 2]]));
  });
  it('merges << keys, explicit keys winning', () => {
    const doc = parseYaml('base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n  z: 4', null) as Map<string, unknown>;
    expect(doc.get('d')).toEqual(new Map([['x', 1], ['y', 3], ['z', 4]]));
  });
  it('drops a UTF-8 BOM and normalises CRLF in block scalars', () => {
    expect(parseYaml('\ufeffa: 1', null)).toEqual(new Map([['a', 1]]));
    expect(parseYaml('a: |\r\n  x\r\n  y\r\n', null)).toEqual(new Map([['a', 'x\ny\n']]));
  });
});

describe('parseYaml: errors', () => {
  it('reports syntax errors with file, line and column', () => {
    const e = fail('entry_points:\n  main:\n    command: "python jobs/fit.py\n');
    expect(e.code).toBe('ERR_MLPROJECT_SPEC_YAML');
    expect(e.message).toBe('/p/f.yaml: invalid YAML: Missing closing "quote at line 4, column 1');
    expect(e.hint).toContain('PyYAML');
  });
  it('rejects tabs used as indentation', () => {
    expect(fail('a:\n\t- 1').message).toBe('/p/f.yaml: invalid YAML: Tabs are not allowed as indentation at line 2, column 1');
  });
  it('rejects a second document, like safe_load', () => {
    expect(fail('---\na: 1\n---\nb: 2').message).toBe('/p/f.yaml: expected a single YAML document, found another document (line 3)');
  });
  it('rejects tags that safe_load cannot construct', () => {
    expect(fail('a: !!python/name:os.system x').code).toBe('ERR_MLPROJECT_SPEC_YAML');
    expect(fail('a: !foo x').message).toContain('Unresolved tag: !foo');
    expect(fail('a: =').message).toContain("PyYAML cannot load a plain '='");
  });
  it('marks !!set and !!binary as unsupported rather than invalid', () => {
    const e = fail('a: !!set {x}');
    expect(e.code).toBe('ERR_MLPROJECT_SPEC_UNSUPPORTED');
    expect(e.message).toContain('the YAML type !!set is not supported');
  });
  it('rejects impossible dates and bad explicit ints like Python', () => {
    expect(fail('a: 2024-02-30').message).toContain("invalid date: '2024-02-30'");
    expect(fail('a: !!int 1.5').message).toContain("invalid literal for int(): '1.5'");
  });
});

// Expected values from PyYAML 6 `yaml.safe_load` on the same text (no newline at the end of the file).
describe('parseYaml: block scalars on the last line of a file without a final newline', () => {
  const k = (text: string): unknown => (parseYaml(text, '/p/f.yaml') as Map<string, unknown>).get('k');
  it('keep no final line break for |, |+, > and >+ (LF and CRLF), as PyYAML', () => {
    expect(k('k: |\n  echo ARGS')).toBe('echo ARGS');
    expect(k('k: |\r\n  a\r\n  b')).toBe('a\nb');
    expect(k('k: |+\n  a\n\n  b')).toBe('a\n\nb');
    expect(k('k: |-\n  a\n  b')).toBe('a\nb');
    expect(k('k: >\n  a\n  b  ')).toBe('a b  ');
    expect(k('k: >+\n  a\n  b')).toBe('a b');
  });
  it('keep it when the file ends with a line break, a blank line or a comment', () => {
    expect(k('k: |\n  a\n')).toBe('a\n');
    expect(k('k: |+\n  a\n\n  ')).toBe('a\n\n');
    expect(k('k: |\n  a\n# c')).toBe('a\n');
    expect(parseYaml('a:\n  k: |\n    x\nb: |\n  y', null)).toEqual(new Map([['a', new Map([['k', 'x\n']])], ['b', 'y']]));
  });
});

describe('parseYaml: a file nested too deeply', () => {
  it('says so instead of "Maximum call stack size exceeded"', () => {
    for (const text of ['k: ' + '['.repeat(20000) + ']'.repeat(20000), 'k: ' + '{a: '.repeat(20000) + '1' + '}'.repeat(20000)]) {
      const e = fail(text);
      expect(e.code).toBe('ERR_MLPROJECT_SPEC_YAML');
      expect(e.detail).toMatch(/^the file is nested too deeply to read/);
      expect(e.message).not.toMatch(/call stack/);
    }
  });
});
