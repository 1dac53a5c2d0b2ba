// File-system edge of the package: find, read and load. Everything else is pure.
import { existsSync } from 'node:fs';
import { lstat, readdir, readFile, readlink, stat } from 'node:fs/promises';
import path from 'node:path';
import { SpecError } from './errors.js';
import { parseProject } from './project.js';
import type { Project } from './types.js';

function isErrno(error: unknown, ...codes: string[]): boolean {
  return error instanceof Error && codes.includes((error as NodeJS.ErrnoException).code ?? '');
}

/**
 * Read a spec file as UTF-8 text, as MLflow's `open()` does; a UTF-8 BOM is dropped.
 *
 * @throws {@link SpecError} `ERR_MLPROJECT_SPEC_FILE_NOT_FOUND` if it does not exist,
 *   `ERR_MLPROJECT_SPEC_YAML` if it is not valid UTF-8 (e.g. a UTF-16 file written by PowerShell)
 */
export async function readText(file: string): Promise<string> {
  const abs = path.resolve(file);
  let bytes: Buffer;
  try {
    bytes = await readFile(abs);
  } catch (error) {
    if (!isErrno(error, 'ENOENT', 'ENOTDIR')) throw error;
    throw new SpecError('ERR_MLPROJECT_SPEC_FILE_NOT_FOUND', 'no such file', { file: abs, hint: 'Check the path.', cause: error });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
    throw new SpecError('ERR_MLPROJECT_SPEC_YAML', `expected UTF-8 text, found ${utf16 ? 'UTF-16 text' : 'bytes that are not valid UTF-8'}`, {
      file: abs,
      hint: 'Save the file as UTF-8 (MLflow reads it as UTF-8 too).',
      cause: error,
    });
  }
}

/**
 * Find the MLproject file of a project directory: the one entry whose name lower-cases to
 * `mlproject` (so `MLproject`, `MLProject`, `mlproject`), no extension. Entries that are not files
 * (a directory or Python package named `mlproject`) are skipped, where MLflow would crash.
 *
 * Mirrors `mlflow/projects/_project_spec.py::_find_mlproject`.
 *
 * @returns the absolute path of the file, or null when the project has no MLproject
 * @throws {@link SpecError} `ERR_MLPROJECT_SPEC_FILE_MISNAMED` when there is no MLproject but an
 *   `MLproject.yaml` / `.yml` (MLflow silently ignores it); `ERR_MLPROJECT_SPEC_FILE_AMBIGUOUS` when two
 *   names match (e.g. `MLproject` and `mlproject`; MLflow picks whichever the OS lists first);
 *   `ERR_MLPROJECT_SPEC_FILE_NOT_FOUND` when `dir` does not exist or is not a directory, or when the
 *   MLproject is a dangling symbolic link (naming the link and its target)
 */
export async function findProjectFile(dir: string): Promise<string | null> {
  const abs = path.resolve(dir);
  let names: string[];
  try {
    names = (await readdir(abs)).sort();
  } catch (error) {
    if (!isErrno(error, 'ENOENT', 'ENOTDIR')) throw error;
    const found = isErrno(error, 'ENOTDIR') ? 'a file' : 'nothing';
    throw new SpecError('ERR_MLPROJECT_SPEC_FILE_NOT_FOUND', `expected a project directory, found ${found}`, {
      file: abs,
      hint: 'Check the project path.',
      cause: error,
    });
  }
  const files: string[] = [];
  for (const name of names.filter((n) => n.toLowerCase() === 'mlproject')) {
    const info = await stat(path.join(abs, name)).catch(() => null);
    if (info?.isFile()) files.push(path.join(abs, name));
    else if (info === null && (await lstat(path.join(abs, name)).catch(() => null))?.isSymbolicLink()) {
      const target = await readlink(path.join(abs, name)).catch(() => '?');
      throw new SpecError('ERR_MLPROJECT_SPEC_FILE_NOT_FOUND', `is a symbolic link to ${target}, which does not exist`, {
        file: path.join(abs, name),
        hint: `Fix or remove the link; the MLproject would be missed and the project run without it.`,
      });
    }
  }
  if (files.length > 1) {
    throw new SpecError('ERR_MLPROJECT_SPEC_FILE_AMBIGUOUS', `found ${files.length} MLproject files: ${files.join(', ')}`, {
      file: abs,
      hint: 'Keep exactly one MLproject file.',
    });
  }
  if (files[0] !== undefined) return files[0];
  const misnamed = names.find((n) => /^mlproject\.ya?ml$/i.test(n));
  if (misnamed !== undefined) {
    throw new SpecError('ERR_MLPROJECT_SPEC_FILE_MISNAMED', 'found, but must be named MLproject', {
      file: path.join(abs, misnamed),
      hint: `Rename ${misnamed} to MLproject (no extension); MLflow ignores it and would run the project without it.`,
    });
  }
  return null;
}

/**
 * Load the project in a directory: find and read its MLproject (if any) and parse it with real
 * file-existence checks for the env files (see {@link parseProject}).
 *
 * Mirrors `mlflow/projects/_project_spec.py::load_project`.
 *
 * @throws {@link SpecError} any error of {@link findProjectFile}, {@link readText} and {@link parseProject}
 */
export async function loadProject(dir: string): Promise<Project> {
  const abs = path.resolve(dir);
  const file = await findProjectFile(abs);
  const text = file === null ? '' : await readText(file);
  return parseProject(text, { dir: abs, file, exists: existsSync });
}
