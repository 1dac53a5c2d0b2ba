/**
 * What a project declares about its conda environment: the path of its `conda.yaml`
 * (MLproject `conda_env:`). The backend reads the file itself, since the env key covers its raw
 * text, as MLflow's env name does (`mlflow/utils/conda.py::_get_conda_env_name`).
 *
 * Until `@mlproject/env`'s `EnvDeclaration` includes it, it is passed through that type with a cast.
 */
export interface CondaEnvDeclaration {
  kind: 'conda';
  /** Absolute path of the conda.yaml. */
  file: string;
}

/** true when `value` is a {@link CondaEnvDeclaration}. Pure. */
export function isCondaDeclaration(value: unknown): value is CondaEnvDeclaration {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return record['kind'] === 'conda' && typeof record['file'] === 'string';
}
