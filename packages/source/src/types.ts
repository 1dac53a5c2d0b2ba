/**
 * Where a project's code came from, in the words of MLflow's run tags
 * (`mlflow/projects/utils.py::_create_run`).
 */
export interface Provenance {
  /**
   * `mlflow.source.name`. A git or archive URL: the URI as given (with `#subdir`, credentials
   * removed). A local path inside a git work tree: `file://<repo root>#<subdir of the repo>`; outside
   * one, the absolute path. A local URI written with `#subdir` is kept as `<absolute path>#<subdir>`
   * (MLflow's `_get_git_url_if_present` returns anything containing `#` unchanged).
   */
  sourceName: string;
  /** `mlflow.source.git.commit`: the full SHA of the code that runs. */
  gitCommit?: string;
  /** `mlflow.source.git.repoURL`: the repository's (first remote's) URL, never with credentials. */
  gitRepoUrl?: string;
  /** `mlflow.source.git.branch`: the `version` given, only when it names a branch. */
  gitBranch?: string;
  /** A local git work tree with uncommitted changes or untracked files under the project dir (not an MLflow tag). */
  dirty?: boolean;
  /** Those changes as a patch (`git diff HEAD` plus untracked files as added), at most `maxDiffBytes`. */
  diff?: string;
  /**
   * true when `diff` was cut at `maxDiffBytes`: it then ends with a note saying so and the names of
   * the untracked files not (fully) in it (those lines may pass the cap). The runner should warn:
   * the recorded diff cannot reproduce the run.
   */
  diffTruncated?: boolean;
}

/** What {@link fetchProject} returns. */
export interface FetchedProject {
  /** Absolute path of the project directory (the one holding `MLproject`, `#subdir` applied). */
  dir: string;
  kind: 'local' | 'git' | 'archive';
  provenance: Provenance;
}

export interface FetchOptions {
  /** Branch, tag, full or short commit SHA (`--version`); git sources only. */
  version?: string | undefined;
  /** Clone and archive cache; default `defaultSourceCacheDir()` (`<cache root>/sources`). */
  cacheDir?: string | undefined;
  /** Environment for git and for token lookup; default `process.env`. */
  env?: NodeJS.ProcessEnv | undefined;
  /**
   * Maps a repository URL to the one actually fetched (a mirror, or a local `file://` repo in tests).
   * Provenance keeps the URL as given.
   */
  rewriteUrl?: ((url: string) => string) | undefined;
  /** Cap on `provenance.diff`, in bytes; default 10 MiB. */
  maxDiffBytes?: number | undefined;
  /** Directory relative paths are resolved against; default `process.cwd()`. */
  cwd?: string | undefined;
}
