import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mlflowPython } from '../../../packages/tracking-server/test/python-env.js';
import { cliBin, mlproject, tempDir, writeProject } from './helpers.js';

// `mlproject run` and `runs show` against every kind of tracking URI, with the real mlflow client
// in the child: a JSON file, PostgreSQL (when the CI server is there) and a remote `mlproject server`
// that requires a token. The child's python is an mlflow venv put first on PATH (env manager local).
const postgresUri = process.env['MLPROJECT_TEST_POSTGRES_URI'];

const MLPROJECT = `name: stores
python_env: python_env.yaml
entry_points:
  main:
    parameters:
      alpha: {type: float, default: 0.5}
    command: "python train.py {alpha}"
  plain:
    command: "python -c 'print(42)'"
`;
const TRAIN = `import sys, mlflow
with mlflow.start_run():
    mlflow.log_metric("score", float(sys.argv[1]) * 2)
    mlflow.log_text("hello", "notes/hello.txt")
`;

describe('mlproject run over every store kind (real mlflow client in the child)', () => {
  const cwd = tempDir('stores');
  const project = writeProject(path.join(cwd, 'proj'), { MLproject: MLPROJECT, 'train.py': TRAIN, 'python_env.yaml': 'python: "3.11"\ndependencies: []\n' });
  let env: Record<string, string>;
  let server: ResultPromise | undefined;
  let serverUrl = '';

  beforeAll(async () => {
    const python = await mlflowPython('3.17.2');
    env = { PATH: `${path.dirname(python)}:${process.env['PATH'] ?? ''}`, MLPROJECT_CACHE_DIR: path.join(cwd, 'cache') };
    if (process.env['UV_CACHE_DIR']) env['UV_CACHE_DIR'] = process.env['UV_CACHE_DIR'];
    server = execa('node', [cliBin, 'server', '--port', '0', '--backend-store-uri', 'sqlite:///server/team.db'], {
      cwd, env: { MLPROJECT_SERVER_TOKEN: 'team-token' }, reject: false, all: true,
    });
    serverUrl = await new Promise<string>((resolve, reject) => {
      let out = '';
      server?.all?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /at (http:\/\/\S+) /.exec(out);
        if (match?.[1]) resolve(match[1]);
      });
      void server?.then(() => reject(new Error(`server exited: ${out}`)));
    });
  });

  afterAll(() => {
    server?.kill('SIGTERM');
  });

  async function runAndShow(uri: string, extraEnv: Record<string, string> = {}, args: string[] = ['-P', 'alpha=0.7']) {
    const ran = await mlproject(['run', project, '--env-manager', 'local', '--tracking-uri', uri, ...args], { cwd, env: { ...env, ...extraEnv } });
    expect(ran.exitCode, ran.all).toBe(0);
    const runId = /Run ID: ([0-9a-f]{32})/.exec(ran.stdout)?.[1] ?? '';
    const shown = await mlproject(['runs', 'show', runId, '--json', '--tracking-uri', uri], { cwd, env: { ...env, ...extraEnv } });
    expect(shown.exitCode, shown.all).toBe(0);
    return JSON.parse(shown.stdout) as { run: { info: { status: string }; data: { metrics: { key: string; value: number }[]; params: { key: string; value: string }[] } }; artifacts: { path: string; size: number }[]; artifactDir: string | null };
  }

  it('a JSON file store', async () => {
    const details = await runAndShow('json:///stores.json');
    expect(details.run.info.status).toBe('FINISHED');
    expect(details.run.data.metrics).toContainEqual(expect.objectContaining({ key: 'score', value: 1.4 }));
    // The child's stdout and stderr are kept beside what the script logged.
    expect(details.artifacts.filter((a) => !a.path.startsWith('logs/'))).toEqual([{ path: 'notes/hello.txt', size: 5 }]);
    expect(details.artifacts.map((a) => a.path)).toEqual(expect.arrayContaining(['logs/stderr.txt', 'logs/stdout.txt']));
    expect(details.artifactDir).toMatch(/\/mlartifacts\/0\/[0-9a-f]{32}\/artifacts$/);
    expect(details.artifactDir?.startsWith(cwd)).toBe(true);
  });

  (postgresUri ? it : it.skip)(`a PostgreSQL store${postgresUri ? '' : ' (skipped: MLPROJECT_TEST_POSTGRES_URI is not set)'}`, async () => {
    const details = await runAndShow(postgresUri ?? '');
    expect(details.run.info.status).toBe('FINISHED');
    expect(details.run.data.params).toEqual([{ key: 'alpha', value: '0.7' }]);
    // The child's stdout and stderr are kept beside what the script logged.
    expect(details.artifacts.filter((a) => !a.path.startsWith('logs/'))).toEqual([{ path: 'notes/hello.txt', size: 5 }]);
    expect(details.artifacts.map((a) => a.path)).toEqual(expect.arrayContaining(['logs/stderr.txt', 'logs/stdout.txt']));
  });

  it('a remote mlproject server with a token: the child logs to it directly, artifacts stay on the server', async () => {
    const refused = await mlproject(['run', project, '--env-manager', 'local', '--tracking-uri', serverUrl], { cwd, env });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/^mlproject: error: .*requires authentication.*MLFLOW_TRACKING_TOKEN/);
    const details = await runAndShow(serverUrl, { MLFLOW_TRACKING_TOKEN: 'team-token' });
    expect(details.run.info.status).toBe('FINISHED');
    expect(details.artifactDir).toBeNull();
    // The child's stdout and stderr are kept beside what the script logged.
    expect(details.artifacts.filter((a) => !a.path.startsWith('logs/'))).toEqual([{ path: 'notes/hello.txt', size: 5 }]);
    expect(details.artifacts.map((a) => a.path)).toEqual(expect.arrayContaining(['logs/stderr.txt', 'logs/stdout.txt']));
  });

  it('a virtualenv run against the remote server uploads its environment lock there', async () => {
    const ran = await mlproject(['run', project, '-e', 'plain', '--tracking-uri', serverUrl], { cwd, env: { ...env, MLFLOW_TRACKING_TOKEN: 'team-token' } });
    expect(ran.exitCode, ran.all).toBe(0);
    const runId = /Run ID: ([0-9a-f]{32})/.exec(ran.stdout)?.[1] ?? '';
    const shown = await mlproject(['runs', 'show', runId, '--json', '--tracking-uri', serverUrl], { cwd, env: { ...env, MLFLOW_TRACKING_TOKEN: 'team-token' } });
    const details = JSON.parse(shown.stdout) as { artifacts: { path: string }[]; run: { data: { tags: { key: string; value: string }[] } } };
    expect(details.artifacts.map((a) => a.path)).toContain('environment/lock.txt');
    // The child's stdout was spooled and uploaded to the server; `runs logs` reads it back from there.
    const logs = await mlproject(['runs', 'logs', runId, '--tracking-uri', serverUrl], { cwd, env: { ...env, MLFLOW_TRACKING_TOKEN: 'team-token' } });
    expect(logs.stdout).toBe('42');
    expect(details.run.data.tags.map((t) => t.key)).toContain('mlproject.env.lockDigest');
    // Replaying that lock reads it back from the server.
    const replay = await mlproject(['run', project, '-e', 'plain', '--tracking-uri', serverUrl, '--frozen-from', runId], { cwd, env: { ...env, MLFLOW_TRACKING_TOKEN: 'team-token' } });
    expect(replay.exitCode, replay.all).toBe(0);
  });
});
