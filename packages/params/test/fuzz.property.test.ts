// Property: no MLproject text, however malformed, and no -P arguments make parseProject,
// getEntryPoint, parseParamArgs, computeCommand, paramsToLog or pathWarnings throw anything but a
// SpecError or ParamsError, and those carry a one-line message (the CLI prints it without a trace).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { SpecError, getEntryPoint, parseProject } from '../../spec/src/index.js';
import { ParamsError, computeCommand, parseParamArgs, paramsToLog, pathWarnings } from '../src/index.js';

const TOKENS = [
  'entry_points:', 'main:', 'command:', 'parameters:', 'type:', 'default:', 'name:', 'docker_env:', 'image:', 'volumes:',
  'environment:', 'conda_env:', 'python_env:', 'databricks_spark_job:', '\n', '\n  ', '\n    ', '\n      ', ' ', '\t', '\r\n',
  '{', '}', '[', ']', ':', ': ', ',', '- ', '"', "'", '|', '>', '|-', '#', '&a ', '*a', '<<: ', '!!str ', '!!float ',
  '!!int ', '!!binary ', '!!set ', '!!python/object ', '!foo ', '? ', '---', '...', '%YAML 1.1\n', '~', 'null', 'yes', 'On',
  '1e3', '1.5e-5', '010', '0x1F', '1:30', '.inf', '2024-01-05', '2024-13-45', 'None', 'path', 'uri', 'int', 'float', 'a',
  'alpha', '{alpha}', '{{', '}}', '{0}', '{a.b}', '{a!r}', '{a:>3}', '${HOME}', 'python t.py', 'é', '\u0000', '\ufeff',
  '\u0085', '\\', '%', '@', '`', '=',
];
const yamlish = fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).map((parts) => parts.join(''));

const scalar = fc.oneof(
  fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.bigInt(),
  fc.constantFrom('yes', '1e3', '{a}', '${X}', '', 'None', '010', '1:30', 'path', 'uri', 'int', 'float'),
);
const odd = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(fc.string(), tie('value'), { maxKeys: 3 })),
})).value;
const paramName = fc.oneof(fc.constantFrom('a', 'alpha', 'data', 'n'), fc.string({ maxLength: 5 }), fc.string({ unit: 'binary', maxLength: 3 }));
const paramSpec = fc.oneof(
  fc.constantFrom('string', 'float', 'int', 'path', 'uri', 'bool'),
  fc.record({ type: fc.oneof(fc.constantFrom('string', 'float', 'int', 'path', 'uri'), odd), default: odd }, { requiredKeys: [] }),
  odd,
);
const entryPoint = fc.record(
  {
    parameters: fc.oneof(fc.dictionary(paramName, paramSpec, { maxKeys: 4 }), odd),
    command: fc.oneof(fc.constantFrom('python t.py {a} {alpha}', 'echo {data} {n}', 'run {{x}} {a!r}', 'x {}'), odd),
  },
  { requiredKeys: [] },
);
const structured = fc
  .record(
    {
      name: odd,
      entry_points: fc.oneof(fc.dictionary(fc.oneof(fc.constant('main'), fc.string({ maxLength: 6 })), fc.oneof(entryPoint, odd), { maxKeys: 3 }), odd),
      docker_env: fc.oneof(fc.record({ image: odd, volumes: odd, environment: odd }, { requiredKeys: [] }), odd),
      conda_env: odd,
      python_env: odd,
    },
    { requiredKeys: [] },
  )
  .map((obj) => stringify(obj));
const userParams = fc.dictionary(paramName, fc.oneof(fc.string(), fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom('1', '0.5', 'x.csv', 's3://b/k', '')), { maxKeys: 4 });
const args = fc.array(fc.oneof(fc.string(), fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom('a=1', 'a=2', 'alpha', '=x', 'n=1.5')), { maxLength: 4 });

/** Run everything on one input; an unexpected error type or a multi-line message fails the property. */
function exercise(text: string, params: Record<string, string>, rawArgs: string[]): void {
  const expectClean = (fn: () => unknown): void => {
    try {
      fn();
    } catch (error) {
      if (!(error instanceof SpecError || error instanceof ParamsError)) throw error;
      // Anything a terminal or log reader moves to a new line for; both error classes escape them all.
      expect(error.message, error.message).not.toMatch(/[\n\r\v\f\u0085\u2028\u2029]/);
      expect(error.hint ?? '', error.hint).not.toMatch(/[\n\r\v\f\u0085\u2028\u2029]/);
      expect(error.message.length).toBeGreaterThan(0);
    }
  };
  expectClean(() => parseParamArgs(rawArgs));
  let project;
  try {
    project = parseProject(text, { dir: '/p', file: '/p/MLproject', exists: () => true });
  } catch (error) {
    expectClean(() => {
      throw error;
    });
    return;
  }
  for (const name of [...project.entryPoints.map((ep) => ep.name), 'main', 'x.py', 'x.sh', 'nope']) {
    expectClean(() => {
      const ep = getEntryPoint(project, name);
      expectClean(() => computeCommand(ep, params, { cwd: '/c', exists: (p) => p.length % 2 === 0 }));
      expectClean(() => paramsToLog(ep, params));
      pathWarnings(ep, params, { cwd: '/c', projectDir: '/p', exists: (p) => p.startsWith('/c') });
    });
  }
}

describe('no input makes spec or params throw anything but a one-line SpecError or ParamsError', () => {
  it('for YAML-ish token soup', () => {
    fc.assert(fc.property(yamlish, userParams, args, exercise), { numRuns: 2000 });
  });
  it('for arbitrary Unicode text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), userParams, args, exercise), { numRuns: 500 });
  });
  it('for MLproject-shaped objects with odd types, dumped to YAML', () => {
    fc.assert(fc.property(structured, userParams, args, exercise), { numRuns: 1000 });
  });
});
