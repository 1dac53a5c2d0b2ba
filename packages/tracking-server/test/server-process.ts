import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const fixture = fileURLToPath(new URL('./fixtures/server.mjs', import.meta.url));
const dists = ['../dist/index.js', '../node_modules/@mlproject/tracking-sqlite/dist/index.js'].map((p) => fileURLToPath(new URL(p, import.meta.url)));

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** What it wrote to stderr so far: one JSON line per answer of status >= 400. */
  stderr(): string;
  /** Resolves with the signal or exit code once the process is gone. */
  exited: Promise<NodeJS.Signals | number | null>;
}

/** Every server process started by {@link startServerProcess}; kill them with {@link killAll}. */
const started: ChildProcess[] = [];

/**
 * Starts test/fixtures/server.mjs (the built packages) over the store file `db` in a child node
 * process, as `mlproject run` does; resolves once it listens.
 * @throws Error when dist/ is missing or the process exits before printing its URL.
 */
export async function startServerProcess(db: string, artifacts: string): Promise<ServerProcess> {
  const missing = dists.filter((d) => !existsSync(d));
  if (missing.length > 0) throw new Error(`${missing.join(', ')} missing: the server process imports the built packages; run \`pnpm run build\` first.`);
  const child = spawn(process.execPath, [fixture, db, artifacts], { stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line !== undefined && stdout.includes('\n')) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.on('error', reject);
    void exited.then((how) => reject(new Error(`server process ended (${String(how)}) before listening: ${stderr}`)));
  });
  return { child, url, stderr: () => stderr, exited };
}

/** SIGKILLs every server process still running (for afterAll, also after a failure). */
export function killAll(): void {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
