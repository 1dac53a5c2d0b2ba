import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EnvError } from '@mlproject/env';
import type { CondaEnv } from '@mlproject/spec';
import { channelUrls, splitDependencies } from './channels.js';
import { describeEngine, type CondaEngine, type NativeEngine } from './engine.js';
import { runStep, type StepContext } from '@mlproject/env';
import { lockPackageLines, type FrozenPlan } from './frozen.js';
import { LOCK_FILE, writeLock, type InstalledPackage } from './lock.js';
import { createWithNative } from './native.js';
import { installPip, pipFreeze } from './pip.js';
import { findHostPython } from './python.js';
import { createWithRattler, provisionRattler } from './rattler.js';

/** What the env is built from: the conda.yaml, or a lock recorded by an earlier build (`--frozen-from`). */
export type CondaSource =
  | { kind: 'yaml'; file: string; env: CondaEnv }
  | { kind: 'frozen'; file: string; lock: string; plan: FrozenPlan };

export interface CondaBuild {
  source: CondaSource;
  engine: CondaEngine;
  subdir: string;
  cacheDir: string;
  /** The environment the caller looks things up in (HOME, PATH for python3). */
  base: NodeJS.ProcessEnv;
  ctx: StepContext;
  log: (line: string) => void;
}

/**
 * Creates the env at `prefix` (which does not exist yet) from `build.source` with the engine, installs
 * the pip lines, and writes the lock (see `writeLock`). A frozen build must end with exactly the
 * recorded packages.
 * @returns what `conda-meta` lists.
 * @throws EnvError from the engine steps; ERR_MLPROJECT_ENV_BUILD_FAILED when a frozen build differs
 *   from its lock.
 */
export async function buildCondaEnv(prefix: string, build: CondaBuild): Promise<InstalledPackage[]> {
  const { source, engine, ctx } = build;
  const pip = source.kind === 'yaml' ? splitDependencies(source.env).pip : source.plan.pip;
  if (engine.kind === 'rattler') {
    const python = await findHostPython(ctx.env);
    const toolDir = await provisionRattler(build.cacheDir, python, engine.version, ctx.env, build.log);
    const { channels, specs } =
      source.kind === 'yaml'
        ? { channels: channelUrls(source.env.channels, path.dirname(source.file), build.base['HOME']), specs: splitDependencies(source.env).conda }
        : source.plan;
    build.log(`solving ${specs.length} conda spec(s) against ${channels.join(', ')} with ${describeEngine(engine)}`);
    await createWithRattler({ prefix, channels, specs, file: source.file, cacheDir: build.cacheDir, python, toolDir, ctx });
    if (pip.length > 0) {
      build.log(`installing ${pip.length} pip requirement line(s)`);
      await installPip(prefix, pip, source.file, ctx);
    }
  } else if (source.kind === 'yaml') {
    build.log(`creating the conda env with ${describeEngine(engine)}`);
    await createWithNative(engine, prefix, source.file, ctx);
  } else {
    await createNativeFromLock(engine, prefix, source.lock, ctx);
    if (pip.length > 0) await installPip(prefix, pip, source.file, ctx);
  }
  const freeze = pip.length > 0 ? await pipFreeze(prefix, ctx) : [];
  const packages = await writeLock(prefix, build.subdir, freeze);
  if (source.kind === 'frozen') await checkSameAsLock(prefix, source.plan, ctx);
  return packages;
}

/** `<engine> create --yes --prefix <prefix> --file <lock>`: conda and micromamba install an explicit lock as is. */
async function createNativeFromLock(engine: NativeEngine, prefix: string, lock: string, ctx: StepContext): Promise<void> {
  const temp = await mkdtemp(path.join(os.tmpdir(), 'mlproject-conda-lock-'));
  try {
    const file = path.join(temp, 'explicit.txt');
    await writeFile(file, lock);
    await runStep(ctx, `creating the conda env from the recorded lock with ${engine.kind}`, engine.executable, ['create', '--yes', '--prefix', prefix, '--file', file], temp);
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

async function checkSameAsLock(prefix: string, plan: FrozenPlan, ctx: StepContext): Promise<void> {
  const now = lockPackageLines(await readFile(path.join(prefix, LOCK_FILE), 'utf8'));
  const wanted = [...plan.packageLines].sort();
  const missing = wanted.filter((line) => !now.includes(line));
  const added = now.filter((line) => !wanted.includes(line));
  if (missing.length === 0 && added.length === 0) return;
  throw new EnvError('ERR_MLPROJECT_ENV_BUILD_FAILED', `the env rebuilt from the recorded lock differs from it: ${[...missing.map((l) => `missing ${l}`), ...added.map((l) => `extra ${l}`)].slice(0, 3).join('; ')}`, {
    hint: `full output in ${ctx.logFile}`,
    logFile: ctx.logFile,
  });
}
