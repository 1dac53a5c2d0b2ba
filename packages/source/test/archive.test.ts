import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchProject, SourceError } from '../src/index.js';
import { gitEnv, python, tempDir, write } from './helpers.js';

const env = gitEnv;
const work = tempDir();

/** A project tree `demo-1.0/` (as GitHub archives have) packed as tar.gz and zip. */
function packDemo(): { tgz: string; zip: string } {
  const src = tempDir();
  write(src, { 'demo-1.0/MLproject': 'name: demo\n', 'demo-1.0/sub/inner/MLproject': 'name: inner\n', 'demo-1.0/run.sh': 'echo hi\n' });
  execFileSync('chmod', ['+x', path.join(src, 'demo-1.0/run.sh')]);
  const tgz = path.join(work, 'demo.tar.gz');
  const zip = path.join(work, 'demo.zip');
  execFileSync('tar', ['czf', tgz, '-C', src, 'demo-1.0']);
  execFileSync('zip', ['-qry', zip, 'demo-1.0'], { cwd: src });
  return { tgz, zip };
}

const { tgz, zip } = packDemo();
let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    const file = path.join(work, path.basename(req.url ?? ''));
    if (!existsSync(file)) return res.writeHead(404, 'Not Found').end();
    res.writeHead(200).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('archives', () => {
  for (const [label, uri] of [
    ['a local tar.gz', () => tgz],
    ['a local zip', () => zip],
    ['a tar.gz over http', () => `${base}/demo.tar.gz`],
    ['a zip over http', () => `${base}/demo.zip`],
  ] as const) {
    it(`${label}: extracted, its single top directory is the project, #subdir applies`, async () => {
      const cacheDir = tempDir();
      const top = await fetchProject(uri(), { cacheDir, env });
      expect(top.kind).toBe('archive');
      expect(path.basename(top.dir)).toBe('demo-1.0');
      expect(readFileSync(path.join(top.dir, 'MLproject'), 'utf8')).toBe('name: demo\n');
      expect(statSync(path.join(top.dir, 'run.sh')).mode & 0o100).toBe(0o100);
      const inner = await fetchProject(`${uri()}#sub/inner`, { cacheDir, env });
      expect(readFileSync(path.join(inner.dir, 'MLproject'), 'utf8')).toBe('name: inner\n');
      expect(inner.provenance).toEqual({ sourceName: `${uri()}#sub/inner` });
      // keyed by content: the second fetch reused the one extraction
      expect(readdirSync(path.join(cacheDir, 'archive'))).toHaveLength(1);
      expect(path.dirname(inner.dir).startsWith(path.dirname(top.dir))).toBe(true);
    });
  }

  it('a download that fails names the URL and the HTTP status', async () => {
    const error = (await fetchProject(`${base}/missing.zip`, { cacheDir: tempDir(), env }).catch((e: unknown) => e)) as SourceError;
    expect(error.code).toBe('ERR_MLPROJECT_SOURCE_DOWNLOAD');
    expect(error.message).toBe(`downloading ${base}/missing.zip failed: HTTP 404 Not Found`);
  });

  it('a corrupt archive', async () => {
    for (const name of ['bad.tar.gz', 'bad.zip']) {
      const file = path.join(work, name);
      writeFileSync(file, 'this is not an archive at all, just some text that is long enough\n'.repeat(20));
      const error = (await fetchProject(file, { cacheDir: tempDir(), env }).catch((e: unknown) => e)) as SourceError;
      expect(error.code).toBe('ERR_MLPROJECT_SOURCE_ARCHIVE');
      expect(error.message).toMatch(new RegExp(`^archive ${file} is corrupt: `));
      expect(error.message).not.toContain('\n');
    }
  });

  it('a missing local archive', async () => {
    await expect(fetchProject(path.join(work, 'nope.tgz'), { cacheDir: tempDir(), env })).rejects.toMatchObject({ code: 'ERR_MLPROJECT_SOURCE_NOT_FOUND' });
  });

  it('a version for an archive is refused', async () => {
    await expect(fetchProject(tgz, { version: 'v1', cacheDir: tempDir(), env })).rejects.toMatchObject({ code: 'ERR_MLPROJECT_SOURCE_VERSION_UNSUPPORTED' });
  });
});

const HOSTILE_TAR = `
import io, sys, tarfile
kind, out = sys.argv[1], sys.argv[2]
with tarfile.open(out, 'w:gz') as t:
    ok = tarfile.TarInfo('proj/MLproject'); data = b'name: x\\n'; ok.size = len(data); t.addfile(ok, io.BytesIO(data))
    if kind in ('dotdot', 'absolute'):
        e = tarfile.TarInfo('../evil.txt' if kind == 'dotdot' else '/tmp/mlproject-evil.txt'); e.size = 4; t.addfile(e, io.BytesIO(b'evil'))
    elif kind == 'chain':
        a = tarfile.TarInfo('proj/a'); a.type = tarfile.SYMTYPE; a.linkname = '.'; t.addfile(a)
        b = tarfile.TarInfo('proj/a/b'); b.type = tarfile.SYMTYPE; b.linkname = '..'; t.addfile(b)
    else:
        e = tarfile.TarInfo('proj/escape'); e.type = tarfile.SYMTYPE; e.linkname = '../../outside' if kind == 'symlink' else '/etc'; t.addfile(e)
`;

const HOSTILE_ZIP = `
import sys, zipfile
kind, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, 'w') as z:
    z.writestr('proj/MLproject', 'name: x\\n')
    if kind == 'dotdot':
        z.writestr('../evil.txt', 'evil')
    else:
        info = zipfile.ZipInfo('proj/escape'); info.create_system = 3; info.external_attr = (0o120777 << 16)
        z.writestr(info, '../../outside')
`;

describe('archive entries that escape the target are refused', () => {
  const cases: [string, string, string][] = [
    ['tar.gz', 'dotdot', 'has an absolute or ".." path'],
    ['tar.gz', 'absolute', 'has an absolute or ".." path'],
    ['tar.gz', 'symlink', 'links outside the archive'],
    ['tar.gz', 'abslink', 'links to an absolute path'],
    ['tar.gz', 'chain', `entry 'proj/a/b' is written through a link that leaves the archive ('proj/a')`],
    ['zip', 'dotdot', `entry '../evil.txt' has an absolute or ".." path`],
    ['zip', 'symlink', 'links outside the archive'],
  ];
  for (const [ext, kind, why] of cases) {
    it(`${ext}: ${kind}`, async () => {
      const dir = tempDir();
      const file = path.join(dir, `hostile.${ext}`);
      python(ext === 'zip' ? HOSTILE_ZIP : HOSTILE_TAR, kind, file);
      const cacheDir = tempDir();
      const error = (await fetchProject(file, { cacheDir, env }).catch((e: unknown) => e)) as SourceError;
      expect(error.code).toBe('ERR_MLPROJECT_SOURCE_ARCHIVE');
      expect(error.message).toMatch(new RegExp(`^archive ${file} is unsafe: entry '.*'`));
      expect(error.message).toContain(why);
      expect(existsSync(path.join(dir, 'evil.txt'))).toBe(false);
      expect(existsSync(path.join(cacheDir, 'evil.txt'))).toBe(false);
      expect(existsSync('/tmp/mlproject-evil.txt')).toBe(false);
      expect(readdirSync(path.join(cacheDir, 'archive'))).toEqual([]);
    });
  }
});
