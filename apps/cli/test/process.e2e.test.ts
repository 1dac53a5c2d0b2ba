import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { mlflowPython } from '../../../packages/tracking-server/test/python-env.js';
import { processesOfRun } from '../../../packages/runner/test/procs.js';
import { cliBin, mlproject, tempDir, writeProject } from './helpers.js';

// Process control, honest status and kept logs, through the built CLI with real bash, python3 and
// signals: every process a run started carries MLFLOW_RUN_ID=<id>, which is how we check that none
// is left behind.
const MLPROJECT = `name: procs
entry_points:
  grandchildren:
    command: "echo ready; bash -c 'sleep 300 & sleep 300 & python3 -c \\"import time; time.sleep(300)\\"; wait'"
  ignores-term:
    command: "python3 ignore_term.py & sleep 300 & sleep 0.5; echo ready; wait"
  big-then-segv:
    command: "python3 big.py; kill -SEGV $$"
  ticks:
    command: "for i in 1 2 3 4 5 6 7 8; do echo line $i; echo tick $i >&2; sleep 0.3; done"
  end-run-then-fail:
    command: "python end_run.py"
`;
const IGNORE_TERM = 'import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\ntime.sleep(300)\n';
// 10 MiB of seeded random bytes to stdout and 1 MiB to stderr, in uneven writes, and the same bytes
// to files for the comparison; then the shell kills itself with SIGSEGV.
const BIG = `import random, sys
r = random.Random(7)
out, err = r.randbytes(10 * 1024 * 1024), r.randbytes(1024 * 1024)
open("expected_stdout.bin", "wb").write(out)
open("expected_stderr.bin", "wb").write(err)
i = 0
while i < len(out):
    n = r.randint(1, 200000)
    sys.stdout.buffer.write(out[i:i + n]); sys.stdout.buffer.flush()
    if i < len(err):
        sys.stderr.buffer.write(err[i:i + n]); sys.stderr.buffer.flush()
    i += n
if i < len(err):
    sys.stderr.buffer.write(err[i:]); sys.stderr.buffer.flush()
`;
const END_RUN = `import sys, mlflow
mlflow.start_run()
mlflow.log_metric("m", 1.0)
mlflow.end_run()
sys.exit(1)
`;

