import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
// A plain .mjs script (no types); it converts the built schemas in ../dist.
import { generateSchemas } from '../scripts/generate-schemas.mjs';

const schemasDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../schemas');
const load = (name: string): object => JSON.parse(readFileSync(path.join(schemasDir, name), 'utf8')) as object;

describe('JSON Schemas', () => {
  it('are in sync with the valibot schemas (run `pnpm --filter @mlproject/spec build` after changing them)', () => {
    const generated = (generateSchemas() as { name: string; text: string }[]).map(({ name, text }) => [name, text]);
    expect(generated.map(([name]) => name)).toEqual(['mlproject.schema.json', 'python_env.schema.json', 'conda.schema.json']);
    for (const [name, text] of generated) expect(readFileSync(path.join(schemasDir, name!), 'utf8'), name).toBe(text);
  });

  const ajv = new Ajv({ allErrors: true, strict: false });
  const mlproject = ajv.compile(load('mlproject.schema.json'));
  it('accept real MLproject shapes: shorthand and mapping params, docker_env, null env keys', () => {
    expect(mlproject({
      name: 'docker-example',
      docker_env: { image: 'python:3.10', volumes: ['/a:/a'], environment: [['NEW', 'x'], 'HOME', ['N', 1]] },
      entry_points: {
        main: { parameters: { alpha: 'float', l1: { type: 'float', default: 0.1, description: 'ratio' }, n: { default: 'auto' } }, command: 'python t.py {alpha}' },
        eval: { command: 'echo' },
      },
    }), JSON.stringify(mlproject.errors)).toBe(true);
    expect(mlproject({ conda_env: null, entry_points: { main: { parameters: null, command: 'x' } } })).toBe(false); // parameters: left empty
    // MLflow: "Project cannot contain multiple environment fields", even when one of them is empty.
    expect(mlproject({ conda_env: 'conda.yaml', python_env: 'python_env.yaml', entry_points: {} })).toBe(false);
    expect(mlproject({ docker_env: { image: 'x' }, conda_env: null })).toBe(false);
    expect(mlproject({ python_env: 'python_env.yaml', entry_points: {} })).toBe(true);
  });
  it('flag typo keys, a missing command and a missing docker image, as the warnings and errors do', () => {
    expect(mlproject({ entry_points: { main: { parameters: { n: { 'type:int': null } }, command: 'x' } } })).toBe(false);
    expect(mlproject.errors?.map((e) => e.params)).toContainEqual({ additionalProperty: 'type:int' });
    expect(mlproject({ entry_points: { main: { parameters: { n: 'int' } } } })).toBe(false);
    expect(mlproject({ entry_point: {} })).toBe(false);
    expect(mlproject({ docker_env: { volumes: [] } })).toBe(false);
  });
  it('describe python_env.yaml and conda.yaml the way the parsers read them', () => {
    const pythonEnv = ajv.compile(load('python_env.schema.json'));
    expect(pythonEnv({ python: '3.10', build_dependencies: ['pip'], dependencies: ['-r requirements.txt'] })).toBe(true);
    expect(pythonEnv({ python: 3.1 })).toBe(false);
    expect(pythonEnv({ channels: [] })).toBe(false);
    const conda = ajv.compile(load('conda.schema.json'));
    expect(conda({ name: 'x', channels: ['conda-forge'], dependencies: ['python=3.10', { pip: ['mlflow'] }] })).toBe(true);
    expect(conda({ dependencies: [5] })).toBe(false);
  });
  it('carry titles and descriptions for editor hover', () => {
    const schema = load('mlproject.schema.json') as { title: string; properties: Record<string, { description?: string }> };
    expect(schema.title).toBe('MLproject');
    for (const key of ['name', 'entry_points', 'conda_env', 'python_env', 'docker_env']) expect(schema.properties[key]?.description, key).toBeTruthy();
  });
});
