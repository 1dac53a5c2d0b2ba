// Property: whatever the value of a parameter (any Unicode, quotes, $(), backticks, newlines, empty),
// the command we render, run by bash as `mlproject run` does (`bash -c <command>`), hands the child
// exactly that value as one argument. NUL is left out: an argv string cannot carry it.
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EntryPoint } from '../../spec/src/index.js';
import { EXTRA_PARAM_NAME, ParamsError, computeCommand } from '../src/index.js';

const NASTY = ["'", '"', '$', '(', ')', '`', '\\', '\n', '\r', '\t', ' ', '!', '*', '?', ';', '&', '|', '<', '>', '~', '#', '{', '}', '=', '-', 'é', '☕', '𝟏', '\u00a0', '\u202e'];
const value = fc
  .oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: fc.constantFrom(...NASTY), maxLength: 20 }), fc.constant(''))
  .filter((s) => !s.includes('\0'));

/** The argv bash hands to `printf '%s\0'`, i.e. the arguments after the rendered command's words. */
function argvOf(command: string): string[] {
  const result = spawnSync('bash', ['-c', command], { encoding: 'buffer' });
  expect(result.status, result.stderr.toString()).toBe(0);
  const out = result.stdout.toString('utf8').split('\0');
  expect(out.pop()).toBe('');
  return out;
}

// A fixed first argument, since printf prints its format once even with no arguments.
const printArgs = "printf '%s\\0' argv";

describe('a rendered value reaches the child as exactly one argument (bash -c)', () => {
  it('for declared parameters (type string) and a trailing extra', () => {
    const ep: EntryPoint = {
      name: 'main',
      command: `${printArgs} {a} x{b}y`,
      parameters: [
        { name: 'a', type: 'string', default: null },
        { name: 'b', type: 'str', default: null },
      ],
    };
    fc.assert(
      fc.property(value, value, value, (a, b, extra) => {
        expect(argvOf(computeCommand(ep, { a, b, extra }))).toEqual(['argv', a, `x${b}y`, '--extra', extra]);
      }),
      { numRuns: 200 },
    );
  });

  it('for extra parameters of a script entry point, in -P order, whatever their names', () => {
    const ep: EntryPoint = { name: 'run.sh', command: printArgs, parameters: [] };
    const name = fc.oneof(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,12}$/), fc.string({ unit: fc.constantFrom(...NASTY, 'a'), maxLength: 6 }));
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(name, value), { maxLength: 3, selector: ([n]) => n }), (pairs) => {
        const params = Object.fromEntries(pairs) as Record<string, string>;
        let command: string;
        try {
          command = computeCommand(ep, params);
        } catch (error) {
          expect(error).toBeInstanceOf(ParamsError);
          expect((error as ParamsError).code).toBe('ERR_MLPROJECT_PARAMS_INVALID_NAME');
          expect(pairs.some(([n]) => !EXTRA_PARAM_NAME.test(n))).toBe(true);
          return;
        }
        expect(argvOf(command)).toEqual(['argv', ...pairs.flatMap(([n, v]) => [`--${n}`, v])]);
      }),
      { numRuns: 200 },
    );
  });
});
