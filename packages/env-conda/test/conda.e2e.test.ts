import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { EnvError, type EnvDeclaration, type PreparedEnvironment } from '@mlproject/env';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCondaBackend, type CondaEnvDeclaration } from '../src/index.js';
import { writeLocalChannel } from './local-channel.js';

// Real py-rattler (provisioned from PyPI into the cache once), a real channel written to a temp dir,
// a real env. No conda channel on the network is touched: every conda.yaml says nodefaults.
const backend = createCondaBackend({ engine: 'rattler' });
let root: string;
let cacheDir: string;
let channelUrl: string;
let md5: Record<string, string>;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'mlproject-conda-e2e-'));
  cacheDir = path.join(root, 'cache');
  const written = await writeLocalChannel(root, [
    { name: 'greeting', version: '2.0', files: { 'share/greeting.txt': 'world\n' } },
    { name: 'greeting', version: '1.0', files: { 'share/greeting.txt': 'old world\n' } },
    {
      name: 'hello-tool',
      version: '1.0',
      depends: ['greeting >=2'],
      files: { 'bin/hello': '#!/bin/sh\necho "hello from $(cat "$(dirname "$0")/../share/greeting.txt") in $CONDA_PREFIX"\n' },
      prefixFiles: { 'bin/where': '#!/bin/sh\necho "/opt/anaconda1anaconda2anaconda3"\n' },
    },
  ]);
  channelUrl = pathToFileURL(written.channel).href;
  md5 = written.md5;
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function project(name: string, condaYaml: string): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'conda.yaml'), condaYaml);
  return dir;
}

async function prepare(projectDir: string, log?: string[], frozenLock?: string): Promise<PreparedEnvironment> {
  const declaration: CondaEnvDeclaration = { kind: 'conda', file: path.join(projectDir, 'conda.yaml') };
  const request = { declaration: declaration as unknown as EnvDeclaration, projectDir, cacheDir, log: (line: string) => log?.push(line) };
  return backend.prepare(frozenLock === undefined ? request : { ...request, frozenLock }, 'conda');
}

describe('conda backend, rattler engine, local channel', () => {
  it('creates a real env, runs its executable, records a lock, and reuses it', async () => {
    const dir = await project('hello', `name: hello\nchannels:\n  - ${channelUrl}\n  - nodefaults\ndependencies:\n  - hello-tool\n`);
    const lines: string[] = [];
    const cold = await prepare(dir, lines);
    expect(cold.reused).toBe(false);
    expect(cold.prefix).toBe(path.join(cacheDir, 'envs', 'conda', cold.key ?? ''));
    console.log(`cold build (incl. py-rattler provisioning): ${Math.round(cold.durationMs)} ms`);

    const child = cold.childEnv({ PATH: '/usr/bin:/bin', HOME: root });
    expect(child['CONDA_PREFIX']).toBe(cold.prefix);
    expect(child['CONDA_DEFAULT_ENV']).toBe(cold.prefix);
    expect(execFileSync('hello', { env: child, encoding: 'utf8' })).toBe(`hello from world in ${cold.prefix}\n`);
    // The prefix placeholder was replaced by the env's real prefix (why the env is built in place).
    expect(execFileSync('where', { env: child, encoding: 'utf8' })).toBe(`${cold.prefix}\n`);

    const lock = await readFile(cold.lockFile ?? '', 'utf8');
    expect(lock.split('\n').filter((line) => !line.startsWith('#') && line !== '')).toEqual([
      '@EXPLICIT',
      `${channelUrl}/noarch/greeting-2.0-0.tar.bz2#${md5['greeting-2.0-0.tar.bz2']}`,
      `${channelUrl}/noarch/hello-tool-1.0-0.tar.bz2#${md5['hello-tool-1.0-0.tar.bz2']}`,
    ]);
    expect(cold.lockDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(cold.buildLogFile).not.toBeNull();
    expect(await readFile(cold.buildLogFile ?? '', 'utf8')).toContain('hello-tool 1.0 0');

    const warm = await prepare(dir);
    console.log(`warm reuse: ${Math.round(warm.durationMs)} ms`);
    expect(warm.reused).toBe(true);
    expect(warm.prefix).toBe(cold.prefix);
    expect(warm.lockDigest).toBe(cold.lockDigest);
    expect(warm.buildLogFile).toBe(cold.buildLogFile);
  });

  it('replays a recorded lock into a new env with exactly the same packages', async () => {
    const dir = await project('hello', `name: hello\nchannels:\n  - ${channelUrl}\n  - nodefaults\ndependencies:\n  - hello-tool\n`);
    const original = await prepare(dir);
    const lock = await readFile(original.lockFile ?? '', 'utf8');
    const replay = await prepare(dir, [], lock);
    expect(replay.reused).toBe(false);
    expect(replay.prefix).not.toBe(original.prefix);
    expect(await readFile(replay.lockFile ?? '', 'utf8')).toBe(lock);
    expect(execFileSync('hello', { env: replay.childEnv({ PATH: '/usr/bin:/bin' }), encoding: 'utf8' })).toBe(`hello from world in ${replay.prefix}\n`);
    expect((await prepare(dir, [], lock)).reused).toBe(true);
  });

  it('a second project with another conda.yaml gets its own env; py-rattler is provisioned once', async () => {
    const dir = await project('pinned', `channels: [${channelUrl}, nodefaults]\ndependencies: [greeting=1.0]\n`);
    const env = await prepare(dir);
    expect(env.reused).toBe(false);
    console.log(`second cold build (py-rattler cached): ${Math.round(env.durationMs)} ms`);
    expect(await readFile(path.join(env.prefix ?? '', 'share', 'greeting.txt'), 'utf8')).toBe('old world\n');
    expect((await readdir(path.join(cacheDir, 'tools'))).filter((n) => n.startsWith('py-rattler-') && !n.endsWith('.lock'))).toEqual(['py-rattler-0.28.0']);
  });

  it('an unsatisfiable spec is a one-line error naming it, with the log kept and no env left', async () => {
    const dir = await project('unsat', `channels: [${channelUrl}, nodefaults]\ndependencies: [hello-tool, nope >=1]\n`);
    const error = await prepare(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnvError);
    const envError = error as EnvError;
    expect(envError.code).toBe('ERR_MLPROJECT_ENV_BUILD_FAILED');
    expect(envError.message).toMatch(/^cannot solve the dependencies of .*conda\.yaml: .*nope >=1/);
    expect(envError.message).not.toContain('\n');
    expect(await readFile(envError.logFile ?? '', 'utf8')).toContain('mlproject-error: solve');
    const left = await readdir(path.join(cacheDir, 'envs', 'conda'));
    expect(left.filter((n) => !n.endsWith('.lock')).length).toBe(3);
  });

  it('a channel that does not exist is a clear error', async () => {
    const dir = await project('nochannel', `channels: [${channelUrl}-missing, nodefaults]\ndependencies: [hello-tool]\n`);
    await expect(prepare(dir)).rejects.toMatchObject({
      code: 'ERR_MLPROJECT_ENV_BUILD_FAILED',
      message: expect.stringMatching(/^cannot read a conda channel of .*conda\.yaml: .*channel-missing/),
      logFile: expect.stringContaining(path.join(cacheDir, 'logs', 'conda')),
    });
  });

  it('a local channel given as a path relative to the conda.yaml works', async () => {
    const dir = await project('relative', `channels: [../channel, nodefaults]\ndependencies: [greeting]\n`);
    const env = await prepare(dir);
    expect((await stat(path.join(env.prefix ?? '', 'share', 'greeting.txt'))).isFile()).toBe(true);
  });
});
