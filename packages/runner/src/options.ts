import type { Run, RunStatus } from '@mlproject/tracking';
import type { RetryInfo } from '@mlproject/tracking-rest';

/** What `mlflow run` takes (`mlflow/cli/__init__.py::run`), in camelCase. */
export interface RunOptions {
  /**
   * Project URI: a local directory, a git URL (https, ssh, `file://`, GitHub/GitLab browser links) or a
   * `.zip` / `.tar.gz` archive (path or http URL), each with an optional `#subdir` (`@mlproject/source`).
   */
  uri: string;
  /** Git branch, tag, or full or short commit SHA to run (`--version`); default the default branch. */
  version?: string;
  /** Refuse to run a local git work tree with uncommitted changes or untracked files (`--require-clean`). */
  requireClean?: boolean;
  /** Default `main`. */
  entryPoint?: string;
  /** `-P name=value` pairs, values as strings. */
  params?: Record<string, string>;
  /** `local`, `virtualenv` or `uv`; default from the project's env file (python_env -> virtualenv). */
  envManager?: string;
  experimentName?: string;
  experimentId?: string;
  runName?: string;
  /** Default: `MLFLOW_TRACKING_URI`, else `sqlite:///mlproject.db` in `cwd`. */
  trackingUri?: string;
  /** Where relative paths are resolved; default `process.cwd()`. */
  cwd?: string;
  /** The caller's environment; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Environment cache root; default `defaultCacheDir(env)`. */
  cacheDir?: string;
  /** Build the environment again even when a cached one matches (`--rebuild-env`). */
  rebuildEnv?: boolean;
  /**
   * Build the environment from the lock recorded with this earlier run (`--frozen-from RUN_ID`),
   * installing exactly those packages instead of resolving the env file again.
   */
  frozenFrom?: string;
  /**
   * Called before each retry of a request to a remote tracking server (MLflow's 7 retries with
   * backoff take about 4 minutes), so the caller can say the server is not answering.
   */
  onRetry?: (info: RetryInfo) => void;
  /** Receives the main progress lines (env built/reused, the command being run). */
  log?: (line: string) => void;
  /** Receives one line per environment build step (the CLI shows them on a terminal only). */
  progress?: (line: string) => void;
  /** Receives each warning about the project or the parameters (typo keys, paths that will not resolve). */
  onWarning?: (warning: { code: string; message: string; hint?: string | undefined }) => void;
  /**
   * Aborting it stops the run: before the command starts, the run ends KILLED and `run()` throws
   * ERR_MLPROJECT_RUN_INTERRUPTED; afterwards the child gets the signal named by the abort reason
   * (a string such as `SIGINT`; default SIGTERM) and the run ends KILLED.
   */
  signal?: AbortSignal;
}

/** How a run ended. */
export interface RunOutcome {
  runId: string;
  experimentId: string;
  status: RunStatus;
  /** The child's exit code, or null when it was killed by a signal. */
  exitCode: number | null;
  /** e.g. `SIGTERM` when the child was killed by a signal. */
  signal: string | null;
  /** The run as stored after it ended (params, latest metrics, tags). */
  run: Run;
}

/** A started run (`mlflow/projects/submitted_run.py::SubmittedRun`). */
export interface SubmittedRun {
  readonly runId: string;
  readonly experimentId: string;
  /** The exact command string given to `bash -c`. */
  readonly command: string;
  /** Resolves when the child has exited and the run's final status is stored. */
  wait(): Promise<RunOutcome>;
  /** RUNNING until the child exits, then the final status. */
  getStatus(): RunStatus;
  /** Sends `signal` (default SIGTERM) to the child and waits for it; the run ends KILLED. No-op once it has ended. */
  cancel(signal?: NodeJS.Signals): Promise<void>;
}
