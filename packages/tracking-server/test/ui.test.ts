import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call, rawRequest, useServer } from './helpers.js';

// A stand-in for the built UI: the test is about serving a directory, not about the UI.
const top = mkdtempSync(join(tmpdir(), 'mlproject-ui-'));
const ui = join(top, 'dist');
mkdirSync(join(ui, 'assets'), { recursive: true });
writeFileSync(join(ui, 'index.html'), '<!doctype html><title>mlproject</title><div id="app"></div>');
writeFileSync(join(ui, 'assets', 'app.js'), 'console.log("ui");');
writeFileSync(join(ui, '.env'), 'SECRET=dotfile');
writeFileSync(join(top, 'secret.txt'), 'outside the UI');
afterAll(() => rmSync(top, { recursive: true, force: true }));

describe('uiDirectory', () => {
  const s = useServer({ uiDirectory: ui });

  it('serves index.html at / and the bundle files', async () => {
    const root = await call(s.env.server.url, 'GET', '/');
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toMatch(/text\/html/);
    expect(root.text).toContain('<div id="app">');
    const js = await call(s.env.server.url, 'GET', '/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
  });

  it('answers other page paths with index.html (SPA fallback)', async () => {
    const page = await call(s.env.server.url, 'GET', '/experiments/0?filter=x');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<div id="app">');
  });

  it('leaves the API its JSON 404 and 405 answers', async () => {
    const missing = await call(s.env.server.url, 'GET', '/api/2.0/mlflow/no-such-endpoint');
    expect(missing.status).toBe(404);
    expect(missing.json.error_code).toBe('ENDPOINT_NOT_FOUND');
    const wrongMethod = await call(s.env.server.url, 'GET', '/api/2.0/mlflow/runs/create');
    expect(wrongMethod.status).toBe(405);
    const post = await call(s.env.server.url, 'POST', '/experiments/0', {});
    expect(post.status).toBe(404);
  });

  it('gives the page and its files a CSP for the built app and refuses framing', async () => {
    for (const path of ['/', '/index.html', '/experiments/0', '/assets/app.js']) {
      const answer = await call(s.env.server.url, 'GET', path);
      expect(answer.status, path).toBe(200);
      const csp = answer.headers.get('content-security-policy') ?? '';
      for (const directive of ["script-src 'self'", "connect-src 'self'", "img-src 'self' blob: data:", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) {
        expect(csp, `${path}: ${directive}`).toContain(directive);
      }
      expect(answer.headers.get('x-frame-options'), path).toBe('DENY');
      expect(answer.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
    expect((await call(s.env.server.url, 'GET', '/')).headers.get('cache-control')).toBe('no-cache');
  });

  it('serves what a rebuild writes while it runs: new hashed assets, new files, a new index.html (tester finding)', async () => {
    writeFileSync(join(ui, 'assets', 'index-new1.js'), 'console.log("rebuilt");');
    writeFileSync(join(ui, 'assets', 'index-new1.css'), 'body{}');
    writeFileSync(join(ui, 'favicon.ico'), 'icon');
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>mlproject</title><div id="app"></div><script src="./assets/index-new1.js"></script>');
    try {
      const js = await call(s.env.server.url, 'GET', '/assets/index-new1.js');
      expect(js).toMatchObject({ status: 200, text: 'console.log("rebuilt");' });
      expect(js.headers.get('content-type')).toMatch(/javascript/);
      expect((await call(s.env.server.url, 'GET', '/assets/index-new1.css')).headers.get('content-type')).toMatch(/text\/css/);
      expect((await fetch(`${s.env.server.url}/assets/index-new1.js`, { method: 'HEAD' })).status).toBe(200);
      expect(await call(s.env.server.url, 'GET', '/favicon.ico')).toMatchObject({ status: 200, text: 'icon' });
      expect((await call(s.env.server.url, 'GET', '/')).text).toContain('index-new1.js');
    } finally {
      for (const file of ['assets/index-new1.js', 'assets/index-new1.css', 'favicon.ico']) rmSync(join(ui, file));
      writeFileSync(join(ui, 'index.html'), '<!doctype html><title>mlproject</title><div id="app"></div>');
    }
  });

  it('answers a missing file 404 (not index.html), page paths index.html, and nothing outside the UI or hidden', async () => {
    for (const path of ['/assets/index-gone.js', '/favicon.ico', '/robots.txt', '/experiments/0/missing.png']) {
      const answer = await call(s.env.server.url, 'GET', path);
      expect(answer.status, path).toBe(404);
      expect(answer.text, path).not.toContain('<div id="app">');
    }
    for (const path of ['/experiments/0', '/runs/abc/', '/a/b/c']) expect((await call(s.env.server.url, 'GET', path)).text, path).toContain('<div id="app">');
    for (const path of ['/.env', '/assets/..%2F.env', '/..%2Fsecret.txt', '/assets/..%2F..%2Fsecret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt']) {
      const answer = await rawRequest(s.env.server.url, 'GET', path);
      expect([403, 404], path).toContain(answer.status);
    }
  });

  it('still answers the API', async () => {
    const search = await call(s.env.server.url, 'POST', '/ajax-api/2.0/mlflow/experiments/search', { max_results: 10 });
    expect(search.status).toBe(200);
    expect(search.json.experiments[0].name).toBe('Default');
  });
});

describe('uiDirectory on a server that requires auth', () => {
  const token = { authorization: 'Bearer tok-123' };
  const basic = { authorization: `Basic ${Buffer.from('ana:p:w').toString('base64')}` };

  /** A run with `notes.txt` uploaded with the token; returns the /get-artifact path of that file. */
  async function runWithArtifact(url: string, store: { createRun: (r: never) => Promise<{ info: { runId: string; artifactUri: string } }> }): Promise<string> {
    const run = await store.createRun({ experimentId: '0', userId: 'u', startTime: 1, tags: [] } as never);
    const root = run.info.artifactUri.replace('mlflow-artifacts:/', '');
    const put = await fetch(`${url}/api/2.0/mlflow-artifacts/artifacts/${root}/notes.txt`, { method: 'PUT', body: 'secret notes', headers: token });
    expect(put.status).toBe(200);
    return `/get-artifact?run_id=${run.info.runId}&path=notes.txt`;
  }

  describe('with a token and Basic users', () => {
    const s = useServer({ uiDirectory: ui, auth: { token: 'tok-123', users: [{ username: 'ana', password: 'p:w' }] } });

    it('serves index.html, a bundle file and page paths (SPA fallback) without credentials', async () => {
      for (const path of ['/', '/index.html', '/experiments/0?filter=x']) {
        const page = await call(s.env.server.url, 'GET', path);
        expect(page.status, path).toBe(200);
        expect(page.text, path).toContain('<div id="app">');
      }
      const js = await call(s.env.server.url, 'GET', '/assets/app.js');
      expect(js).toMatchObject({ status: 200, text: 'console.log("ui");' });
      expect((await fetch(`${s.env.server.url}/assets/app.js`, { method: 'HEAD' })).status).toBe(200);
      expect((await call(s.env.server.url, 'GET', '/health')).text).toBe('OK');
    });

    it('serves files added after start-up and answers missing ones 404 without credentials, as before the change to dynamic serving', async () => {
      writeFileSync(join(ui, 'assets', 'late.js'), 'late');
      try {
        expect(await call(s.env.server.url, 'GET', '/assets/late.js')).toMatchObject({ status: 200, text: 'late' });
        expect((await call(s.env.server.url, 'GET', '/assets/nope.js')).status).toBe(404);
        expect((await call(s.env.server.url, 'POST', '/assets/late.js', {})).status).toBe(401);
      } finally {
        rmSync(join(ui, 'assets', 'late.js'));
      }
    });

    it('still refuses the API, /get-artifact and the artifact service without credentials, and answers them with the token or a user', async () => {
      const artifact = await runWithArtifact(s.env.server.url, s.env.store as never);
      const listing = '/api/2.0/mlflow-artifacts/artifacts?path=0';
      for (const path of ['/ajax-api/2.0/mlflow/experiments/search?max_results=5', '/api/2.0/mlflow/experiments/search?max_results=5', artifact, listing, '/ajax-api/3.0/mlflow/server-info']) {
        const anonymous = await call(s.env.server.url, 'GET', path);
        expect(anonymous.status, path).toBe(401);
        expect(anonymous.json, path).toMatchObject({ error_code: 'UNAUTHENTICATED' });
        expect(anonymous.text, path).not.toContain('secret notes');
        expect((await call(s.env.server.url, 'GET', path, undefined, token)).status, path).toBe(200);
        expect((await call(s.env.server.url, 'GET', path, undefined, basic)).status, path).toBe(200);
      }
      expect((await call(s.env.server.url, 'GET', artifact, undefined, token)).text).toBe('secret notes');
      expect((await call(s.env.server.url, 'GET', artifact, undefined, { authorization: 'Bearer nope' })).json.message).toBe('Credentials refused: wrong token');
    });

    it('needs credentials for anything but a GET or HEAD of the UI: writes to page paths, unknown API paths', async () => {
      const post = await call(s.env.server.url, 'POST', '/experiments/0', {});
      expect(post.status).toBe(401);
      const create = await call(s.env.server.url, 'POST', '/ajax-api/2.0/mlflow/experiments/create', { name: 'sneaky' });
      expect(create.status).toBe(401);
      expect(await s.env.store.getExperimentByName('sneaky')).toBeNull();
      expect((await call(s.env.server.url, 'GET', '/api/2.0/mlflow/no-such-endpoint')).status).toBe(401);
      expect((await call(s.env.server.url, 'GET', '/api/2.0/mlflow/no-such-endpoint', undefined, token)).status).toBe(404);
    });

    it('never treats a disguised API path as the UI: it gets index.html or a refusal, not data', async () => {
      for (const path of ['/%61jax-api/2.0/mlflow/experiments/search', '/ajax-api/2.0/mlflow/experiments/search/', '//ajax-api/2.0/mlflow/experiments/search', '/AJAX-API/2.0/mlflow/experiments/search']) {
        const answer = await rawRequest(s.env.server.url, 'GET', path);
        expect(JSON.stringify(answer.json ?? null), path).not.toContain('Default');
        expect([200, 401, 404], path).toContain(answer.status);
      }
    });

    it('challenges with Basic on a server that has users (the browser may then ask for them itself)', async () => {
      const answer = await call(s.env.server.url, 'GET', '/ajax-api/2.0/mlflow/experiments/search');
      expect(answer.headers.get('www-authenticate')).toBe('Basic realm="mlproject", Bearer');
    });
  });

  describe('with a token only', () => {
    const s = useServer({ uiDirectory: ui, auth: { token: 'tok-123' } });

    it('serves the UI without credentials and challenges API calls with Bearer alone, so no browser shows a sign-in dialog', async () => {
      expect((await call(s.env.server.url, 'GET', '/')).status).toBe(200);
      const answer = await call(s.env.server.url, 'GET', '/ajax-api/2.0/mlflow/experiments/search');
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
      expect((await call(s.env.server.url, 'GET', '/ajax-api/2.0/mlflow/experiments/search', undefined, token)).status).toBe(200);
    });
  });

  describe('without uiDirectory', () => {
    const s = useServer({ auth: { token: 'tok-123' } });

    it('opens no page path: without a UI, / and unknown paths still need credentials', async () => {
      expect((await call(s.env.server.url, 'GET', '/')).status).toBe(401);
      expect((await call(s.env.server.url, 'GET', '/index.html')).status).toBe(401);
    });
  });
});
