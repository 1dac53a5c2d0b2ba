import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '@mlproject/tracking-sqlite';
import { createTrackingServer, listArtifactFiles, type TrackingServer } from '../src/index.js';
import { MLFLOW_VERSIONS, mlflowPython, runClientScript } from './python-env.js';

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

    const runScript = () => runClientScript(python, script, [], {
      cwd: dir, trackingUri: server.url, extraEnv: { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0', PYTHONIOENCODING: 'utf-8' },
    });

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
