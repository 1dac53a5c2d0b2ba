import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { listArtifactFiles, resolveArtifactPath, safeArtifactPath } from '@mlproject/tracking-server';

/** A file under an artifact root: path relative to it (with `/`), size in bytes. */
export interface ArtifactFile {
  path: string;
  size: number;
}

/**
 * Reads and writes the artifacts of runs and logged models, given their artifact URI
 * (`mlflow-artifacts:/1/<run>/artifacts`, a local path, ...), wherever the store keeps them: a
 * local directory, or a remote server's mlflow-artifacts service.
 */
export interface ArtifactAccess {
  /** Writes `data` as `relPath` under `artifactUri`. @throws TrackingError for an unsafe path. */
  write(artifactUri: string, relPath: string, data: Buffer | string): Promise<void>;
  /** The file's bytes, or null when there is no such file. */
  read(artifactUri: string, relPath: string): Promise<Buffer | null>;
  /** Every file under `artifactUri`, recursively, sorted by path; empty when there is none. */
  list(artifactUri: string): Promise<ArtifactFile[]>;
  /** The local directory of `artifactUri`, or null when the artifacts are remote. */
  localDir(artifactUri: string): string | null;
}

/**
 * Artifacts in a local directory: `mlflow-artifacts:/x` maps to `<destination>/x`, as the
 * tracking server's `--artifacts-destination` does.
 */
export function localArtifacts(destination: string): ArtifactAccess {
  const fileOf = (artifactUri: string, relPath: string): string =>
    path.join(resolveArtifactPath(destination, artifactUri), safeArtifactPath(relPath));
  return {
    async write(artifactUri, relPath, data) {
      const file = fileOf(artifactUri, relPath);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, data);
    },
    async read(artifactUri, relPath) {
      try {
        return await readFile(fileOf(artifactUri, relPath));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return null;
        throw error;
      }
    },
    list: (artifactUri) => listArtifactFiles(destination, artifactUri),
    localDir: (artifactUri) => resolveArtifactPath(destination, artifactUri),
  };
}

/** What {@link remoteArtifacts} needs of an artifact client (`RestArtifacts` of `@mlproject/tracking-rest`). */
export interface ArtifactClient {
  upload(artifactUri: string, relPath: string, data: Buffer | string): Promise<void>;
  download(artifactUri: string, relPath: string): Promise<Buffer>;
  list(artifactUri: string, relDir?: string): Promise<{ path: string; isDir: boolean; fileSize?: number }[]>;
}

/** Artifacts kept by a remote tracking server, through its mlflow-artifacts service. */
export function remoteArtifacts(client: ArtifactClient): ArtifactAccess {
  return {
    write: (artifactUri, relPath, data) => client.upload(artifactUri, relPath, data),
    async read(artifactUri, relPath) {
      try {
        return await client.download(artifactUri, relPath);
      } catch (error) {
        if ((error as { errorCode?: unknown }).errorCode === 'RESOURCE_DOES_NOT_EXIST') return null;
        throw error;
      }
    },
    async list(artifactUri) {
      const out: ArtifactFile[] = [];
      const walk = async (dir: string): Promise<void> => {
        for (const entry of await client.list(artifactUri, dir)) {
          if (entry.isDir) await walk(entry.path);
          else out.push({ path: entry.path, size: entry.fileSize ?? 0 });
        }
      };
      await walk('');
      return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
    localDir: () => null,
  };
}
