import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { mlflowPython } from '../../tracking-server/test/python-env.js';
import { openSqliteStore } from '../src/index.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'mlproject-mlflow-touch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A user points an MLflow tool at the mlproject store (`mlflow ui --backend-store-uri
// sqlite:///mlproject.db`, or the client with that tracking URI). MLflow tries to migrate it, fails,
// and leaves an empty alembic_version table: the store must stay usable, with every run in it.
describe('an mlproject store touched by the real mlflow client', () => {
  it('still opens, with its runs, after MLflow failed to migrate it', async () => {
    const file = join(dir, 'mlproject.db');
    const store = openSqliteStore(file);
    const runId = (await store.createRun({ experimentId: '0', userId: 'u', startTime: 1, tags: [] })).info.runId;
    await store.logMetric(runId, { key: 'm', value: 1.5, timestamp: 2, step: 0 });
    await store.close();
    const python = await mlflowPython('3.17.2');
    const touched = await run(python, ['-c', `import mlflow; mlflow.set_tracking_uri("sqlite:///${file}"); mlflow.start_run()`]).then(
      () => 'ok', (error: { stderr?: string }) => String(error.stderr ?? error),
    );
    // MLflow cannot use our schema (the exact failure depends on its version).
    expect(touched).not.toBe('ok');
    const reopened = openSqliteStore(file);
    expect((await reopened.getRun(runId)).data.metrics).toMatchObject([{ key: 'm', value: 1.5 }]);
    await reopened.close();
  });
});
