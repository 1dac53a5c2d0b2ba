import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/** One hand-made conda package: its index.json facts and its files (path -> content). */
export interface PackageSpec {
  name: string;
  version: string;
  build?: string;
  depends?: string[];
  /** Files of the payload; executable when the path starts with `bin/`. */
  files: Record<string, string>;
  /** Text files in which conda-style installers replace this placeholder with the env prefix. */
  prefixFiles?: Record<string, string>;
}

/** The placeholder conda-build writes into text files (see conda's `has_prefix`). */
export const PREFIX_PLACEHOLDER = '/opt/anaconda1anaconda2anaconda3';

/**
 * Writes a `noarch` conda channel at `<dir>/channel`: each package as a `.tar.bz2` (a bzip2 tarball
 * of `info/index.json`, `info/paths.json`, `info/files`, and the payload) made with the system tar,
 * and `noarch/repodata.json` listing them with their md5, sha256 and size, as `conda index` would.
 * @returns the channel directory and the md5 of each package file, by file name.
 */
export async function writeLocalChannel(dir: string, packages: readonly PackageSpec[]): Promise<{ channel: string; md5: Record<string, string> }> {
  const channel = path.join(dir, 'channel');
  const noarch = path.join(channel, 'noarch');
  await mkdir(noarch, { recursive: true });
  const records: Record<string, unknown> = {};
  const md5: Record<string, string> = {};
  for (const spec of packages) {
    const build = spec.build ?? '0';
    const fileName = `${spec.name}-${spec.version}-${build}.tar.bz2`;
    const index = { name: spec.name, version: spec.version, build, build_number: 0, depends: spec.depends ?? [], subdir: 'noarch', noarch: 'generic', license: 'MIT', timestamp: 1_700_000_000_000 };
    await buildPackage(path.join(noarch, fileName), index, spec);
    const bytes = await readFile(path.join(noarch, fileName));
    md5[fileName] = createHash('md5').update(bytes).digest('hex');
    records[fileName] = { ...index, md5: md5[fileName], sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
  }
  await writeFile(path.join(noarch, 'repodata.json'), JSON.stringify({ info: { subdir: 'noarch' }, packages: records, 'packages.conda': {}, repodata_version: 1 }));
  return { channel, md5 };
}

async function buildPackage(target: string, index: Record<string, unknown>, spec: PackageSpec): Promise<void> {
  const stage = await mkdtemp(path.join(os.tmpdir(), 'mlproject-conda-pkg-'));
  try {
    const paths: Record<string, unknown>[] = [];
    const all = { ...spec.files, ...spec.prefixFiles };
    for (const [relative, content] of Object.entries(all)) {
      const file = path.join(stage, relative);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, content);
      if (relative.startsWith('bin/')) await chmod(file, 0o755);
      const entry: Record<string, unknown> = { _path: relative, path_type: 'hardlink', sha256: createHash('sha256').update(content).digest('hex'), size_in_bytes: Buffer.byteLength(content) };
      if (spec.prefixFiles?.[relative] !== undefined) Object.assign(entry, { prefix_placeholder: PREFIX_PLACEHOLDER, file_mode: 'text' });
      paths.push(entry);
    }
    await mkdir(path.join(stage, 'info'));
    await writeFile(path.join(stage, 'info', 'index.json'), JSON.stringify(index));
    await writeFile(path.join(stage, 'info', 'paths.json'), JSON.stringify({ paths, paths_version: 1 }));
    await writeFile(path.join(stage, 'info', 'files'), `${Object.keys(all).join('\n')}\n`);
    await promisify(execFile)('tar', ['-cjf', target, '-C', stage, 'info', ...new Set(Object.keys(all).map((p) => p.split('/')[0] ?? p))]);
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}
