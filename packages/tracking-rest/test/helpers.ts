import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import { openSqliteStore } from '@mlproject/tracking-sqlite';
import { createTrackingServer } from '@mlproject/tracking-server';
import { openRestStore, type RestStore, type RestStoreOptions } from '../src/index.js';

/** A REST store on our own server over a fresh SQLite file; close() also stops the server and the SQLite store and removes the dir. */
export interface ServedStore extends RestStore {
  readonly serverUrl: string;
  readonly artifactsDir: string;
  /** The fetch the store uses; its connections are closed by close(), before the server. */
  readonly fetch: typeof fetch;
}

export async function servedStore(options: RestStoreOptions = {}): Promise<ServedStore> {
  const dir = mkdtempSync(join(tmpdir(), 'mlproject-rest-'));
  const sqlite = openSqliteStore(join(dir, 'mlproject.db'));
  const artifactsDir = join(dir, 'artifacts');
  const server = await createTrackingServer({ store: sqlite, artifactsDestination: artifactsDir });
  // Our own connection pool, closed before the server: the server's close() waits for busy keep-alive
  // connections, and (tracking-server bug, reported) one stays busy after a PUT followed by a file GET.
  const agent = new Agent();
  const fetchWith = ((input: string, init?: RequestInit) => undiciFetch(input, { ...(init as object), dispatcher: agent } as never)) as unknown as typeof fetch;
  const rest = openRestStore(server.url, { retries: 0, fetch: fetchWith, ...options });
  return Object.assign(rest, {
    serverUrl: server.url,
    artifactsDir,
    fetch: fetchWith,
    close: async () => {
      await agent.destroy();
      await server.close();
      await sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

/** One request as the fake server saw it. */
export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * A tiny HTTP server for client-side behaviour (auth headers, error bodies, retries): `answer` is
 * called for each request, in order, and writes the response.
 */
export async function fakeServer(answer: (req: Seen, res: ServerResponse, n: number) => void): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
      seen.push(entry);
      answer(entry, res, seen.length);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}

/** Writes a JSON response. */
export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}
