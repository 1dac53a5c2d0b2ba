import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../spec/src/index.js';
import { floatRepr, pythonRepr, pythonStr, strRepr } from '../src/index.js';

// str() of `yaml.safe_load("k: <yaml>")["k"]`, recorded with Python 3.11 and PyYAML 6.0.3.
const PYTHON: [string, string][] = [
  ['0.1', '0.1'], ['1.0', '1.0'], ['1e-3', '1e-3'], ['0.000001', '1e-06'], ['.01', '0.01'], ['1.5e-5', '1.5e-05'],
  ['1.0e+5', '100000.0'], ['100', '100'], ['010', '8'], ['true', 'True'], ['False', 'False'], ['yes', 'True'],
  ['~', 'None'], ['None', 'None'], ["''", ''], ['[64, 32]', '[64, 32]'], ["[a, 'b c', 1.0, null, yes]", "['a', 'b c', 1.0, None, True]"],
  ['{a: 1, b: [x]}', "{'a': 1, 'b': ['x']}"], ['{1: 2.5}', '{1: 2.5}'], ['2024-01-05', '2024-01-05'],
  ['2024-01-05 10:00:00', '2024-01-05 10:00:00'], ['2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.100000-05:00'],
  ['2001-12-14 21:59:43 Z', '2001-12-14 21:59:43+00:00'], ['2001-12-14 21:59:43.5+05:30', '2001-12-14 21:59:43.500000+05:30'],
  ['.inf', 'inf'], ['-.inf', '-inf'], ['.nan', 'nan'], ['1e+16', '1e+16'], ['12345678901234567890', '12345678901234567890'],
  ['1:30', '90'], ['3.0e+20', '3e+20'], ['1.0e+16', '1e+16'], ['123456789012345.6', '123456789012345.6'],
  ['0.30000000000000004', '0.30000000000000004'], ['-0.0', '-0.0'], [`"it's"`, "it's"],
  [`["it's", 'say "hi"', "tab\\t", café]`, `["it's", 'say "hi"', 'tab\\t', 'café']`],
  [
    '[2024-01-05, 2001-12-14 21:59:43+5, 2001-12-14 21:59:43.100000 Z]',
    '[datetime.date(2024, 1, 5), datetime.datetime(2001, 12, 14, 21, 59, 43, tzinfo=datetime.timezone(datetime.timedelta(seconds=18000))), ' +
      'datetime.datetime(2001, 12, 14, 21, 59, 43, 100000, tzinfo=datetime.timezone.utc)]',
  ],
];

describe('pythonStr of YAML values parsed by @mlproject/spec', () => {
  for (const [yaml, str] of PYTHON) {
    it(`str(${yaml}) == ${JSON.stringify(str)}`, () => {
      expect(pythonStr((parseYaml(`k: ${yaml}`, null) as Map<string, unknown>).get('k'))).toBe(str);
    });
  }
});

describe('pythonStr of plain JavaScript values', () => {
  it('renders integral numbers as ints and others as floats', () => {
    expect([pythonStr(10), pythonStr(0.004), pythonStr(-0.99), pythonStr(1e21), pythonStr(2 ** 60)]).toEqual([
      '10', '0.004', '-0.99', '1000000000000000000000', '1152921504606846976',
    ]);
  });
  it('renders null, undefined and booleans like Python', () => {
    expect([pythonStr(null), pythonStr(undefined), pythonStr(true), pythonStr(false)]).toEqual(['None', 'None', 'True', 'False']);
  });
  it('renders plain objects as dicts and recursive lists like Python', () => {
    expect(pythonStr({ a: 'x', b: [1, 0.5] })).toBe("{'a': 'x', 'b': [1, 0.5]}");
    const loop: unknown[] = [1];
    loop.push(loop);
    expect(pythonStr(loop)).toBe('[1, [...]]');
  });
  it('refuses values YAML cannot produce', () => {
    expect(() => pythonStr(() => 1)).toThrow(TypeError);
    expect(() => pythonStr(new Date())).toThrow('cannot render a Date');
  });
});

describe('floatRepr (Python float repr: shortest round-trip digits)', () => {
  const cases: [number, string][] = [
    [0.1, '0.1'], [1, '1.0'], [1e-6, '1e-06'], [1e-5, '1e-05'], [0.0001, '0.0001'], [1e16, '1e+16'], [1e15, '1000000000000000.0'],
    [1234567890123456, '1234567890123456.0'], [12345678901234567, '1.2345678901234568e+16'], [1e22, '1e+22'], [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'], [100000, '100000.0'], [9.999999999999999e-5, '9.999999999999999e-05'],
    [0.30000000000000004, '0.30000000000000004'], [-0.99, '-0.99'], [1.5e-5, '1.5e-05'], [1e100, '1e+100'], [-0, '-0.0'],
    [NaN, 'nan'], [Infinity, 'inf'], [-Infinity, '-inf'],
  ];
  for (const [x, repr] of cases) it(`repr(${String(x)}) == ${repr}`, () => expect(floatRepr(x)).toBe(repr));
});

describe('strRepr (Python repr of str)', () => {
  it('picks quotes and escapes as Python does', () => {
    expect(strRepr('main')).toBe("'main'");
    expect(strRepr("it's")).toBe(`"it's"`);
    expect(strRepr(`it's "x"`)).toBe(`'it\\'s "x"'`);
    expect(strRepr('a\\b\n\t\x01\x7f\u00a0\u2028é😀')).toBe("'a\\\\b\\n\\t\\x01\\x7f\\xa0\\u2028é😀'");
  });
  it('is what pythonRepr uses for strings inside lists', () => {
    expect(pythonRepr(['a', "b'"])).toBe(`['a', "b'"]`);
  });
});
