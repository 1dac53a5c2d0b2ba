import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call, useServer } from './helpers.js';

// A stand-in for the built UI: the test is about serving a directory, not about the UI.
const ui = mkdtempSync(join(tmpdir(), 'mlproject-ui-dist-'));
mkdirSync(join(ui, 'assets'));
writeFileSync(join(ui, 'index.html'), '<!doctype html><title>mlproject</title><div id="app"></div>');
writeFileSync(join(ui, 'assets', 'app.js'), 'console.log("ui");');
afterAll(() => rmSync(ui, { recursive: true, force: true }));

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

  it('still answers the API', async () => {
    const search = await call(s.env.server.url, 'POST', '/ajax-api/2.0/mlflow/experiments/search', { max_results: 10 });
    expect(search.status).toBe(200);
    expect(search.json.experiments[0].name).toBe('Default');
  });
});
