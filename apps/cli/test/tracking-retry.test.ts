import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { cliBin, mlproject, tempDir, writeProject } from './helpers.js';

// A remote tracking server that dies during a run: `mlproject run` says so, one line per retry,
// instead of retrying silently (MLflow's defaults take about 4 minutes; shortened here).
describe('mlproject run when the tracking server dies mid-run (real processes)', () => {
  it('prints one line per retry to stderr, then fails in one line', async () => {
    const cwd = tempDir('retry');
    const server = execa('node', [cliBin, 'server', '--port', '0', '--backend-store-uri', 'sqlite:///server.db'], { cwd, reject: false, all: true });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.all?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /at (http:\/\/\S+) /.exec(out);
        if (match?.[1]) resolve(match[1]);
      });
      void server.then(() => reject(new Error(`server exited: ${out}`)));
    });
    // The project's command stops the server; the runner's next call to it finds nothing listening.
    const project = writeProject(path.join(cwd, 'proj'), { MLproject: `entry_points:\n  main:\n    command: "kill ${server.pid}; sleep 0.5"\n` });
    const result = await mlproject(['run', project, '--env-manager', 'local', '--tracking-uri', url], {
      cwd, env: { PATH: process.env['PATH'] ?? '', MLFLOW_HTTP_REQUEST_MAX_RETRIES: '2', MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: '1', MLFLOW_HTTP_REQUEST_BACKOFF_JITTER: '0' },
    });
    await server;
    expect(result.exitCode, result.all).toBe(1);
    const lines = result.stderr.split('\n');
    const escaped = url.replace(/[.]/g, '\\.');
    expect(lines).toContain(`mlproject: tracking server ${url} unreachable (ECONNREFUSED); retry 1 of 2 in 0 s`);
    expect(lines).toContain(`mlproject: tracking server ${url} unreachable (ECONNREFUSED); retry 2 of 2 in 2 s`);
    expect(result.stderr).toMatch(new RegExp(`\\nmlproject: error: Cannot reach the tracking server at ${escaped} .*ECONNREFUSED`));
  });
});
