// The golden table: each case's expectation was produced by running MLflow's own code on the same
// input (golden/generate.py; see golden/README.md). Cases marked `differs` expect our deliberate
// behaviour instead; what MLflow did is kept next to it in the JSON.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SpecError, findProjectFile, getEntryPoint, parseProject, readText } from '../../spec/src/index.js';
import { ParamsError, computeCommand, isPythonFloat, isPythonInt, paramsToLog, parseParamArgs } from '../src/index.js';

interface Outcome {
  command?: string;
  env?: { type: string; file: string | null };
  logged?: [string, string][];
  error?: { kind: string; message?: string; messagePrefix?: string; keyPath?: string };
}
interface GoldenCase {
  name: string;
  rule: string;
  mlproject: string | null;
  filename?: string;
  files?: Record<string, string>;
  cwdFiles?: Record<string, string>;
  entryPoint: string;
  args: string[];
  expected: Outcome;
  differs?: string;
  mlflow?: unknown;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const golden = JSON.parse(readFileSync(path.join(here, 'golden', 'cases.json'), 'utf8')) as { cases: GoldenCase[] };
const numeric = JSON.parse(readFileSync(path.join(here, 'golden', 'numeric.json'), 'utf8')) as { rows: [string, boolean, boolean][] };

function writeTree(base: string, files: Record<string, string> = {}): void {
  mkdirSync(base, { recursive: true });
  for (const [rel, content] of Object.entries(files)) {
    const target = path.join(base, rel);
    if (rel.endsWith('/')) mkdirSync(target, { recursive: true });
    else {
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
  }
}

/** Run one case through our packages the way `mlproject run` does, in a fresh temp dir. */
async function runCase(c: GoldenCase, tmp: string): Promise<Outcome> {
  const projectDir = path.join(tmp, 'project');
  const cwd = path.join(tmp, 'cwd');
  writeTree(projectDir, c.files);
  writeTree(cwd, c.cwdFiles);
  mkdirSync(path.join(tmp, 'storage'));
  if (c.mlproject !== null) writeFileSync(path.join(projectDir, c.filename ?? 'MLproject'), c.mlproject);
  try {
    const params = parseParamArgs(c.args.map((a) => a.replaceAll('<TMP>', tmp)));
    const file = await findProjectFile(projectDir);
    const project = parseProject(file === null ? '' : await readText(file), { dir: projectDir, file, exists: existsSync });
    const entryPoint = getEntryPoint(project, c.entryPoint);
    const command = computeCommand(entryPoint, params, { cwd });
    const logged = paramsToLog(entryPoint, params).map(({ key, value }): [string, string] => [key, value]);
    const envFile = 'file' in project.env && project.env.file !== null ? path.relative(projectDir, project.env.file) : null;
    return tokenise({ command, env: { type: project.env.type, file: envFile }, logged }, tmp);
  } catch (error) {
    if (!(error instanceof SpecError || error instanceof ParamsError)) throw error;
    const text = error instanceof SpecError ? error.detail : error.message;
    return tokenise({ error: { kind: error.code, message: text, ...(error instanceof SpecError ? { keyPath: error.keyPath ?? '' } : {}) } }, tmp);
  }
}

function tokenise(outcome: Outcome, tmp: string): Outcome {
  return JSON.parse(JSON.stringify(outcome).replaceAll(JSON.stringify(tmp).slice(1, -1), '<TMP>')) as Outcome;
}

describe('golden table: MLflow 3.17.2 renders the same command (or error) as we do', () => {
  it('has at least 80 cases, unique names, and a reason wherever we differ', () => {
    expect(golden.cases.length).toBeGreaterThanOrEqual(80);
    expect(new Set(golden.cases.map((c) => c.name)).size).toBe(golden.cases.length);
    for (const c of golden.cases.filter((c) => c.differs !== undefined)) expect(c.mlflow, c.name).toBeDefined();
  });

  it.each(golden.cases.map((c) => [c.differs === undefined ? c.name : `${c.name} (differs: ${c.differs})`, c] as const))(
    '%s',
    async (_, c) => {
      const tmp = realpathSync(mkdtempSync(path.join(tmpdir(), 'golden-')));
      try {
        const actual = await runCase(c, tmp);
        const { error } = c.expected;
        if (error === undefined) {
          expect(actual).toEqual(c.expected);
          return;
        }
        expect(actual.error?.kind, JSON.stringify(actual)).toBe(error.kind);
        if (error.keyPath !== undefined) expect(actual.error?.keyPath).toBe(error.keyPath);
        if (error.messagePrefix !== undefined) expect(actual.error?.message.startsWith(error.messagePrefix), actual.error?.message).toBe(true);
        // Spec errors keep MLflow's wording and may add what was found ("... Found: the integer 1.").
        if (error.message !== undefined && actual.error?.kind.startsWith('ERR_MLPROJECT_SPEC_')) {
          expect(actual.error.message.startsWith(error.message), actual.error.message).toBe(true);
        } else if (error.message !== undefined) expect(actual.error?.message).toBe(error.message);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    },
  );
});

describe("int/float -P validation agrees with CPython's int() and float()", () => {
  it.each(numeric.rows)('%j: int %s, float %s', (value, int, float) => {
    expect(isPythonInt(value)).toBe(int);
    expect(isPythonFloat(value)).toBe(float);
  });
});
