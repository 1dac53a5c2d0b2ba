import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exampleDir, mlproject, tempDir } from './helpers.js';

// The README's main job, for real: uv (provisioned from PyPI when missing), a real virtualenv with
// pandas, scikit-learn and the real `mlflow` client, the unmodified train.py, and a real SQLite file.
describe('mlproject run examples/sklearn-linear (real Python, real mlflow client)', () => {
  const cwd = tempDir('e2e');
  const env = { MLPROJECT_CACHE_DIR: path.join(cwd, 'cache') };
  let first: Awaited<ReturnType<typeof mlproject>>;
  let runId: string;

  beforeAll(async () => {
    first = await mlproject(['run', exampleDir, '-e', 'train', '-P', 'alpha=0.8'], { cwd, env });
    runId = /Run ID: ([0-9a-f]{32})/.exec(first.stdout)?.[1] ?? '';
  });

  it('builds the env, trains, prints the run ID and r2_score, exits 0', () => {
    expect(first.exitCode, first.all).toBe(0);
    expect(runId).toMatch(/^[0-9a-f]{32}$/);
    expect(first.stdout).toMatch(/r2_score: 0\.\d+/);
    expect(first.stderr).toMatch(/built environment .* in [0-9.]+ s/);
  });

  it('records params, metric, MLflow tags, FINISHED and the model files', async () => {
    const shown = await mlproject(['runs', 'show', runId, '--json'], { cwd, env });
    expect(shown.exitCode, shown.all).toBe(0);
    const details = JSON.parse(shown.stdout);
    const params = Object.fromEntries(details.run.data.params.map((p: { key: string; value: string }) => [p.key, p.value]));
    expect(params).toMatchObject({ alpha: '0.8', max_iter: '100', data_path: 'data.csv' });
    const r2 = details.run.data.metrics.find((m: { key: string }) => m.key === 'r2_score');
    expect(r2.value).toBeGreaterThan(0.3);
    const tags = Object.fromEntries(details.run.data.tags.map((t: { key: string; value: string }) => [t.key, t.value]));
    expect(tags).toMatchObject({
      'mlflow.source.type': 'PROJECT',
      'mlflow.project.entryPoint': 'train',
      'mlflow.project.env': 'virtualenv',
      'mlflow.project.backend': 'local',
    });
    expect(tags['mlflow.user']).toBeTruthy();
    expect(tags['mlflow.source.name']).toContain('sklearn-linear');
    expect(details.run.info.status).toBe('FINISHED');
    expect(details.run.info.endTime).toBeGreaterThanOrEqual(details.run.info.startTime);
    const files = details.models.flatMap((m: { files: { path: string }[] }) => m.files.map((f) => f.path));
    expect(files).toEqual(expect.arrayContaining(['MLmodel', 'python_env.yaml', 'requirements.txt']));
    // mlflow 3.17 serialises scikit-learn models with skops by default; older releases use pickle.
    expect(files.some((f: string) => /^model\.(skops|pkl)$/.test(f))).toBe(true);
  });

  it('lists the run in `runs list` (table and JSON)', async () => {
    const table = await mlproject(['runs', 'list'], { cwd, env });
    expect(table.stdout).toContain(runId);
    expect(table.stdout).toContain('FINISHED');
    const json = JSON.parse((await mlproject(['runs', 'list', '--json'], { cwd, env })).stdout);
    expect(json.map((r: { info: { runId: string } }) => r.info.runId)).toContain(runId);
  });

  it('reuses the environment on the second run, installing nothing', async () => {
    const second = await mlproject(['run', exampleDir, '-e', 'train', '--param', 'alpha=0.3'], { cwd, env });
    expect(second.exitCode, second.all).toBe(0);
    expect(second.stderr).toMatch(/reused environment .* in [0-9.]+ s/);
    expect(second.all).not.toMatch(/Installed \d+ package|Successfully installed/);
  });
});

describe('failures are recorded honestly and reported in one line', () => {
  const cwd = tempDir('fail');
  const env = { MLPROJECT_CACHE_DIR: path.join(cwd, 'cache') };
  const project = path.join(cwd, 'proj');

  beforeAll(() => {
    mkdirSync(project);
    writeFileSync(path.join(project, 'MLproject'), [
      'name: failing',
      'entry_points:',
      '  main:',
      '    parameters:',
      '      code: {type: int, default: 3}',
      '      needed: string',
      '    command: "python -c \'import sys; sys.exit({code})\'"',
      '',
    ].join('\n'));
  });

  it('a script that exits 3 gives a FAILED run and exit code 3', async () => {
    const result = await mlproject(['run', project, '-P', 'needed=x', '--env-manager', 'local'], { cwd, env });
    expect(result.exitCode, result.all).toBe(3);
    const runId = /Run ID: ([0-9a-f]{32})/.exec(result.stdout)?.[1] ?? '';
    const shown = JSON.parse((await mlproject(['runs', 'show', runId, '--json'], { cwd, env })).stdout);
    expect(shown.run.info.status).toBe('FAILED');
  });

  it('a typo in the entry point name is one clear line, exit 1, no stack trace', async () => {
    const result = await mlproject(['run', project, '-e', 'mian', '-P', 'needed=x'], { cwd, env });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim().split('\n')[0]).toMatch(/^mlproject: error: .*Could not find mian among entry points \['main'\]/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a missing required parameter is one clear line, exit 1, no stack trace', async () => {
    const result = await mlproject(['run', project], { cwd, env });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^mlproject: error: .*No value given for missing parameters: 'needed'/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
