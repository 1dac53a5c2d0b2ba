import { describe, expect, it, vi } from 'vitest';
import { call, useServer } from './helpers.js';

describe('the 413 answer to a JSON body over the limit', () => {
  const h = useServer({ maxRequestBytes: 4096 });

  it('states the limit in bytes and the option that sets it', async () => {
    const params = Array.from({ length: 100 }, (_, i) => ({ key: `p${i}`, value: 'v'.repeat(60) }));
    const answer = await call(h.env.server.url, 'POST', '/api/2.0/mlflow/runs/log-batch', { run_id: 'r', params });
    expect(answer.status).toBe(413);
    expect(answer.json).toEqual({
      error_code: 'BAD_REQUEST',
      message: "Request body is larger than this server's limit of 4096 bytes (--max-request-size)",
    });
  });
});

describe('unexpected errors (tester finding: a 500 with a truncated body and nothing logged)', () => {
  it('are answered with MLflow\'s JSON error whole, and reported to onInternalError', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { openSqliteStore } = await import('@mlproject/tracking-sqlite');
    const { createTrackingServer } = await import('../src/index.js');
    const dir = mkdtempSync(join(tmpdir(), 'mlproject-internal-'));
    const real = openSqliteStore(join(dir, 'db.sqlite'));
    // The store failing is the injected fault; the test is about what the server does with it.
    const store = new Proxy(real, {
      get: (target, key, receiver) => (key === 'getRun' ? async () => { throw new Error('disk on fire'); } : Reflect.get(target, key, receiver)),
    });
    const reported: { method: string; url: string; error: unknown }[] = [];
    const server = await createTrackingServer({ store, artifactsDestination: join(dir, 'art'), onInternalError: (e) => reported.push(e) });
    // Without onInternalError (as `mlproject server` and `mlproject ui` run it): method, URL and stack on stderr.
    const quiet = await createTrackingServer({ store, artifactsDestination: join(dir, 'art') });
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const answer = await call(server.url, 'GET', '/get-artifact?run_id=abc&path=a.txt');
      expect(answer).toMatchObject({ status: 500, json: { error_code: 'INTERNAL_ERROR', message: 'Internal error: disk on fire' } });
      expect(reported.map((e) => [e.method, e.url, (e.error as Error).message])).toEqual([['GET', '/get-artifact?run_id=abc&path=a.txt', 'disk on fire']]);
      expect((await call(quiet.url, 'GET', '/get-artifact?run_id=abc&path=b.txt')).status).toBe(500);
      const written = stderr.mock.calls.map((c) => String(c[0])).join('');
      expect(written).toMatch(/^tracking server: internal error answering GET \/get-artifact\?run_id=abc&path=b\.txt: Error: disk on fire\n\s+at /);
    } finally {
      stderr.mockRestore();
      await quiet.close();
      await server.close();
      await real.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('drop the headers a failed download had set, so the JSON is neither refused again nor cut to its Content-Length', async () => {
    const { Readable } = await import('node:stream');
    const Fastify = (await import('fastify')).default;
    const { installErrorHandler } = await import('../src/http/errors.js');
    const app = Fastify();
    const reported: unknown[] = [];
    installErrorHandler(app, { maxRequestBytes: 1024, onInternalError: (e) => reported.push(e.error) });
    // What the download route did before the fix: a header Node refuses (not Latin-1) next to a short Content-Length.
    app.get('/file', async (_request, reply) => reply
      .header('Content-Length', '3')
      .header('Content-Disposition', 'attachment; filename="数据.txt"')
      .send(Readable.from([Buffer.from('hi\n')])));
    await app.listen({ port: 0 });
    try {
      const answer = await call(`http://127.0.0.1:${(app.server.address() as { port: number }).port}`, 'GET', '/file');
      expect(answer.status).toBe(500);
      expect(answer.json).toMatchObject({ error_code: 'INTERNAL_ERROR' });
      expect(answer.headers.get('content-disposition')).toBeNull();
      expect(reported).toHaveLength(1);
    } finally {
      await app.close();
    }
  });
});
