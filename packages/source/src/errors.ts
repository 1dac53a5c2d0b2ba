/** Stable codes of {@link SourceError}; the CLI may key help text or exit codes on them. */
export type SourceErrorCode =
  /** A local path (directory or archive) that does not exist. */
  | 'ERR_MLPROJECT_SOURCE_NOT_FOUND'
  /** A URI this package cannot read: a `..` subdirectory, a file that is neither a directory nor an archive, a link that contradicts `version`. */
  | 'ERR_MLPROJECT_SOURCE_BAD_URI'
  /** `version` given for a source that is not a git repository. */
  | 'ERR_MLPROJECT_SOURCE_VERSION_UNSUPPORTED'
  /** A git repository that does not exist, cannot be reached, or needs credentials. */
  | 'ERR_MLPROJECT_SOURCE_GIT_REPO'
  /** The requested branch, tag or commit is not in the repository. */
  | 'ERR_MLPROJECT_SOURCE_VERSION_NOT_FOUND'
  /** Any other git failure (checkout, submodules), or git not installed. */
  | 'ERR_MLPROJECT_SOURCE_GIT_FAILED'
  /** The `#subdir` is not in the fetched project. */
  | 'ERR_MLPROJECT_SOURCE_SUBDIR_NOT_FOUND'
  /** An archive URL that could not be downloaded. */
  | 'ERR_MLPROJECT_SOURCE_DOWNLOAD'
  /** An archive that cannot be read, or holds entries that would land outside the target directory. */
  | 'ERR_MLPROJECT_SOURCE_ARCHIVE';

/**
 * An expected failure to fetch a project. `message` is one line (what failed and where; never a
 * token); `hint` says what to do next; the original error, if any, travels as `cause`.
 */
export class SourceError extends Error {
  readonly code: SourceErrorCode;
  readonly hint: string | undefined;
  constructor(code: SourceErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SourceError';
    this.code = code;
    this.hint = options.hint;
  }
}
