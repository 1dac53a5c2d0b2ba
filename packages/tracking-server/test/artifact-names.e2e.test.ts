import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '@mlproject/tracking-sqlite';
import { createTrackingServer, listArtifactFiles, type TrackingServer } from '../src/index.js';
import { MLFLOW_VERSIONS, mlflowPython } from './python-env.js';

// Tester finding: an artifact named 数据.txt was stored, but every download answered 500 with a cut
// body (its Content-Disposition was not encoded) and the client retried for minutes. The real client
// logs and downloads such names here, with no retries allowed: any 5xx fails the script at once.
const script = fileURLToPath(new URL('./fixtures/artifact_names.py', import.meta.url));
const NAMES = ['数据.txt', 'отчёт.txt', '🎉.txt', 'naïve "q" (1).txt'];

for (const mlflowVersion of MLFLOW_VERSIONS) {
  describe(`the real mlflow ${mlflowVersion} client with artifact names outside Latin-1`, () => {
    let python: string;
    let dir: string;
    let store: SqliteStore;
    let server: TrackingServer;
    let log: { method: string; url: string; status: number }[];
    let internal: unknown[];

    beforeAll(async () => {
      python = await mlflowPython(mlflowVersion, (line) => console.log(`[e2e] ${line}`));
    });

    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'mlproject-e2e-names-'));
      store = openSqliteStore(join(dir, 'mlproject.db'));
      log = [];
      internal = [];
      server = await createTrackingServer({
        store, artifactsDestination: join(dir, 'artifacts'), onResponse: (e) => log.push(e), onInternalError: (e) => internal.push(e.error),
      });
    });

    afterEach(async () => {
      await server.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });

    function runScript(): Promise<{ code: number | null; stderr: string; result: Record<string, unknown> | undefined }> {
      const resultPath = join(dir, 'result.json');
      const env: Record<string, string> = {};
      for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('MLFLOW_') && value !== undefined) env[key] = value;
      Object.assign(env, { MLFLOW_TRACKING_URI: server.url, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0', MLPROJECT_E2E_RESULT: resultPath, PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' });
      return new Promise((resolve, reject) => {
        const child = spawn(python, [script], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        child.stdout.resume();
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('error', reject);
        child.on('close', (code) => {
          let result: Record<string, unknown> | undefined;
          try {
            result = JSON.parse(readFileSync(resultPath, 'utf8')) as Record<string, unknown>;
          } catch {
            result = undefined;
          }
          resolve({ code, stderr, result });
        });
      });
    }

    it('logs them, lists them and downloads them one by one and whole; a name with # is refused in one line', async () => {
      const out = await runScript();
      expect(out.code, out.stderr).toBe(0);
      const r = out.result as { run_id: string; listed: string[]; one: [string, string]; whole: Record<string, string>; hash_error: string | null };
      expect(r.listed).toEqual([...NAMES, '图表'].sort());
      expect(r.one).toEqual(['数据.txt', 'content of 数据.txt\n']);
      expect(r.whole).toEqual({
        ...Object.fromEntries(NAMES.map((name) => [name, `content of ${name}\n`])),
        '图表/曲线.csv': 'step,value\n0,1\n',
      });
      expect(r.hash_error).toMatch(/INVALID_PARAMETER_VALUE|400/);
      expect(r.hash_error).toMatch(/names a directory, not a file .*'#'/);

      const run = await store.getRun(r.run_id);
      const files = (await listArtifactFiles(join(dir, 'artifacts'), run.info.artifactUri)).map((f) => f.path);
      expect(files.sort()).toEqual([...NAMES, '图表/曲线.csv'].sort());
      const refused = log.filter((e) => e.status >= 400);
      expect(refused.map((e) => [e.method, e.status])).toEqual([['PUT', 400]]);
      expect(internal).toEqual([]);
    });
  });
}
