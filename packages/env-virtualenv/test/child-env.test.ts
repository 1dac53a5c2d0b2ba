import { describe, expect, it } from 'vitest';
import { toolEnv, venvChildEnv } from '../src/index.js';

describe('venvChildEnv', () => {
  it('puts the env first on PATH, sets VIRTUAL_ENV and drops PYTHONHOME, leaving base alone', () => {
    const base = { PATH: '/usr/bin:/bin', PYTHONHOME: '/opt/py', HOME: '/h' };
    const env = venvChildEnv('/cache/envs/virtualenv/k', base);
    expect(env).toEqual({ PATH: '/cache/envs/virtualenv/k/bin:/usr/bin:/bin', VIRTUAL_ENV: '/cache/envs/virtualenv/k', HOME: '/h' });
    expect(base).toEqual({ PATH: '/usr/bin:/bin', PYTHONHOME: '/opt/py', HOME: '/h' });
  });
  it('works without a PATH', () => {
    expect(venvChildEnv('/e', {})).toEqual({ PATH: '/e/bin', VIRTUAL_ENV: '/e' });
  });
});

describe('toolEnv', () => {
  it('never lets uv download a Python, trusts system certificates, and quiets pip', () => {
    const env = toolEnv({ PATH: '/bin', PYTHONHOME: '/x', VIRTUAL_ENV: '/v' });
    expect(env).toEqual({
      PATH: '/bin',
      UV_PYTHON_DOWNLOADS: 'never',
      UV_SYSTEM_CERTS: '1',
      UV_NATIVE_TLS: '1',
      PIP_DISABLE_PIP_VERSION_CHECK: '1',
      PIP_NO_INPUT: '1',
      PIP_ROOT_USER_ACTION: 'ignore',
    });
  });
  it('keeps what the user set', () => {
    const env = toolEnv({ UV_NATIVE_TLS: '0', UV_PYTHON_DOWNLOADS: 'automatic' });
    expect(env['UV_NATIVE_TLS']).toBe('0');
    expect(env['UV_SYSTEM_CERTS']).toBeUndefined();
    expect(env['UV_PYTHON_DOWNLOADS']).toBe('automatic');
  });
});
