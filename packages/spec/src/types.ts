/**
 * One declared parameter of an entry point (`mlflow/projects/_project_spec.py::Parameter`).
 *
 * `type` is any string: MLflow only gives `path` and `uri` a meaning; `float`, `int`, `bool`, `str`, ...
 * behave like `string`. `default` keeps the YAML-typed value (see `values.ts`: e.g. a {@link PyFloat}
 * for `0.1`) so that `@mlproject/params` can render it with Python's `str()`. A `null` default means
 * the parameter is required, exactly as in MLflow (`default: null` and `default: ~` too).
 */
export interface Parameter {
  name: string;
  type: string;
  default: unknown | null;
}

/** An entry point: its parameters in declaration order and its `str.format` command template. */
export interface EntryPoint {
  name: string;
  parameters: Parameter[];
  command: string;
}

/**
 * The environment a project declares (or gets by auto-detection). `file` is an absolute path.
 * `python_env` with `file: null` means "a bare virtualenv of the current Python, no packages".
 * `environment` items are names to copy from the host, or `[NAME, VALUE]` pairs to define.
 */
export type EnvSpec =
  | { type: 'python_env'; file: string | null }
  | { type: 'conda_env'; file: string }
  | { type: 'docker_env'; image: string; volumes: string[]; environment: (string | [string, string])[] };

/** A loaded project (`mlflow/projects/_project_spec.py::Project`). */
export interface Project {
  /** `name:` from the MLproject, or null (also when there is no MLproject: MLflow does not use the dir name). */
  name: string | null;
  /** Absolute path of the project directory. */
  dir: string;
  /** Absolute path of the MLproject file, or null when the project has none. */
  file: string | null;
  /** Declared entry points in file order. */
  entryPoints: EntryPoint[];
  env: EnvSpec;
}

/**
 * A `python_env.yaml` (`mlflow/utils/environment.py::_PythonEnv`). `python` is null when the file
 * does not pin a version (MLflow then uses the current interpreter's version). The lists are pip
 * requirement lines (`-r requirements.txt`, `-e .`, URLs are allowed), resolved later by the env backend.
 */
export interface PythonEnv {
  python: string | null;
  buildDependencies: string[];
  dependencies: string[];
}
