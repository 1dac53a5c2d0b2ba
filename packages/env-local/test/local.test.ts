import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { EnvironmentRegistry } from '@mlproject/env';
import { localBackend } from '../src/index.js';

const request = { declaration: { kind: 'python' as const, python: '3.99', buildDependencies: ['x'], dependencies: ['y'] }, projectDir: '/nonexistent', cacheDir: '/nonexistent' };

describe('localBackend', () => {
  it('builds nothing and hands back the base environment unchanged', async () => {
    const prepared = await localBackend.prepare(request, 'local');
    expect(prepared).toMatchObject({ manager: 'local', key: null, prefix: null, pythonVersion: null, reused: true, lockFile: null, lockDigest: null, buildLogFile: null });
    expect(prepared.durationMs).toBeGreaterThanOrEqual(0);
    const base = { PATH: '/usr/bin', PYTHONHOME: '/keep' };
    expect(prepared.childEnv(base)).toBe(base);
    expect(base).toEqual({ PATH: '/usr/bin', PYTHONHOME: '/keep' });
  });

  it('runs a child with the caller\'s python', async () => {
    const prepared = await localBackend.prepare(request, 'local');
    const out = execFileSync('python3', ['-c', 'import sys; print(sys.version_info[0])'], { env: prepared.childEnv(process.env) });
    expect(out.toString().trim()).toBe('3');
  });

  it('registers under the name local', () => {
    expect(new EnvironmentRegistry().register(localBackend).get('local')).toBe(localBackend);
  });
});
