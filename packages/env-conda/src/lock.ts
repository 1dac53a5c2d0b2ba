import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The lock of what is installed, inside the env (`conda list --explicit --md5` format). */
export const LOCK_FILE = '.mlproject-lock.txt';

/** One installed conda package, as its `conda-meta/<name>-<version>-<build>.json` records it. */
export interface InstalledPackage {
  name: string;
  version: string;
  build: string;
  /** Where it was downloaded from; `''` when the record has none. */
  url: string;
  /** Hex md5 of the package file; `''` when the record has none. */
  md5: string;
}

/**
 * Every package recorded in `<prefix>/conda-meta/*.json`, sorted by name. conda, mamba, micromamba
 * and rattler all write these records, so the lock does not depend on the engine. Unreadable or
 * malformed records are skipped; a missing `conda-meta` gives [].
 */
export async function readInstalled(prefix: string): Promise<InstalledPackage[]> {
  const dir = path.join(prefix, 'conda-meta');
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  const found: InstalledPackage[] = [];
  for (const name of names) {
    try {
      const record = JSON.parse(await readFile(path.join(dir, name), 'utf8')) as Record<string, unknown>;
      const text = (key: string): string => (typeof record[key] === 'string' ? (record[key] as string) : '');
      if (text('name') === '') continue;
      found.push({ name: text('name'), version: text('version'), build: text('build'), url: text('url'), md5: text('md5') });
    } catch {
      continue;
    }
  }
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The lock text, as `conda list --explicit --md5` prints it: a header naming the subdir, `@EXPLICIT`,
 * then one `<url>#<md5>` line per package (`<url>` alone when the md5 is unknown; a package with no
 * URL becomes a `# name==version=build (no url)` comment). `pip` lines, when given (`name==version`),
 * follow as `# pip name==version` comments, which `conda create --file` ignores. Pure.
 */
export function formatExplicitLock(packages: readonly InstalledPackage[], subdir: string, pip: readonly string[] = []): string {
  const lines = [
    '# This file may be used to create an environment using:',
    '# $ conda create --name <env> --file <this file>',
    `# platform: ${subdir}`,
    '@EXPLICIT',
    ...packages.map((p) => (p.url === '' ? `# ${p.name}==${p.version}=${p.build} (no url)` : p.md5 === '' ? p.url : `${p.url}#${p.md5}`)),
    ...pip.filter((line) => line.trim() !== '').map((line) => `# pip ${line.trim()}`),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Writes `<prefix>/.mlproject-lock.txt` from the env's `conda-meta` (see {@link formatExplicitLock}).
 * @returns the packages recorded.
 */
export async function writeLock(prefix: string, subdir: string, pip: readonly string[] = []): Promise<InstalledPackage[]> {
  const packages = await readInstalled(prefix);
  await writeFile(path.join(prefix, LOCK_FILE), formatExplicitLock(packages, subdir, pip));
  return packages;
}
