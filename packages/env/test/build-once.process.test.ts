// buildOnce across real processes: the lock is a directory other processes see, and a build
// killed with SIGKILL (no exit handlers) leaves a half-built dir and a lock that go stale.
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READY_MARKER, buildOnce } from '../src/index.js';

const pkg = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dist = path.join(pkg, 'dist', 'index.js');
let root: string;

// The child imports the compiled package (Node 20 cannot load the .ts sources), so build it first.
beforeAll(async () => {
  execFileSync(path.join(pkg, '../../node_modules/.bin/tsc'), ['-b', pkg], { stdio: 'inherit' });
  root = await mkdtemp(path.join(os.tmpdir(), 'mlproject-build-once-proc-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const CHILD = `
import { appendFile, mkdir } from 'node:fs/promises';
import { buildOnce } from ${JSON.stringify(dist)};
const [dir, counter, sleepMs] = process.argv.slice(1);
const result = await buildOnce(dir, async (d) => {
  await appendFile(counter, process.pid + '\\n');
  await mkdir(d);
  process.stdout.write('building\\n');
  await new Promise((r) => setTimeout(r, Number(sleepMs)));
}, { key: 'k', staleMs: 2000, pollMs: 50 });
process.stdout.write(JSON.stringify({ reused: result.reused }) + '\\n');
`;

function child(dir: string, counter: string, sleepMs: number) {
  const proc = spawn(process.execPath, ['--input-type=module', '-e', CHILD, dir, counter, String(sleepMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
  const done = new Promise<{ code: number | null; out: string }>((resolve) => proc.on('close', (code) => resolve({ code, out })));
  return { proc, done, output: () => out };
}

describe('buildOnce across processes', () => {
  it('three concurrent processes build once; the others wait and reuse', async () => {
    const dir = path.join(root, 'race');
    const counter = path.join(root, 'race.count');
    const results = await Promise.all([1, 2, 3].map(() => child(dir, counter, 1000).done));
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    const reused = results.map((r) => (JSON.parse(r.out.trim().split('\n').pop() ?? '{}') as { reused: boolean }).reused);
    expect(reused.filter((r) => !r)).toHaveLength(1);
    expect((await readFile(counter, 'utf8')).trim().split('\n')).toHaveLength(1);
  });

  it('a build killed with SIGKILL is rebuilt, never reused, once its lock goes stale', async () => {
    const dir = path.join(root, 'killed');
    const counter = path.join(root, 'killed.count');
    const victim = child(dir, counter, 60_000);
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (victim.output().includes('building')) { clearInterval(timer); resolve(); }
      }, 20);
    });
    victim.proc.kill('SIGKILL');
    await victim.done;
    const leftovers = (await readdir(root)).filter((n) => n.startsWith('killed.tmp-'));
    expect(leftovers).toHaveLength(1); // the half-built temp dir; nothing at the final path
    await expect(readdir(dir)).rejects.toMatchObject({ code: 'ENOENT' });
    const lines: string[] = [];
    const started = Date.now();
    const result = await buildOnce(dir, async (d) => { await mkdir(d); }, {
      key: 'k', staleMs: 2000, pollMs: 50, log: (l) => lines.push(l),
    });
    expect(result.reused).toBe(false);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(lines).toContain(`removed half-built ${path.join(root, leftovers[0] ?? '')}`);
    expect(await readdir(dir)).toEqual([READY_MARKER]);
    expect((await readdir(root)).filter((n) => n.startsWith('killed.tmp-') || n === 'killed.lock')).toEqual([]);
  });
});
