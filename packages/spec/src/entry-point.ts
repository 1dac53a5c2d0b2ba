import { SpecError } from './errors.js';
import type { EntryPoint, Project } from './types.js';
import { shellQuote, strRepr } from './python-text.js';

/**
 * Find the entry point to run: a declared entry point of exactly that name, else a script named by
 * its extension, with no declared parameters (every -P becomes an extra `--name value`):
 * - `.py` -> `python <quoted name>`
 * - `.sh` -> `bash <quoted name>`. MLflow uses `$SHELL` (or bash); we always use bash so that the
 *   command does not depend on the user's login shell (a documented difference).
 * - `.R`  -> `Rscript -e "mlflow::mlflow_source('<quoted name>')" --args`, as MLflow does.
 * The script file's existence is not checked (MLflow does not check it either).
 *
 * Mirrors `mlflow/projects/_project_spec.py::Project.get_entry_point`.
 *
 * @throws {@link SpecError} `ERR_MLPROJECT_SPEC_ENTRY_POINT_NOT_FOUND` with MLflow's message
 *   "Could not find X among entry points ['main'] or interpret X as a runnable script. Supported script
 *   file extensions: ['.py', '.sh']"
 */
export function getEntryPoint(project: Project, name: string): EntryPoint {
  const declared = project.entryPoints.find((ep) => ep.name === name);
  if (declared) return declared;
  const ext = splitext(name);
  if (ext === '.py') return { name, parameters: [], command: `python ${shellQuote(name)}` };
  if (ext === '.sh') return { name, parameters: [], command: `bash ${shellQuote(name)}` };
  if (ext === '.R') return { name, parameters: [], command: `Rscript -e "mlflow::mlflow_source('${shellQuote(name)}')" --args` };
  const names = `[${project.entryPoints.map((ep) => strRepr(ep.name)).join(', ')}]`;
  throw new SpecError(
    'ERR_MLPROJECT_SPEC_ENTRY_POINT_NOT_FOUND',
    `Could not find ${name} among entry points ${names} or interpret ${name} as a runnable script. ` +
      "Supported script file extensions: ['.py', '.sh']",
    {
      file: project.file,
      // Point at entry_points only when the MLproject declares some: no MLproject, or `{}`, has no such key.
      keyPath: project.file === null || project.entryPoints.length === 0 ? null : 'entry_points',
      hint:
        project.file === null
          ? `${project.dir} has no MLproject file; name a script to run, e.g. -e train.py.`
          : project.entryPoints.length === 0
            ? 'The MLproject declares no entry points; add some, or name a script to run, e.g. -e train.py.'
            : 'Pick one of the declared entry points with -e, or name a .py or .sh script.',
    },
  );
}

/** The extension as Python's `os.path.splitext` finds it: leading dots of the file name do not count. */
export function splitext(p: string): string {
  const base = p.slice(p.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  if (dot <= 0 || /^\.+$/.test(base.slice(0, dot + 1))) return '';
  return base.slice(dot);
}
