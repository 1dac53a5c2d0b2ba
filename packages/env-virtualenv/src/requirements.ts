import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EnvError } from '@mlproject/env';

/** A `-r`/`-c` reference: `-r file`, `-rfile`, `--requirement file`, `--requirement=file` (same for -c). */
export interface FileReference {
  option: '-r' | '-c';
  target: string;
}

/** A requirements file that a declaration reads, directly or through another file. */
export interface RequirementFile {
  /** Path relative to the project directory (`/`-separated), or absolute when outside it. */
  path: string;
  option: '-r' | '-c';
  content: string;
}

const REFERENCE = /^(?:(-r|-c)\s*|--(requirement|constraint)(?:\s+|\s*=\s*))(\S.*)$/;
const EDITABLE = /^(-e|--editable)(?:\s+|\s*=\s*)(\S.*)$/;

/** The `-r`/`-c` reference in one requirement line, or null. Pure. */
export function parseReference(line: string): FileReference | null {
  const match = REFERENCE.exec(stripComment(line));
  if (match === null) return null;
  const option = match[1] === '-c' || match[2] === 'constraint' ? '-c' : '-r';
  return { option, target: (match[3] ?? '').trim() };
}

/** The logical lines of a requirements file: continuations joined, comments and blanks dropped. Pure. */
export function logicalLines(text: string): string[] {
  return text
    .replace(/\\\r?\n/g, '')
    .split(/\r?\n/)
    .map(stripComment)
    .filter((line) => line !== '');
}

function stripComment(line: string): string {
  return line.replace(/(^|\s)#.*$/, '').trim();
}

function isUrl(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(target);
}

/** A local path requirement (`.`, `./pkg`, `../x`, `/abs`), which pip resolves against the cwd. */
function isLocalPath(target: string): boolean {
  return target === '.' || target === '..' || /^\.{1,2}\//.test(target) || target.startsWith('/');
}

/**
 * One line as it is handed to the tool: relative `-r`/`-c` targets and `-e`/local paths are made
 * absolute against `projectDir`, so the line means the same whatever directory the temporary
 * requirements file is written to. Everything else is unchanged. Pure.
 */
export function absolutize(line: string, projectDir: string): string {
  const trimmed = stripComment(line);
  const reference = parseReference(trimmed);
  if (reference !== null && !isUrl(reference.target)) return `${reference.option} ${path.resolve(projectDir, reference.target)}`;
  const editable = EDITABLE.exec(trimmed);
  if (editable !== null && isLocalPath(editable[2] ?? '')) return `-e ${path.resolve(projectDir, editable[2] ?? '')}`;
  if (isLocalPath(trimmed)) return path.resolve(projectDir, trimmed);
  return line;
}

/**
 * Reads every requirements file `lines` reference, recursively (a nested reference is relative to
 * the file that holds it, as pip reads it), each once. URLs are not fetched. The content becomes
 * part of the env key, as in `mlflow/utils/requirements_utils.py::_parse_requirements`.
 * @throws EnvError ERR_MLPROJECT_ENV_BUILD_FAILED naming the missing file and where it is referenced.
 */
export async function readRequirementFiles(lines: readonly string[], projectDir: string): Promise<RequirementFile[]> {
  const files: RequirementFile[] = [];
  const seen = new Set<string>();
  const visit = async (entries: readonly string[], baseDir: string, from: string): Promise<void> => {
    for (const entry of entries) {
      const reference = parseReference(entry);
      if (reference === null || isUrl(reference.target)) continue;
      const file = path.resolve(baseDir, reference.target);
      if (seen.has(file)) continue;
      seen.add(file);
      let content: string;
      try {
        content = await readFile(file, 'utf8');
      } catch (error) {
        throw new EnvError('ERR_MLPROJECT_ENV_BUILD_FAILED', `cannot read requirements file ${file} (\`${entry.trim()}\` in ${from})`, {
          hint: '-r and -c paths in python_env.yaml are relative to the project directory',
          cause: error,
        });
      }
      const relative = path.relative(projectDir, file);
      const shown = relative.startsWith('..') || path.isAbsolute(relative) ? file : relative.split(path.sep).join('/');
      files.push({ path: shown, option: reference.option, content });
      await visit(logicalLines(content), path.dirname(file), shown);
    }
  };
  await visit(lines, projectDir, 'python_env.yaml');
  return files;
}

/**
 * Absolute paths of the local packages the declaration installs (`-e .`, `./pkg`), top level and in
 * referenced files. An editable install points at its source directory, so these belong in the env
 * key: two clones of one project at different paths must not share an env.
 */
export function localPaths(lines: readonly string[], files: readonly RequirementFile[], projectDir: string): string[] {
  const all = [...lines, ...files.flatMap((f) => logicalLines(f.content))];
  const found = new Set<string>();
  for (const line of all) {
    const trimmed = stripComment(line);
    const editable = EDITABLE.exec(trimmed);
    const target = editable !== null ? (editable[2] ?? '') : trimmed;
    if (isLocalPath(target)) found.add(path.resolve(projectDir, target));
  }
  return [...found].sort();
}
