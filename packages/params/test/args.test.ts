import { describe, expect, it } from 'vitest';
import { ParamsError, parseParamArgs, shellQuote } from '../src/index.js';

const fail = (args: string[]): ParamsError => {
  try {
    parseParamArgs(args);
  } catch (error) {
    expect(error).toBeInstanceOf(ParamsError);
    return error as ParamsError;
  }
  throw new Error('expected parseParamArgs to throw');
};

describe('parseParamArgs', () => {
  it('splits on the first = only (MLflow test: -P name=friend=you)', () => {
    expect(parseParamArgs(['name=friend=you', 'alpha=0.5', 'empty='])).toEqual({ name: 'friend=you', alpha: '0.5', empty: '' });
  });
  it('keeps argument order and case-sensitive names', () => {
    expect(Object.entries(parseParamArgs(['b=1', 'alpha=2', 'ALPHA=3']))).toEqual([['b', '1'], ['alpha', '2'], ['ALPHA', '3']]);
  });
  it('treats __proto__ and constructor as ordinary names', () => {
    const params = parseParamArgs(['__proto__=x', 'constructor=y']);
    expect(Object.keys(params)).toEqual(['__proto__', 'constructor']);
    expect(params.__proto__).toBe('x');
  });
  it("rejects an argument without '=' with MLflow's message", () => {
    const e = fail(['alpha']);
    expect(e.code).toBe('ERR_MLPROJECT_PARAMS_INVALID_FORMAT');
    expect(e.message).toBe("Invalid format for -P parameter: 'alpha'. Use -P name=value.");
    expect(e.hint).toBe('Write -P alpha=<value>.');
  });
  it("rejects a repeated name with MLflow's message", () => {
    const e = fail(['a=1', 'a=2']);
    expect(e.code).toBe('ERR_MLPROJECT_PARAMS_REPEATED');
    expect(e.message).toBe("Repeated parameter: 'a'");
    expect(e.param).toBe('a');
  });
});

describe('shellQuote (Python shlex.quote)', () => {
  // Expected values from Python 3.11 shlex.quote.
  const cases: [string, string][] = [
    ['', "''"], ['a', 'a'], ['hi there', "'hi there'"], ["friend; echo 'hi'", `'friend; echo '"'"'hi'"'"''`], ['café', "'café'"],
    ['a=b:c,d./-_@%+', 'a=b:c,d./-_@%+'], ['x\ny', "'x\ny'"], ['$HOME', "'$HOME'"], ["'", `''"'"''`], ['"', `'"'`], ['-x', '-x'],
    ['日本', "'日本'"], ['~', "'~'"], ['0.5', '0.5'],
  ];
  for (const [s, quoted] of cases) it(`quote(${JSON.stringify(s)}) == ${quoted}`, () => expect(shellQuote(s)).toBe(quoted));
});

describe('ParamsError messages stay on one line', () => {
  it('escapes line breaks in the user text they quote, keeping MLflow wording otherwise', () => {
    expect(() => parseParamArgs(['a\nb'])).toThrow("Invalid format for -P parameter: 'a\\nb'. Use -P name=value.");
    expect(() => parseParamArgs(['x\r=1', 'x\r=2'])).toThrow("Repeated parameter: 'x\\r'");
    expect(new ParamsError('ERR_MLPROJECT_PARAMS_INVALID_URI', 'got a\u2028b\u0085c', { hint: 'do\nthis' })).toMatchObject({
      message: 'got a\\u2028b\\x85c',
      hint: 'do\\nthis',
    });
  });
});