describe('mlproject run: signals, process groups, runner death, logs', () => {
  const cwd = tempDir('procs');
  const project = writeProject(path.join(cwd, 'proj'), {
    MLproject: MLPROJECT, 'ignore_term.py': IGNORE_TERM, 'big.py': BIG, 'end_run.py': END_RUN,
  });
  // HOME: a bash whose stdin is a socket reads ~/.bashrc, whose noise would land in the logs.
  const env = { HOME: cwd, MLPROJECT_KILL_GRACE_MS: '2000' };

  /** Starts `mlproject run -e <entry>`; resolves with its run ID once the command printed `ready` (or anything). */
  async function start(entry: string, until = 'ready'): Promise<{ cli: ResultPromise<{ all: true }>; runId: string }> {
    const cli = execa('node', [cliBin, 'run', project, '-e', entry, '--env-manager', 'local'], { cwd, env, reject: false, all: true, maxBuffer: 64 * 1024 * 1024 });
    let out = '';
    const runId = await new Promise<string>((resolve, reject) => {
      cli.all.on('data', (chunk: Buffer) => {
        out += chunk.toString('latin1');
        const id = /in run with ID '([0-9a-f]{32})'/.exec(out)?.[1];
        if (id && out.includes(until)) resolve(id);
      });
      void cli.then(() => reject(new Error(`mlproject run ended early:\n${out}`)));
    });
    return { cli, runId };
  }

  async function show(runId: string) {
    const shown = await mlproject(['runs', 'show', runId, '--json'], { cwd, env });
    expect(shown.exitCode, shown.all).toBe(0);
    const details = JSON.parse(shown.stdout) as { run: { info: { status: string; endTime?: number }; data: { tags: { key: string; value: string }[] } }; artifactDir: string };
    return { ...details, tags: Object.fromEntries(details.run.data.tags.map((t) => [t.key, t.value])), stderr: shown.stderr };
  }

  async function waitFor(predicate: () => boolean, ms = 5_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }

  it('SIGINT goes to the whole group: exit 130, KILLED, no process of the run left', async () => {
    const { cli, runId } = await start('grandchildren');
    await waitFor(() => processesOfRun(runId).length >= 4);
    expect(processesOfRun(runId).length).toBeGreaterThanOrEqual(4);
    cli.kill('SIGINT');
    const result = await cli;
    expect(result.exitCode, result.all).toBe(130);
    expect(result.stdout).toContain('Status: KILLED');
    expect(processesOfRun(runId)).toEqual([]);
    const { run, tags } = await show(runId);
    expect(run.info.status).toBe('KILLED');
    expect(tags['mlproject.status.reason']).toBe('signal SIGINT');
  });

  it('SIGTERM: exit 143, KILLED; a process that ignores SIGTERM gets SIGKILL after MLPROJECT_KILL_GRACE_MS', async () => {
    const { cli, runId } = await start('ignores-term');
    await waitFor(() => processesOfRun(runId).length >= 3);
    const t0 = Date.now();
    cli.kill('SIGTERM');
    const result = await cli;
    expect(result.exitCode, result.all).toBe(143);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1_900);
    expect(processesOfRun(runId)).toEqual([]);
    expect((await show(runId)).run.info.status).toBe('KILLED');
  });

  it('a runner killed with SIGKILL leaves a run the next command marks FAILED (runner-lost), and its child is killed', async () => {
    const { cli, runId } = await start('grandchildren');
    await waitFor(() => processesOfRun(runId).length >= 4);
    cli.kill('SIGKILL');
    await cli;
    expect(processesOfRun(runId).length).toBeGreaterThanOrEqual(4);
    const listed = await mlproject(['runs', 'list'], { cwd, env });
    expect(listed.exitCode, listed.all).toBe(0);
    expect(listed.stderr).toContain(`run ${runId} was RUNNING but its runner pid`);
    await waitFor(() => processesOfRun(runId).length === 0);
    expect(processesOfRun(runId)).toEqual([]);
    const { run, tags, stderr } = await show(runId);
    expect(run.info.status).toBe('FAILED');
    expect(run.info.endTime).toBeGreaterThan(0);
    expect(tags['mlproject.status.reason']).toBe('runner-lost');
    expect(stderr).toBe('');
  });

  it('10 MiB on stdout (1 MiB on stderr), then SIGSEGV: FAILED, exit 139, logs complete byte for byte, echoed unchanged', async () => {
    const result = await execa('node', [cliBin, 'run', project, '-e', 'big-then-segv', '--env-manager', 'local'], {
      cwd, env, reject: false, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024,
    });
    const [stdout, stderr] = [Buffer.from(result.stdout), Buffer.from(result.stderr)];
    expect(result.exitCode, stderr.subarray(-2000).toString()).toBe(139);
    const runId = /in run with ID '([0-9a-f]{32})'/.exec(stderr.toString('latin1'))?.[1] ?? '';
    expect(stdout.subarray(-100).toString('latin1')).toContain(`Run ID: ${runId}`);
    const { run, tags, artifactDir } = await show(runId);
    expect(run.info.status).toBe('FAILED');
    expect(tags['mlproject.status.reason']).toBe('signal SIGSEGV');
    const expectedOut = readFileSync(path.join(project, 'expected_stdout.bin'));
    const expectedErr = readFileSync(path.join(project, 'expected_stderr.bin'));
    expect(readFileSync(path.join(artifactDir, 'logs/stdout.txt')).equals(expectedOut)).toBe(true);
    expect(readFileSync(path.join(artifactDir, 'logs/stderr.txt')).equals(expectedErr)).toBe(true);
    expect(stdout.subarray(0, expectedOut.length).equals(expectedOut)).toBe(true);
    const logs = await execa('node', [cliBin, 'runs', 'logs', runId], { cwd, env, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
    expect(Buffer.from(logs.stdout).equals(expectedOut)).toBe(true);
  });

  it('runs logs --follow prints lines written after it started and returns when the run ends', async () => {
    const { cli, runId } = await start('ticks', 'line 2');
    const followed = await mlproject(['runs', 'logs', runId, '--follow'], { cwd, env });
    expect(followed.exitCode, followed.all).toBe(0);
    expect(followed.stdout).toBe([1, 2, 3, 4, 5, 6, 7, 8].map((i) => `line ${i}`).join('\n'));
    expect((await show(runId)).run.info.status).toBe('FINISHED');
    expect((await cli).exitCode).toBe(0);
    const both = await mlproject(['runs', 'logs', runId, '--both'], { cwd, env });
    expect(both.stderr).toBe([1, 2, 3, 4, 5, 6, 7, 8].map((i) => `tick ${i}`).join('\n'));
    const stderrOnly = await mlproject(['runs', 'logs', runId, '--stderr'], { cwd, env });
    expect(stderrOnly.stdout).toBe(both.stderr);
  });

  describe('with the real mlflow client', () => {
    let mlflowEnv: Record<string, string>;
    beforeAll(async () => {
      const python = await mlflowPython('3.17.2');
      mlflowEnv = { ...env, PATH: `${path.dirname(python)}:${process.env['PATH'] ?? ''}` };
    });

    it('a script that calls mlflow.end_run() and then exits 1 ends FAILED, exit 1', async () => {
      const result = await mlproject(['run', project, '-e', 'end-run-then-fail', '--env-manager', 'local'], { cwd, env: mlflowEnv });
      expect(result.exitCode, result.all).toBe(1);
      const runId = /Run ID: ([0-9a-f]{32})/.exec(result.stdout)?.[1] ?? '';
      const { run, tags } = await show(runId);
      expect(run.info.status).toBe('FAILED');
      expect(tags['mlproject.status.reason']).toBe('exit 1');
    });
  });
});
