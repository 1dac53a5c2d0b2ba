/**
 * What a project declares about its Python environment, already read from `python_env.yaml`
 * (see `mlflow/utils/environment.py::_PythonEnv`). A project with no environment file is the
 * "bare" declaration: `python: null` (the current interpreter's version) and no packages.
 */
export interface PythonEnvDeclaration {
  kind: 'python';
  /** Requested version, e.g. "3.11" or "3.11.7"; null = the current interpreter's version. */
  python: string | null;
  /** pip requirement lines installed first (e.g. "pip", "setuptools==70.0"). */
  buildDependencies: string[];
  /** pip requirement lines; `-r file` / `-c file` are relative to the project directory. */
  dependencies: string[];
}

/**
 * A project's conda.yaml (MLproject `conda_env:`), for the conda backend. The backend reads the file
 * itself, since the env key covers its raw text, as MLflow's env name does
 * (`mlflow/utils/conda.py::_get_conda_env_name`).
 */
export interface CondaEnvDeclaration {
  kind: 'conda';
  /** Absolute path of the conda.yaml. */
  file: string;
}

export type EnvDeclaration = PythonEnvDeclaration | CondaEnvDeclaration;

export interface PrepareRequest {
  declaration: EnvDeclaration;
  /** Absolute project directory; requirement files are resolved against it. */
  projectDir: string;
  /** Absolute cache root shared by all backends (see `defaultCacheDir`). */
  cacheDir: string;
  /** One human-readable line per step (e.g. "installing 3 packages with uv"). */
  log?: (line: string) => void;
  /** Aborting it stops the build: running tools are killed and prepare() rejects; nothing half-built is kept. */
  signal?: AbortSignal;
  /**
   * The environment the backend's tools run in and look up executables (PATH, HOME, PYENV_ROOT) in;
   * default `process.env`. Not the child's environment: that is `PreparedEnvironment.childEnv(base)`.
   */
  env?: NodeJS.ProcessEnv;
  /**
   * Remove the cached environment and build it again (`run --rebuild-env`). The old one is replaced
   * only once the new one is healthy; a rebuild finished by a concurrent run after this request
   * started is reused rather than built a third time.
   */
  rebuild?: boolean;
  /**
   * The text of a lock recorded earlier (`PreparedEnvironment.lockFile` of another run,
   * `--frozen-from RUN_ID`): build the environment by installing exactly that set, with no
   * resolution, instead of the declaration's packages (only its Python version is used). Cached
   * under a key made of the lock's digest and the interpreter. The new env's own lock lists the same
   * packages, or the build fails.
   */
  frozenLock?: string;
}

/** A ready environment. */
export interface PreparedEnvironment {
  /** Backend name: `local`, `virtualenv`, `uv`. Written to the `mlflow.project.env` tag (not for `local`). */
  manager: string;
  /** Content hash of the declaration the env was built from; null for `local`. */
  key: string | null;
  /** Absolute env directory (the venv root); null for `local`. */
  prefix: string | null;
  /** Full version of the env's Python, e.g. "3.11.7", when known. */
  pythonVersion: string | null;
  /** true when an existing cached env was used and nothing was installed. */
  reused: boolean;
  /** Wall time of prepare(), in ms. */
  durationMs: number;
  /**
   * Absolute path of the lock of what is installed (for `virtualenv`: `uv pip freeze` / `pip freeze`
   * format, see the env-virtualenv README); the runner attaches it to the run as an artifact.
   * null when the backend records none (`local`).
   */
  lockFile: string | null;
  /** sha256 hex of the lock file's bytes (a run tag); null when there is no lock. */
  lockDigest: string | null;
  /**
   * Absolute path of the log of the build that produced this environment: this prepare's when it
   * built, else the one recorded when the env was built, or null when that log is gone (see
   * `gcEnvironments`) or nothing is built (`local`).
   */
  buildLogFile: string | null;
  /**
   * The child process environment: `base` plus what entering the env needs
   * (PATH with the env's bin first, VIRTUAL_ENV). Never an activate script.
   */
  childEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
}

/**
 * One environment kind. Implementations live in their own packages (`env-local`,
 * `env-virtualenv`, ...) and meet the runner only through this interface.
 */
export interface EnvironmentBackend {
  /** The `--env-manager` names this backend answers to (e.g. ["virtualenv", "uv"]). */
  readonly names: readonly string[];
  /**
   * Builds (or reuses) the environment.
   * @throws EnvError ERR_MLPROJECT_ENV_TOOL_MISSING when a required tool cannot be found or provisioned,
   *   ERR_MLPROJECT_ENV_PYTHON_NOT_FOUND when no interpreter matches the requested version,
   *   ERR_MLPROJECT_ENV_BUILD_FAILED when an install step fails (the tool's output is kept in `logFile`).
   */
  prepare(request: PrepareRequest, manager: string): Promise<PreparedEnvironment>;
}
