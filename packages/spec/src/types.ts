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
  /**
   * Non-fatal problems MLflow silently accepts (typo keys, unknown type names, unknown keys), in file
   * order. Empty when the file is clean or there is no MLproject.
   */
  warnings: SpecWarning[];
}

/** Stable codes of {@link SpecWarning}; the CLI and tests match on these, never on message text. */
export type SpecWarningCode =
  /** A key MLflow ignores: unknown at the top level, in an entry point, a parameter spec or docker_env. */
  | 'WARN_MLPROJECT_SPEC_UNKNOWN_KEY'
  /** A parameter type other than string, float, int, path and uri; MLflow treats it as string. */
  | 'WARN_MLPROJECT_SPEC_UNKNOWN_TYPE'
  /** A conda.yaml entry that a virtualenv / uv build (MLflow's conversion) drops or refuses. */
  | 'WARN_MLPROJECT_SPEC_CONDA_VIRTUALENV'
  /** A key given twice in the same mapping; PyYAML (and so MLflow) silently keeps the last one. */
  | 'WARN_MLPROJECT_SPEC_DUPLICATE_KEY'
  /** The project has no MLproject, or one without entry points: only `-e script.py` / `.sh` can run. */
  | 'WARN_MLPROJECT_SPEC_NO_ENTRY_POINTS';

/**
 * A non-fatal problem in a spec file: MLflow accepts it, but it is almost certainly a mistake.
 * `message` is one line, `<file>: <keyPath>: <detail>`, like {@link SpecError}'s.
 */
export interface SpecWarning {
  code: SpecWarningCode;
  /** Absolute path of the file the warning is about. */
  file: string;
  /** Dotted key path inside the file, e.g. `entry_points.train.parameters.alpha.defualt`, or null for the whole file. */
  keyPath: string | null;
  /** `<file>: <keyPath>: <detail>`, one line. */
  message: string;
  /** The message without the location. */
  detail: string;
  /** What the user should do, one sentence. */
  hint?: string;
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

/**
 * A `conda.yaml` as far as MLflow reads it (`mlflow/utils/environment.py`): `name`, `channels`, and
 * `dependencies`, whose items are conda package specs (`python=3.10`, `numpy`) or one `{pip: [...]}`
 * list of pip requirement lines.
 */
export interface CondaEnv {
  name?: string;
  channels: string[];
  dependencies: (string | { pip: string[] })[];
}
