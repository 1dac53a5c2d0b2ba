// Issue 7's acceptance test, for real: the example project run three times by `mlproject run` (real
// uv, a real virtualenv from PyPI, the real `mlflow` client, the embedded SQLite store), then
// `mlproject ui` over that store and Debian's Chromium (playwright-core) doing what a user does:
// filter by r2_score, sort, plot alpha against r2_score, open a run (its chart, logs and model
// files), compare two runs. Screenshots go to test-artifacts/ui/ (the README's come from here).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, launchChromium, serveUi, shots, type UiServer, noChromium } from './browser-helpers.js';

const example = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../examples/sklearn-linear');
/** alpha -> the r2_score train.py reaches (examples/sklearn-linear/README.md). */
const ALPHAS = ['0.01', '0.3', '0.8'];

let dir = '';
let url = '';
let server: UiServer | undefined;
let browser: Browser | undefined;
const runIds = new Map<string, string>();

async function runExample(alpha: string): Promise<void> {
  const result = await execa('node', [CLI, 'run', example, '-e', 'train', '-P', `alpha=${alpha}`], {
    cwd: dir, env: { MLPROJECT_CACHE_DIR: path.join(dir, 'cache') }, reject: false, all: true,
  });
  expect(result.exitCode, result.all).toBe(0);
  const runId = /Run ID: ([0-9a-f]{32})/.exec(result.stdout)?.[1];
  expect(runId, result.all).toBeTruthy();
  runIds.set(alpha, runId as string);
}

/** The runs table's rows as `{ name, alpha, r2 }`, in their order on screen. */
async function tableRows(page: Page): Promise<{ runId: string; alpha: string; r2: number }[]> {
  return page.$$eval('.runs-spacer .row', (rows) => rows
    .sort((a, b) => Number((a as HTMLElement).dataset['index']) - Number((b as HTMLElement).dataset['index']))
    .map((row) => ({
      runId: row.querySelector<HTMLInputElement>('input.select-run')?.dataset['runId'] ?? '',
      alpha: row.querySelector('[data-column="param:alpha"]')?.textContent ?? '',
      r2: Number(row.querySelector('[data-column="metric:r2_score"]')?.textContent ?? 'NaN'),
    })));
}

/** The query of the page's hash route (`#/experiments/0?filter=...`). */
const hashQuery = (page: Page): URLSearchParams => new URLSearchParams(new URL(page.url()).hash.split('?')[1] ?? '');

