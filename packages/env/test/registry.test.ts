import { describe, expect, it } from 'vitest';
import { EnvError, EnvironmentRegistry, type EnvironmentBackend } from '../src/index.js';

function backend(...names: string[]): EnvironmentBackend {
  return { names, prepare: () => Promise.reject(new Error('not used')) };
}

describe('EnvironmentRegistry', () => {
  it('finds a backend by any of its names', () => {
    const venv = backend('virtualenv', 'uv');
    const registry = new EnvironmentRegistry().register(backend('local')).register(venv);
    expect(registry.get('uv')).toBe(venv);
    expect(registry.get('virtualenv')).toBe(venv);
    expect(registry.has('conda')).toBe(false);
    expect(registry.names()).toEqual(['local', 'virtualenv', 'uv']);
  });

  it('rejects an unknown manager with MLflow\'s message and a stable code', () => {
    const registry = new EnvironmentRegistry().register(backend('local')).register(backend('virtualenv', 'uv'));
    let caught: unknown;
    try {
      registry.get('pyenv');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EnvError);
    expect((caught as EnvError).code).toBe('ERR_MLPROJECT_ENV_UNKNOWN_MANAGER');
    expect((caught as EnvError).message).toBe("Invalid value for `env_manager`: pyenv. Must be one of ['local', 'virtualenv', 'uv']");
  });

  it('refuses a name taken by another backend, but accepts the same backend twice', () => {
    const local = backend('local');
    const registry = new EnvironmentRegistry().register(local).register(local);
    expect(() => registry.register(backend('local'))).toThrow(/already registered/);
  });
});
