import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openSqliteStore, type SqliteStore } from '@mlproject/tracking-sqlite';
import { createTrackingServer, type TrackingServer, type TrackingServerOptions } from '../src/index.js';

export interface Env {
  dir: string;
  artifacts: string;
  store: SqliteStore;
  server: TrackingServer;
  /** Every response the server gave, in order. */
  log: { method: string; url: string; status: number }[];
}

/** A real SQLite store in a temp dir behind a real server on a free port, fresh for each test. */
export function useServer(options: Partial<Omit<TrackingServerOptions, 'store' | 'artifactsDestination'>> = {}): { readonly env: Env } {
  let env: Env | undefined;
  beforeEach(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlproject-server-'));
    const store = openSqliteStore(join(dir, 'mlproject.db'));
    const artifacts = join(dir, 'artifacts');
    const log: Env['log'] = [];
    const server = await createTrackingServer({ ...options, store, artifactsDestination: artifacts, onResponse: (e) => log.push(e) });
    env = { dir, artifacts, store, server, log };
  });
  afterEach(async () => {
    if (env === undefined) return;
    await env.server.close();
    await env.store.close();
    rmSync(env.dir, { recursive: true, force: true });
    env = undefined;
  });
  return {
    get env(): Env {
      if (env === undefined) throw new Error('only inside a test');
      return env;
    },
  };
}

export interface Answer {
  status: number;
  /** The parsed JSON body, or undefined when it is not JSON. */
  json: any;
  text: string;
  headers: Headers;
}

/** Calls the API: GET bodies become the query string as given in `path`; other methods send JSON. */
export async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${base}${path}`, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text, headers: response.headers };
}

/** Sends a request with the path exactly as written (fetch would resolve `..` segments first). */
export async function rawRequest(base: string, method: string, path: string, body = ''): Promise<{ status: number; json: unknown }> {
  const { request } = await import('node:http');
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
