import { EnvError } from './errors.js';
import type { EnvironmentBackend } from './types.js';

/**
 * The environment backends one build knows, by `--env-manager` name. A backend answers to every
 * name in its `names` (e.g. `virtualenv` and `uv`); names are matched exactly (MLflow's values
 * are lower case and so are ours).
 *
 * Mirrors `mlflow/utils/env_manager.py::validate` for unknown names.
 */
export class EnvironmentRegistry {
  readonly #byName = new Map<string, EnvironmentBackend>();

  /**
   * Adds `backend` under each of its names.
   * @returns this registry, for chaining.
   * @throws Error when one of its names is already taken by another backend (a programming error).
   */
  register(backend: EnvironmentBackend): this {
    for (const name of backend.names) {
      const existing = this.#byName.get(name);
      if (existing !== undefined && existing !== backend) {
        throw new Error(`env manager name '${name}' is already registered`);
      }
    }
    for (const name of backend.names) this.#byName.set(name, backend);
    return this;
  }

  /**
   * The backend for an `--env-manager` value.
   * @throws EnvError ERR_MLPROJECT_ENV_UNKNOWN_MANAGER with MLflow's message
   *   "Invalid value for `env_manager`: X. Must be one of ['local', 'virtualenv', 'uv']".
   */
  get(name: string): EnvironmentBackend {
    const backend = this.#byName.get(name);
    if (backend !== undefined) return backend;
    const known = this.names();
    const list = `[${known.map((n) => `'${n}'`).join(', ')}]`;
    throw new EnvError('ERR_MLPROJECT_ENV_UNKNOWN_MANAGER', `Invalid value for \`env_manager\`: ${name}. Must be one of ${list}`, {
      hint: known.length > 0 ? `pass --env-manager ${known.join(' | ')}` : 'no environment backend is registered',
    });
  }

  /** true when some backend answers to `name`. */
  has(name: string): boolean {
    return this.#byName.has(name);
  }

  /** Every registered name, in registration order. */
  names(): string[] {
    return [...this.#byName.keys()];
  }
}
