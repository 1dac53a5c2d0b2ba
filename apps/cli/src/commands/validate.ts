import path from 'node:path';
import type { Command } from 'commander';
import { checkCommandTemplate, type ParamsError } from '@mlproject/params';
import { validateProject, type SpecError, type SpecWarning } from '@mlproject/spec';

interface Io {
  out: (s: string) => void;
  setExitCode: (n: number) => void;
}

type Problem = Pick<SpecError | SpecWarning | ParamsError, 'code' | 'file' | 'keyPath' | 'detail' | 'hint'>;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A file path as the user would type it: relative to the cwd when inside it, else absolute. */
function shown(file: string | null, cwd: string): string | null {
  if (file === null) return null;
  const relative = path.relative(cwd, file);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/** `error: MLproject: entry_points.main.command: expected ...` and the hint indented below. */
export function formatProblem(kind: 'error' | 'warning', problem: Problem, cwd: string): string {
  const where = [shown(problem.file, cwd), problem.keyPath, problem.detail].filter((part) => part !== null && part !== '');
  const line = `${kind}: ${where.join(': ')}`;
  return problem.hint === undefined ? line : `${line}\n  hint: ${problem.hint}`;
}

function toJson(problem: Problem & { message: string }) {
  return { code: problem.code, file: problem.file, keyPath: problem.keyPath, message: problem.message, detail: problem.detail, hint: problem.hint ?? null };
}

/**
 * `mlproject validate [DIR]`: loads the MLproject and its env file, checks each entry point's command
 * template as `run` would fill it, and prints every error and warning (one line each, hint below),
 * then `N errors, M warnings`. Exit code 1 when there is an error.
 */
export function registerValidate(program: Command, io: Io): void {
  program
    .command('validate')
    .description('Check an MLproject and its environment file; print every error and warning at once')
    .argument('[dir]', 'project directory', '.')
    .option('--json', 'print JSON for scripts: {ok, project, errors, warnings}')
    .action(async (dir: string, flags: { json?: boolean }) => {
      const cwd = process.cwd();
      const validation = await validateProject(path.resolve(cwd, dir));
      const { project, warnings } = validation;
      // A project is only returned when its MLproject has no errors, so template errors come first.
      const templateErrors = (project?.entryPoints ?? []).flatMap((ep) => checkCommandTemplate(ep, { file: project?.file ?? null }) ?? []);
      const errors: (SpecError | ParamsError)[] = [...templateErrors, ...validation.errors];
      if (errors.length > 0) io.setExitCode(1);
      if (flags.json) {
        const summary = project === null ? null : { name: project.name, file: project.file, entryPoints: project.entryPoints.map((ep) => ep.name), env: project.env };
        io.out(JSON.stringify({ ok: errors.length === 0, project: summary, errors: errors.map(toJson), warnings: warnings.map(toJson) }, null, 2));
        return;
      }
      for (const error of errors) io.out(formatProblem('error', error, cwd));
      for (const warning of warnings) io.out(formatProblem('warning', warning, cwd));
      io.out(`${plural(errors.length, 'error')}, ${plural(warnings.length, 'warning')}`);
    });
}
