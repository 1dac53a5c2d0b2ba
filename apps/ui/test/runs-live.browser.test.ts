// The runs table while runs are live, in Chromium against a real `mlproject ui`: a RUNNING run's
// status and latest metric change, and a run started after the page opened appears, without a
// reload; the selection and scroll survive the refresh.
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, launchChromium, logRun, shots, startUi, type UiServer, noChromium } from './browser-helpers.js';

describe.skipIf(noChromium !== '')(`runs table live refresh${noChromium}`, () => {
  let ui: UiServer;
  let browser: Browser;

  beforeAll(async () => {
    ui = await startUi();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await ui?.stop();
  });

  it('updates a RUNNING run and adds a new run without a reload, keeping the selection', async () => {
    const finished = await logRun(ui.url, 'old-finished', 0.5);
    const { run } = await api(ui.url, 'POST', 'runs/create', { experiment_id: '0', run_name: 'live-one', start_time: Date.now() - 1000, user_id: 'ana' });
    const live: string = run.info.run_id;
    await api(ui.url, 'POST', 'runs/log-metric', { run_id: live, key: 'loss', value: 9, timestamp: Date.now(), step: 0 });

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${ui.url}/#/experiments/0`);
    await page.waitForSelector(`.runs-spacer .row input[data-run-id="${live}"]`);
    const cell = (runId: string, column: string) => page.locator(`.runs-spacer .row:has(input[data-run-id="${runId}"]) [data-column="${column}"]`);
    expect(await cell(live, 'status').textContent()).toBe('RUNNING');
    expect(await cell(live, 'metric:loss').textContent()).toBe('9');
    await page.check(`input.select-run[data-run-id="${finished}"]`);
    // Marks the document: a reload would lose it.
    await page.evaluate(() => { (window as unknown as { marker: number }).marker = 42; });

    await api(ui.url, 'POST', 'runs/log-metric', { run_id: live, key: 'loss', value: 3, timestamp: Date.now(), step: 1 });
    await api(ui.url, 'POST', 'runs/update', { run_id: live, status: 'FINISHED', end_time: Date.now() });
    const later = await logRun(ui.url, 'started-later', 0.9);

    // The refresh runs every 5 s.
    await page.waitForFunction((id) => document.querySelector(`.runs-spacer .row input[data-run-id="${id}"]`) !== null, later, { timeout: 15_000 });
    await page.waitForFunction((id) => document.querySelector(`.runs-spacer .row:has(input[data-run-id="${id}"]) [data-column="status"]`)?.textContent === 'FINISHED', live, { timeout: 15_000 });
    expect(await cell(live, 'metric:loss').textContent()).toBe('3');
    expect(await page.locator('.table-status').textContent()).toBe('3 runs');
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    expect(await page.isChecked(`input.select-run[data-run-id="${finished}"]`)).toBe(true);
    await page.screenshot({ path: path.join(shots, 'runs-live.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('in a table of more than one page, re-reads the RUNNING run by ID and adds a new run at the top', async () => {
    const { experiment_id: experimentId } = await api(ui.url, 'POST', 'experiments/create', { name: 'big' });
    const t0 = Date.now() - 3_600_000;
    const created: string[] = [];
    for (let i = 0; i < 1001; i++) {
      const { run } = await api(ui.url, 'POST', 'runs/create', { experiment_id: experimentId, run_name: `r${i}`, start_time: t0 + i });
      created.push(run.info.run_id);
    }
    // The oldest run is RUNNING: it sits on the second page of the default order (start time, newest first).
    const live = created[0] as string;
    for (const id of created.slice(1)) await api(ui.url, 'POST', 'runs/update', { run_id: id, status: 'FINISHED', end_time: t0 + 5000 });

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${ui.url}/#/experiments/${experimentId}`);
    await page.waitForFunction(() => document.querySelector('.table-status')?.textContent === '1001 runs');
    await page.evaluate(() => { (window as unknown as { marker: number }).marker = 42; });

    await api(ui.url, 'POST', 'runs/update', { run_id: live, status: 'KILLED', end_time: Date.now() });
    const { run } = await api(ui.url, 'POST', 'runs/create', { experiment_id: experimentId, run_name: 'newcomer', start_time: Date.now() });
    await page.waitForFunction(() => document.querySelector('.table-status')?.textContent === '1002 runs', null, { timeout: 15_000 });
    expect(await page.locator('.runs-spacer .row[data-index="0"] [data-column="name"]').textContent()).toBe('newcomer');
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    // The run that was RUNNING shows its new status once scrolled into view (it is the last row).
    await page.evaluate(() => { const s = document.querySelector('.runs-scroll') as HTMLElement; s.scrollTop = s.scrollHeight; });
    await page.waitForFunction((id) => document.querySelector(`.runs-spacer .row:has(input[data-run-id="${id}"]) [data-column="status"]`)?.textContent === 'KILLED', live, { timeout: 15_000 });
    expect(run.info.run_id).toMatch(/^[0-9a-f]{32}$/);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
