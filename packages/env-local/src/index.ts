import type { EnvironmentBackend, PrepareRequest, PreparedEnvironment } from '@mlproject/env';

/**
 * The `local` backend: no environment is built; the command runs in the caller's environment with
 * whatever `python` is first on its PATH. Mirrors `mlflow/projects/backend/local.py::LocalBackend.run`
 * with `env_manager=local`, which also sets no `mlflow.project.env` tag (the runner's job).
 *
 * `prepare` never fails, records no lock (`lockFile`, `lockDigest` and `buildLogFile` are null) and never touches the file system; `childEnv(base)` returns `base` itself.
 */
export const localBackend: EnvironmentBackend = {
  names: ['local'],
  prepare(_request: PrepareRequest, _manager: string): Promise<PreparedEnvironment> {
    const started = performance.now();
    return Promise.resolve({
      manager: 'local',
      key: null,
      prefix: null,
      pythonVersion: null,
      reused: true,
      lockFile: null,
      lockDigest: null,
      buildLogFile: null,
      durationMs: performance.now() - started,
      childEnv: (base: NodeJS.ProcessEnv) => base,
    });
  },
};
