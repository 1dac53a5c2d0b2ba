// The run page in a real Chromium against a real `mlproject ui` over a temp SQLite store: runs
// logged over REST with the tags `mlproject run` writes and real artifacts uploaded through the
// server's mlflow-artifacts service (a PNG, JSON, CSV, text, an MLmodel, the lock, the uncommitted
// diff, a binary and a 6 MiB file), two MLflow 3 logged models with files of their own, an SVG
// whose script must never run, and a RUNNING run whose stdout grows while the page is open.
// Screenshots go to test-artifacts/ui/.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, launchChromium, shots, startUi, type UiServer, noChromium } from './browser-helpers.js';

let ui: UiServer | undefined;
let browser: Browser | undefined;
let url = '';
let finished = '';
let parent = '';
let searchedModel = '';
let outputModel = '';

/** A real PNG of `width` x `height`: an RGB gradient (8-bit, no interlace). */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) rows.set([Math.round((255 * x) / width), Math.round((255 * y) / height), 160], y * (width * 3 + 1) + 1 + x * 3);
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

async function put(root: string, file: string, body: string | Buffer): Promise<void> {
  const response = await fetch(`${url}/api/2.0/mlflow-artifacts/artifacts/${root}/${file}`, { method: 'PUT', body });
  expect(response.status, `PUT ${file}`).toBe(200);
}

const rootOf = (artifactUri: string): string => artifactUri.replace(/^mlflow-artifacts:\//, '');
/** An SVG whose script would set the document's title and a global if it ever ran. */
const EVIL_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60" onload="document.title=\'svg-onload\'">'
  + '<script>document.title = "svg-ran"; window.svgRan = 1;</script><rect width="120" height="60" fill="#dd0000"/></svg>';
const LOCK = 'numpy==2.4.6\nscikit-learn==1.9.1\n';
const CSV = ['x,y,label', ...Array.from({ length: 1500 }, (_, i) => `${i},${i * 2},"row ${i}, quoted"`)].join('\n');
const JSON_DOC = { rmse: 0.5, folds: [1, 2, 3], model: { name: 'sgd' } };
const MLMODEL = (runId: string, modelId: string): string => [
  `artifact_path: mlflow-artifacts:/0/models/${modelId}/artifacts`,
  'flavors:',
  '  python_function: {loader_module: mlflow.sklearn, model_path: model.skops, python_version: 3.11.7}',
  '  sklearn: {serialization_format: skops, sklearn_version: 1.9.1}',
  'mlflow_version: 3.17.2',
  `model_id: ${modelId}`,
  'model_size_bytes: 27939',
  `run_id: ${runId}`,
  'signature:',
  '  inputs: \'[{"type": "double", "name": "x", "required": true}]\'',
  '  outputs: \'[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}}]\'',
  '',
].join('\n');

/** A finished run as `mlproject run` records one, with one artifact of every kind; returns its ID. */
async function logFinishedRun(): Promise<string> {
  parent = (await api(url, 'POST', 'runs/create', { experiment_id: '0', run_name: 'pipeline', start_time: Date.now() - 90_000 })).run.info.run_id;
  const { run } = await api(url, 'POST', 'runs/create', { experiment_id: '0', run_name: 'artifact-fox', start_time: Date.now() - 60_000, user_id: 'ana' });
  const runId: string = run.info.run_id;
  await api(url, 'POST', 'runs/log-batch', {
    run_id: runId,
    params: [{ key: 'alpha', value: '0.5' }],
    metrics: [0, 1, 2].map((step) => ({ key: 'rmse', value: 1 / (step + 1), timestamp: Date.now() + step, step })),
    tags: [
      ['mlflow.source.name', 'https://github.com/example/proj.git#examples/sklearn-linear'], ['mlflow.source.type', 'PROJECT'],
      ['mlflow.source.git.commit', '4580dce969de29feea0e86140007c2262e00c70f'], ['mlflow.source.git.repoURL', 'https://github.com/example/proj.git'],
      ['mlflow.source.git.branch', 'main'], ['mlflow.project.entryPoint', 'train'], ['mlflow.project.env', 'virtualenv'],
      ['mlflow.project.backend', 'local'], ['mlproject.env.python', '3.11.7'], ['mlproject.env.lockDigest', createHash('sha256').update(LOCK).digest('hex')],
      ['mlproject.source.git.dirty', 'true'], ['mlproject.command', 'python train.py --data-path data.csv --alpha 0.5 --max-iter 100'],
      ['mlflow.parentRunId', parent], ['mlproject.status.reason', 'exit 0'],
    ].map(([key, value]) => ({ key, value })),
  });
  const root = rootOf(run.info.artifact_uri);
  await put(root, 'logs/stdout.txt', 'training artifact-fox\n');
  await put(root, 'environment/lock.txt', LOCK);
  await put(root, 'source/uncommitted.diff', 'diff --git a/train.py b/train.py\n--- a/train.py\n+++ b/train.py\n@@ -1 +1 @@\n-alpha = 0.1\n+alpha = 0.5\n');
  await put(root, 'plots/loss.png', png(120, 80));
  await put(root, 'metrics.json', JSON.stringify(JSON_DOC));
  await put(root, 'data/predictions.csv', CSV);
  await put(root, 'README', 'Notes without an extension: still text.\n');
  await put(root, 'model/MLmodel', MLMODEL(runId, 'm-run-root'));
  await put(root, 'model/model.pkl', Buffer.from([0x80, 0x04, 0x95, 0x41, 0x00, 0x00, 0xff]));
  await put(root, 'big.bin', Buffer.alloc(6 * 1024 * 1024, 0x61));
  // MLflow 3: models of their own. One names the run as its source; the other is only in the run's outputs.
  const made = await api(url, 'POST', 'logged-models', { experiment_id: '0', name: 'model', source_run_id: runId });
  searchedModel = made.model.info.model_id;
  await put(rootOf(made.model.info.artifact_uri), 'MLmodel', MLMODEL(runId, searchedModel));
  await put(rootOf(made.model.info.artifact_uri), 'requirements.txt', 'mlflow==3.17.2\nscikit-learn==1.9.1\n');
  await put(rootOf(made.model.info.artifact_uri), 'model.skops', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]));
  const other = await api(url, 'POST', 'logged-models', { experiment_id: '0', name: 'other-model' });
  outputModel = other.model.info.model_id;
  await put(rootOf(other.model.info.artifact_uri), 'MLmodel', MLMODEL(runId, outputModel));
  await api(url, 'POST', 'runs/outputs', { run_id: runId, models: [{ model_id: outputModel, step: 0 }] });
  await api(url, 'POST', 'runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
  return runId;
}

