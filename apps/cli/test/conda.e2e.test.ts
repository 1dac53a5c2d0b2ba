import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeLocalChannel } from '../../../packages/env-conda/test/local-channel.js';
import { mlproject, tempDir } from './helpers.js';

// A conda project on a machine with no conda at all: the rattler engine (py-rattler from PyPI)
// solves against a local channel built here, offline, and the run records the conda lock.
describe('a conda.yaml project end to end through the rattler engine', () => {
  it('builds the env from a local channel, runs the command in it, and records the lock', async () => {
    const cwd = tempDir('conda-run');
    const { channel } = await writeLocalChannel(cwd, [
      { name: 'greeting', version: '2.0', files: { 'share/greeting.txt': 'world\n' } },
      { name: 'hello-tool', version: '1.0', depends: ['greeting >=2'], files: { 'bin/hello': '#!/bin/sh\necho "hello $(cat "$(dirname "$0")/../share/greeting.txt")"\n' } },
    ]);
    const project = path.join(cwd, 'proj');
    mkdirSync(project);
    writeFileSync(path.join(project, 'MLproject'), 'name: c\nconda_env: conda.yaml\nentry_points:\n  main:\n    command: "hello"\n');
    writeFileSync(path.join(project, 'conda.yaml'), `name: c\nchannels:\n  - ${pathToFileURL(channel).href}\n  - nodefaults\ndependencies:\n  - hello-tool\n`);
    const env = { MLPROJECT_CACHE_DIR: path.join(cwd, 'cache'), MLPROJECT_CONDA_ENGINE: 'rattler' };

    const result = await mlproject(['run', project], { cwd, env });
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stdout).toContain('hello world');
    const runId = /Run ID: ([0-9a-f]{32})/.exec(result.stdout)?.[1] ?? '';
    const details = JSON.parse((await mlproject(['runs', 'show', runId, '--json'], { cwd })).stdout);
    const tags = Object.fromEntries(details.run.data.tags.map((t: { key: string; value: string }) => [t.key, t.value]));
    expect(tags['mlflow.project.env']).toBe('conda');
    expect(tags['mlproject.env.lockDigest']).toMatch(/^[0-9a-f]{64}$/);
    const lock = readFileSync(path.join(details.artifactDir, 'environment/lock.txt'), 'utf8');
    expect(lock).toMatch(/hello-tool-1\.0-0\.tar\.bz2#[0-9a-f]{32}/);
    expect(lock).toMatch(/greeting-2\.0-0\.tar\.bz2#[0-9a-f]{32}/);

    const again = await mlproject(['run', project], { cwd, env });
    expect(again.exitCode, again.all).toBe(0);
    expect(again.stderr).toMatch(/reused environment .*envs\/conda\//);
  });
});