describe.skipIf(noChromium !== '')(`the example run three times, looked at in the web UI${noChromium}`, () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mlproject-ui-example-'));
    mkdirSync(shots, { recursive: true });
    // The first run builds the environment; the other two reuse it, side by side.
    await runExample(ALPHAS[0] as string);
    await Promise.all(ALPHAS.slice(1).map(runExample));
    server = await serveUi(dir);
    url = server.url;
    browser = await launchChromium();
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('filters by metrics.r2_score, sorts by it, plots alpha against it, opens a run (chart, logs, model files), and compares two runs with alpha marked as differing', async () => {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    await page.goto(`${url}/`);
    await page.getByRole('link', { name: 'Default' }).click();
    await page.waitForSelector('.runs-spacer .row');
    expect(await page.locator('h1').textContent()).toBe('Default');
    expect((await tableRows(page)).map((r) => r.alpha).sort()).toEqual(ALPHAS);

    // Filter: alpha 0.8 reaches r2 0.4189, the other two above 0.45.
    await page.fill('input.filter', 'metrics.r2_score > 0.45');
    await page.click('.filter-bar button[type=submit]');
    await page.waitForFunction(() => document.querySelectorAll('.runs-spacer .row').length === 2);
    expect(hashQuery(page).get('filter')).toBe('metrics.r2_score > 0.45');
    expect((await tableRows(page)).map((r) => r.alpha).sort()).toEqual(['0.01', '0.3']);

    // Sort by r2_score: the first click sorts descending, the second ascending (server-side order_by).
    await page.fill('input.filter', '');
    await page.click('.filter-bar button[type=submit]');
    await page.waitForFunction(() => document.querySelectorAll('.runs-spacer .row').length === 3);
    await page.click('.row.head [data-column="metric:r2_score"] a');
    await page.waitForFunction(() => location.hash.includes('order='));
    await page.waitForSelector('.row.head [data-column="metric:r2_score"].sorted');
    let rows = await tableRows(page);
    expect(rows.map((r) => r.alpha)).toEqual(['0.01', '0.3', '0.8']);
    expect(rows.map((r) => r.r2)).toEqual([...rows.map((r) => r.r2)].sort((a, b) => b - a));
    await page.click('.row.head [data-column="metric:r2_score"] a');
    await page.waitForFunction(() => location.hash.includes('ASC'));
    await page.waitForFunction(() => document.querySelector('.runs-spacer .row [data-column="param:alpha"]')?.textContent === '0.8');
    rows = await tableRows(page);
    expect(rows.map((r) => r.alpha)).toEqual(['0.8', '0.3', '0.01']);

    // Scatter of alpha against r2_score: three points, in the URL.
    await page.click('.scatter-panel summary');
    await page.selectOption('select.scatter-x', 'param:alpha');
    await page.selectOption('select.scatter-y', 'metric:r2_score');
    await page.waitForSelector('.scatter-plot canvas');
    expect(await page.locator('.scatter-hover').textContent()).toContain('3 runs');
    expect(hashQuery(page).get('scatter')).toBe('param:alpha,metric:r2_score');

    // Open the alpha=0.8 run: its val_rmse chart (100 epochs), its logs, its command, its model files.
    await page.click(`.runs-spacer .row:has(input[data-run-id="${runIds.get('0.8')}"]) [data-column="name"]`);
    await page.waitForSelector('.chart .uplot canvas');
    expect(page.url()).toContain(`#/runs/${runIds.get('0.8')}`);
    expect(await page.isChecked('input[data-metric="val_rmse"]')).toBe(true);
    expect(await page.locator('.chart .u-title').textContent()).toBe('val_rmse');
    await page.waitForFunction(() => document.querySelector('pre.log[data-log="stdout"]')?.textContent?.includes('r2_score: 0.4189'));
    expect(await page.textContent('[data-field="command"]')).toContain('python train.py --data-path data.csv --alpha 0.8 --max-iter 100');
    const model = page.locator('.logged-model').first();
    await model.waitFor();
    await page.waitForSelector('.logged-model a.artifact-file[data-path="MLmodel"]');
    const modelFiles = await model.locator('a.artifact-file').evaluateAll((links) => links.map((a) => a.getAttribute('data-path')));
    expect(modelFiles).toEqual(expect.arrayContaining(['MLmodel', 'model.skops', 'python_env.yaml', 'requirements.txt']));
    await model.locator('a.artifact-file[data-path="MLmodel"]').click();
    await page.waitForSelector('.logged-model .mlmodel .flavors li');
    expect(await page.$$eval('.logged-model .mlmodel .flavors li', (items) => items.map((li) => li.getAttribute('data-flavor')))).toEqual(['python_function', 'sklearn']);
    await page.screenshot({ path: path.join(shots, 'example-run.png'), fullPage: true });
    // Back: first to the run page without the MLmodel preview (choosing a file is a history entry), then to the table.
    await page.goBack();
    expect(page.url()).not.toContain('artifact=');
    await page.goBack();
    await page.waitForSelector('.runs-spacer .row');

    // Select two runs (kept in the URL) and compare them.
    await page.check(`input.select-run[data-run-id="${runIds.get('0.01')}"]`);
    await page.check(`input.select-run[data-run-id="${runIds.get('0.8')}"]`);
    expect(hashQuery(page).get('selected')?.split(',')).toEqual([runIds.get('0.01'), runIds.get('0.8')]);
    await page.screenshot({ path: path.join(shots, 'example-runs.png') });
    await page.click('button.compare-button');
    await page.waitForSelector('table.compare');
    const alphaRow = page.locator('table.compare tr[data-key="alpha"]').first();
    expect(await alphaRow.getAttribute('class')).toContain('diff');
    expect((await alphaRow.locator('td').allTextContents()).sort()).toEqual(['0.01', '0.8']);
    expect(await page.locator('table.compare tr[data-key="max_iter"]').first().getAttribute('class')).not.toContain('diff');
    await page.waitForSelector('.chart canvas');
    await page.screenshot({ path: path.join(shots, 'example-compare.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