function watch(page: Page): { errors: string[]; requested: string[] } {
  const seen = { errors: [] as string[], requested: [] as string[] };
  page.on('pageerror', (error) => seen.errors.push(error.message));
  page.on('request', (request) => seen.requested.push(request.url()));
  return seen;
}

async function openFile(page: Page, scope: string, file: string): Promise<void> {
  const dirs = file.split('/').slice(0, -1);
  for (let i = 1; i <= dirs.length; i += 1) {
    const dir = dirs.slice(0, i).join('/');
    const link = page.locator(`${scope} a.artifact-dir[data-path="${dir}"]`);
    if ((await link.getAttribute('aria-expanded')) !== 'true') await link.click();
  }
  await page.click(`${scope} a.artifact-file[data-path="${file}"]`);
  await page.waitForSelector(`${scope} .artifact-preview[data-path="${file}"][data-state="shown"]`);
}

const RUN_TREE = 'section[data-section="artifacts"]';

describe.skipIf(noChromium !== '')(`run page in Chromium${noChromium}`, () => {
  beforeAll(async () => {
    ui = await startUi();
    url = ui.url;
    finished = await logFinishedRun();
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await ui?.stop();
  });

  it('shows provenance and previews every kind of artifact, the choice kept in the URL', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const seen = watch(page);
    await page.goto(`${url}/#/runs/${finished}`);
    await page.waitForSelector('.provenance');
    expect(await page.textContent('[data-field="dirty"] .badge.dirty')).toBe('uncommitted changes');
    expect(await page.textContent('[data-field="command"]')).toBe('python train.py --data-path data.csv --alpha 0.5 --max-iter 100');
    expect(await page.textContent('[data-field="environment"]')).toMatch(/^virtualenv · Python 3\.11\.7 · lock environment\/lock\.txt sha256 [0-9a-f]{12}…$/);
    expect(await page.getAttribute('[data-field="parent"] a', 'href')).toBe(`#/runs/${parent}`);
    expect(await page.getAttribute('[data-field="commit"] a', 'href')).toBe('https://github.com/example/proj/commit/4580dce969de29feea0e86140007c2262e00c70f');
    expect(await page.textContent('[data-field="status-reason"]')).toBe('exit 0');
    // The tags stay in the Tags table too.
    expect(await page.textContent('section[data-section="tags"]')).toContain('mlproject.command');

    // The dirty flag's link previews the diff in the run's artifact browser.
    await page.click('a[data-artifact-link="source/uncommitted.diff"]');
    await page.waitForSelector(`${RUN_TREE} .artifact-preview[data-path="source/uncommitted.diff"] .diff-lines .added`);
    expect(await page.textContent(`${RUN_TREE} .diff-lines .added`)).toBe('+alpha = 0.5');
    expect(page.url()).toBe(`${url}/#/runs/${finished}?artifact=source/uncommitted.diff`);
    await page.click('a[data-artifact-link="environment/lock.txt"]');
    await page.waitForSelector(`${RUN_TREE} .artifact-preview[data-path="environment/lock.txt"] pre.artifact-text`);
    expect(await page.textContent(`${RUN_TREE} pre.artifact-text`)).toBe(LOCK);

    // CSV: a table of the first 1000 of 1500 rows, quoted commas kept in their cell.
    await openFile(page, RUN_TREE, 'data/predictions.csv');
    expect(page.url()).toBe(`${url}/#/runs/${finished}?artifact=data/predictions.csv`);
    expect(await page.$$eval(`${RUN_TREE} table.csv thead th`, (cells) => cells.map((c) => c.textContent))).toEqual(['x', 'y', 'label']);
    expect(await page.locator(`${RUN_TREE} table.csv tbody tr`).count()).toBe(1000);
    expect(await page.$$eval(`${RUN_TREE} table.csv tbody tr:nth-child(3) td`, (cells) => cells.map((c) => c.textContent))).toEqual(['2', '4', 'row 2, quoted']);
    expect(await page.textContent(`${RUN_TREE} .preview-note`)).toBe('The first 1000 of 1500 rows.');
    await page.locator(`${RUN_TREE} .artifact-browser`).screenshot({ path: path.join(shots, 'artifact-csv.png') });

    // Download through a blob URL: the file's own bytes under its own name.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`${RUN_TREE} .preview-head a.download`)]);
    expect(download.suggestedFilename()).toBe('predictions.csv');
    expect(readFileSync(await download.path(), 'utf8')).toBe(CSV);

    // JSON, pretty-printed.
    await openFile(page, RUN_TREE, 'metrics.json');
    expect(await page.textContent(`${RUN_TREE} pre.json`)).toBe(JSON.stringify(JSON_DOC, null, 2));

    // An image, decoded by the browser from a blob URL.
    await openFile(page, RUN_TREE, 'plots/loss.png');
    await page.waitForFunction((scope) => {
      const img = document.querySelector<HTMLImageElement>(`${scope} img.artifact-image`);
      return img !== null && img.complete && img.naturalWidth > 0;
    }, RUN_TREE);
    expect(await page.$eval(`${RUN_TREE} img.artifact-image`, (img) => [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).naturalHeight, (img as HTMLImageElement).src.startsWith('blob:')])).toEqual([120, 80, true]);
    await page.locator(`${RUN_TREE} .artifact-browser`).screenshot({ path: path.join(shots, 'artifact-image.png') });
    const imageUrl = await page.$eval(`${RUN_TREE} img.artifact-image`, (img) => (img as HTMLImageElement).src);
    const fetchable = (blobUrl: string): Promise<string> => page.evaluate((u) => fetch(u).then(() => 'fetched', () => 'revoked'), blobUrl);
    expect(await fetchable(imageUrl)).toBe('fetched');

    // Back goes to the previous artifact; the image's blob URL is given back.
    await page.goBack();
    await page.waitForSelector(`${RUN_TREE} pre.json`);
    expect(await fetchable(imageUrl)).toBe('revoked');
    expect(page.url()).toBe(`${url}/#/runs/${finished}?artifact=metrics.json`);

    // MLmodel: flavors, IDs, size and signature, then the YAML.
    await openFile(page, RUN_TREE, 'model/MLmodel');
    expect(await page.$$eval(`${RUN_TREE} .mlmodel .flavors li`, (items) => items.map((li) => li.getAttribute('data-flavor')))).toEqual(['python_function', 'sklearn']);
    expect(await page.textContent(`${RUN_TREE} .mlmodel .kv`)).toContain('27.3 KiB (27939 bytes)');
    expect(await page.textContent(`${RUN_TREE} .signature-inputs`)).toContain('double');
    expect(await page.textContent(`${RUN_TREE} .signature-outputs`)).toContain('tensor float64 [-1]');
    expect(await page.textContent(`${RUN_TREE} .mlmodel details pre`)).toContain('serialization_format: skops');

    // A file without an extension that is UTF-8 is text; a pickle is binary; 6 MiB is not loaded.
    await openFile(page, RUN_TREE, 'README');
    expect(await page.textContent(`${RUN_TREE} pre.artifact-text`)).toBe('Notes without an extension: still text.\n');
    await openFile(page, RUN_TREE, 'model/model.pkl');
    expect(await page.textContent(`${RUN_TREE} .preview-note`)).toMatch(/^A binary file: no preview/);
    await page.click(`${RUN_TREE} a.artifact-file[data-path="big.bin"]`);
    await page.waitForSelector(`${RUN_TREE} .artifact-preview[data-path="big.bin"][data-state="shown"]`);
    expect(await page.textContent(`${RUN_TREE} .preview-note`)).toBe('Not previewed: 6.0 MiB is over the 5.0 MiB preview limit. Download it instead.');
    expect(seen.requested.filter((u) => u.includes('big.bin'))).toEqual([]);
    // Its Download link fetches it only when clicked.
    const [big] = await Promise.all([page.waitForEvent('download'), page.click(`${RUN_TREE} .preview-head a.download`)]);
    expect(big.suggestedFilename()).toBe('big.bin');
    expect(readFileSync(await big.path()).length).toBe(6 * 1024 * 1024);

    await openFile(page, RUN_TREE, 'model/MLmodel');
    await page.screenshot({ path: path.join(shots, 'run-page.png'), fullPage: true });
    // Leaving the page revokes the blob URLs of what it shows.
    const downloadUrl = String(await page.getAttribute(`${RUN_TREE} .preview-head a.download`, 'href'));
    expect(downloadUrl.startsWith('blob:')).toBe(true);
    await page.evaluate(() => { location.hash = '#/'; });
    await page.waitForSelector('h1');
    expect(await fetchable(downloadUrl)).toBe('revoked');
    expect(seen.errors).toEqual([]);
    await page.close();
  });

  it('lists the run\'s logged models, found by source run and by outputs, with browsable files; URLs survive a cold load', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const seen = watch(page);
    // Cold: the URL alone opens the CSV again, its directory expanded and the file marked.
    await page.goto(`${url}/#/runs/${finished}?metric=rmse&artifact=data/predictions.csv`);
    await page.waitForSelector(`${RUN_TREE} table.csv tbody tr`);
    expect(await page.textContent(`${RUN_TREE} a.artifact-file.selected`)).toBe('predictions.csv');
    await page.waitForSelector('.chart .uplot canvas');
    // Chart options keep the artifact.
    await page.check('input.log-y');
    await page.waitForFunction(() => location.hash.includes('log=1'));
    expect(page.url()).toBe(`${url}/#/runs/${finished}?metric=rmse&log=1&artifact=data/predictions.csv`);
    await page.waitForSelector(`${RUN_TREE} table.csv tbody tr`);

    const ids = await page.$$eval('.logged-model', (blocks) => blocks.map((b) => b.getAttribute('data-model-id')));
    expect(ids.sort()).toEqual([searchedModel, outputModel].sort());
    const scope = `.logged-model[data-model-id="${searchedModel}"]`;
    expect(await page.$$eval(`${scope} a.artifact-file`, (links) => links.map((a) => a.getAttribute('data-path'))))
      .toEqual(['MLmodel', 'model.skops', 'requirements.txt']);
    await openFile(page, scope, 'requirements.txt');
    expect(await page.textContent(`${scope} pre.artifact-text`)).toContain('scikit-learn==1.9.1');
    await openFile(page, scope, 'MLmodel');
    expect(page.url()).toBe(`${url}/#/runs/${finished}?metric=rmse&log=1&artifact=MLmodel&model=${searchedModel}`);
    expect(await page.$$eval(`${scope} .mlmodel .flavors li`, (items) => items.map((li) => li.getAttribute('data-flavor')))).toEqual(['python_function', 'sklearn']);

    const cold = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const coldSeen = watch(cold);
    await cold.goto(`${url}/#/runs/${finished}?artifact=MLmodel&model=${outputModel}`);
    const other = `.logged-model[data-model-id="${outputModel}"]`;
    await cold.waitForSelector(`${other} .mlmodel .flavors li`);
    expect(await cold.textContent(`${other} a.artifact-file.selected`)).toBe('MLmodel');
    expect(await cold.textContent(`${other} .mlmodel .kv`)).toContain(outputModel);
    expect([...seen.errors, ...coldSeen.errors]).toEqual([]);
    await cold.close();
    await page.close();
  });

  it('shows an SVG artifact as pixels only: its script never runs with the UI\'s origin, and Download downloads it', async () => {
    const { run } = await api(url, 'POST', 'runs/create', { experiment_id: '0', run_name: 'svg-jay', start_time: Date.now() - 5_000 });
    const runId: string = run.info.run_id;
    await put(rootOf(run.info.artifact_uri), 'plots/evil.svg', EVIL_SVG);
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const seen = watch(page);
    // Every blob URL the page makes, with its type.
    await page.addInitScript(() => {
      const made: [string, string][] = [];
      (window as unknown as { madeUrls: [string, string][] }).madeUrls = made;
      const create = URL.createObjectURL.bind(URL);
      URL.createObjectURL = (object: Blob | MediaSource): string => {
        const made_ = create(object);
        made.push([made_, object instanceof Blob ? object.type : 'media']);
        return made_;
      };
    });
    await page.goto(`${url}/#/runs/${runId}?artifact=plots/evil.svg`);
    await page.waitForSelector(`${RUN_TREE} .artifact-preview[data-path="plots/evil.svg"][data-state="shown"]`);
    // Drawn into a canvas (its red rectangle is there), not an <img> on a URL of the document.
    expect(await page.$(`${RUN_TREE} .preview-body img`)).toBeNull();
    const red = await page.$eval(`${RUN_TREE} canvas.artifact-image`, (canvas) => {
      const c = canvas as HTMLCanvasElement;
      const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if ((data[i] ?? 0) > 180 && (data[i + 1] ?? 0) < 40 && (data[i + 3] ?? 0) > 200) n += 1;
      return n;
    });
    expect(red).toBeGreaterThan(100);
    expect(await page.title()).toBe('svg-jay');
    expect(await page.evaluate(() => (window as unknown as { svgRan?: number }).svgRan)).toBeUndefined();

    // Whatever URL the page made, opened in a tab of its own, runs no script of the SVG: the SVG's
    // own URL is revoked, the download's is application/octet-stream.
    const made = await page.evaluate(() => (window as unknown as { madeUrls: [string, string][] }).madeUrls);
    expect(made.map(([, type]) => type).sort()).toEqual(['application/octet-stream', 'image/svg+xml']);
    for (const [blobUrl, type] of made) {
      const tab = await browser!.newPage();
      tab.on('download', (download) => void download.cancel());
      await tab.goto(blobUrl).catch(() => undefined);
      await tab.waitForTimeout(300);
      // (Chromium saves the octet-stream one, or shows its bytes as text; never as an SVG document.)
      const [tabTitle, ran] = await tab.evaluate(() => [document.title, (window as unknown as { svgRan?: number }).svgRan ?? null]);
      expect([tabTitle?.startsWith('svg-'), ran], `${type} ${blobUrl}`).toEqual([false, null]);
      await tab.close();
    }
    const svgUrl = made.find(([, type]) => type === 'image/svg+xml')?.[0] ?? '';
    expect(await page.evaluate((u) => fetch(u).then(() => 'fetched', () => 'revoked'), svgUrl)).toBe('revoked');

    // The Download link saves the file (the `download` attribute on an octet-stream blob).
    expect(await page.getAttribute(`${RUN_TREE} .preview-head a.download`, 'download')).toBe('evil.svg');
    const [saved] = await Promise.all([page.waitForEvent('download'), page.click(`${RUN_TREE} .preview-head a.download`)]);
    expect(saved.suggestedFilename()).toBe('evil.svg');
    expect(readFileSync(await saved.path()).toString()).toBe(EVIL_SVG);
    expect(await page.title()).toBe('svg-jay');
    expect(seen.errors).toEqual([]);
    await page.close();
  });

  it('wraps long values, names the user and the experiment, titles the tab; a run without provenance tags says so', async () => {
    const long = 'x'.repeat(6000);
    const { run } = await api(url, 'POST', 'runs/create', { experiment_id: '0', run_name: 'long-ibis', start_time: Date.now() - 5_000, user_id: '' });
    const runId: string = run.info.run_id;
    await api(url, 'POST', 'runs/log-batch', {
      run_id: runId,
      params: [{ key: 'long', value: long }, { key: 'short', value: '1' }],
      tags: [{ key: 'mlflow.user', value: 'ana' }, { key: 'note', value: long }],
      metrics: [{ key: `m_${'y'.repeat(240)}`, value: 1, timestamp: Date.now(), step: 0 }],
    });
    await api(url, 'POST', 'runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const seen = watch(page);
    await page.goto(`${url}/#/runs/${runId}`);
    await page.waitForSelector('.chart[data-state]');
    await page.waitForSelector('a[data-field="experiment"]:text("Default")');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    expect(await page.textContent('section[data-section="parameters"]')).toContain(long);
    expect(await page.title()).toBe('long-ibis');
    expect(await page.$eval('section[data-section="overview"] table', (table) => Object.fromEntries(
      [...table.querySelectorAll('tr')].map((tr) => [tr.querySelector('th')?.textContent, tr.querySelector('td')?.textContent])))).toMatchObject({ User: 'ana', Experiment: 'Default' });
    expect(await page.getAttribute('a[data-field="experiment"]', 'href')).toBe('#/experiments/0');
    // Only the mlflow.user and note tags: nothing about where the run came from.
    expect(await page.textContent('section[data-section="provenance"]')).toContain('No provenance tags: this run was not started by mlproject run or mlflow run.');

    // The compare page of it and another copes too, and says what it compares in the tab's title.
    await page.goto(`${url}/#/compare?runs=${runId},${finished}`);
    await page.waitForSelector('table.compare tr[data-key="long"]');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    expect(await page.title()).toBe('Compare 2 runs');
    // Leaving for a page that sets no title gives the tab its own back.
    await page.goto(`${url}/#/`);
    await page.waitForSelector('h1');
    expect(await page.title()).toBe('mlproject');
    expect(seen.errors).toEqual([]);
    await page.close();
  });

  it('follows a RUNNING run: new output appears without a reload, the end of the run updates its status', async () => {
    const { run } = await api(url, 'POST', 'runs/create', { experiment_id: '0', run_name: 'live-owl', start_time: Date.now() - 5_000 });
    const runId: string = run.info.run_id;
    const root = rootOf(run.info.artifact_uri);
    const lines = Array.from({ length: 200 }, (_, i) => `epoch ${i} loss ${(1 / (i + 1)).toFixed(4)}`);
    await put(root, 'logs/stdout.txt', `${lines.join('\n')}\n`);
    await api(url, 'POST', 'runs/log-metric', { run_id: runId, key: 'loss', value: 0.5, timestamp: Date.now(), step: 0 });

    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const seen = watch(page);
    await page.goto(`${url}/#/runs/${runId}`);
    await page.waitForSelector('pre[data-log="stdout"]');
    expect(await page.textContent('[data-field="status"] .status')).toBe('RUNNING');
    expect(await page.isVisible('[data-field="status"] .live')).toBe(true);
    // Scrolled to its end, the log box stays at its end as lines arrive.
    await page.$eval('pre[data-log="stdout"]', (pre) => { pre.scrollTop = pre.scrollHeight; });
    await page.evaluate(() => { (window as unknown as { marker: number }).marker = 1; });

    await put(root, 'logs/stdout.txt', `${lines.join('\n')}\nepoch 200 loss 0.0050\n`);
    await api(url, 'POST', 'runs/log-metric', { run_id: runId, key: 'loss', value: 0.25, timestamp: Date.now(), step: 1 });
    await page.waitForFunction(() => document.querySelector('pre[data-log="stdout"]')?.textContent?.endsWith('epoch 200 loss 0.0050\n'), undefined, { timeout: 10_000 });
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    const text = await page.textContent('pre[data-log="stdout"]');
    expect(text?.split('\n').filter((l) => l === 'epoch 199 loss 0.0050')).toHaveLength(1);
    expect(await page.$eval('pre[data-log="stdout"]', (pre) => pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4)).toBe(true);
    await page.waitForFunction(() => document.querySelector('section[data-section="metrics"] a[title="chart its history"]')?.textContent === '0.25 (step 1)', undefined, { timeout: 10_000 });

    await api(url, 'POST', 'runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
    await page.waitForFunction(() => document.querySelector('[data-field="status"] .status')?.textContent === 'FINISHED', undefined, { timeout: 10_000 });
    expect(await page.$('[data-field="status"] .live')).toBeNull();
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    // Once it ended, the page stops asking.
    const asked = (): number => seen.requested.filter((u) => u.includes('runs/get')).length;
    const before = asked();
    await page.waitForTimeout(4500);
    expect(asked()).toBe(before);
    expect(seen.errors).toEqual([]);
    await page.close();
  });
});
