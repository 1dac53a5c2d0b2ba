import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EnvError } from '@mlproject/env';
import { runStep, type StepContext } from '@mlproject/env';
import { isExecutable } from '@mlproject/env';

const FILE_OPTION = /^(-r|-c|-e|--requirement|--constraint|--editable)(?:\s*=\s*|\s+|(?=[^-\s]))(\S.*)$/;

/**
 * One pip line with its `-r`/`-c`/`-e` target or local path (`./pkg`, `../x`) made absolute against
 * `baseDir` (the conda.yaml's directory, where conda writes the requirements file it hands pip).
 * URLs and plain requirements are unchanged. Pure.
 */
export function absolutizePipLine(line: string, baseDir: string): string {
  const trimmed = line.trim();
  const match = FILE_OPTION.exec(trimmed);
  if (match !== null) {
    const option = match[1] ?? '';
    const target = match[2] ?? '';
    const editable = option === '-e' || option === '--editable';
    const local = editable ? isLocalPath(target) : !/^[a-z][a-z0-9+.-]*:\/\//i.test(target);
    return local ? `${option} ${path.resolve(baseDir, target)}` : trimmed;
  }
  return isLocalPath(trimmed) ? path.resolve(baseDir, trimmed) : trimmed;
}

function isLocalPath(target: string): boolean {
  return target === '.' || target === '..' || /^\.{1,2}\//.test(target) || target.startsWith('/');
}

/** `<prefix>/bin/python`, the env's interpreter. */
export function envPython(prefix: string): string {
  return path.join(prefix, 'bin', 'python');
}

/**
 * Installs the conda.yaml's `pip:` lines into the env with its own `python -m pip`, as
 * `conda env create` does (conda's `pip_util`), from a temporary requirements file whose paths
 * are absolute; cwd = the conda.yaml's directory.
 * @throws EnvError ERR_MLPROJECT_ENV_BUILD_FAILED when the env has no python (python and pip must be
 *   among the conda dependencies) or pip fails.
 */
export async function installPip(prefix: string, lines: readonly string[], file: string, ctx: StepContext): Promise<void> {
  if (!(await isExecutable(envPython(prefix)))) {
    throw new EnvError('ERR_MLPROJECT_ENV_BUILD_FAILED', `${file} has a pip section but the env has no python to run pip`, {
      hint: 'add python and pip to the conda dependencies',
      logFile: ctx.logFile,
    });
  }
  const baseDir = path.dirname(file);
  const temp = await mkdtemp(path.join(os.tmpdir(), 'mlproject-pip-'));
  try {
    const requirements = path.join(temp, 'requirements.txt');
    await writeFile(requirements, `${lines.map((line) => absolutizePipLine(line, baseDir)).join('\n')}\n`);
    await runStep(ctx, `installing the pip section (${lines.length} line(s)) with the env's pip`, envPython(prefix), ['-m', 'pip', 'install', '-r', requirements], baseDir);
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/** `pip freeze --all` of the env, one `name==version` per line; [] when the env has no python. */
export async function pipFreeze(prefix: string, ctx: StepContext): Promise<string[]> {
  if (!(await isExecutable(envPython(prefix)))) return [];
  const { stdout } = await runStep(ctx, 'recording the pip packages', envPython(prefix), ['-m', 'pip', 'freeze', '--all'], prefix);
  return stdout.split(/\r?\n/).filter((line) => line.trim() !== '');
}
