// The web UI against a server that requires a token (`mlproject ui` with MLPROJECT_SERVER_TOKEN), in
// Debian's Chromium: the page loads without the token, a sign-in panel asks for it (and the browser
// shows no dialog of its own), a wrong token gets the server's message, the right one shows the runs
// and survives a reload (sessionStorage), and signing out brings the panel back.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logRun, shots, startUi, type UiServer, noChromium } from './browser-helpers.js';

const TOKEN = 'tok-7f3a9c2e51';
const AUTH_KEY = 'mlproject.ui.auth';

let server: UiServer | undefined;
let browser: Browser | undefined;

const rowNames = (page: Page): Promise<(string | null)[]> =>
  page.$$eval('.runs-spacer .row .cell:nth-child(2)', (cells) => cells.map((c) => c.textContent).sort());

describe.skipIf(noChromium !== '')(`web UI on a server that requires a token${noChromium}`, () => {
  beforeAll(async () => {
    server = await startUi({ MLPROJECT_SERVER_TOKEN: TOKEN });
    const auth = { authorization: `Bearer ${TOKEN}` };
    await logRun(server.url, 'red-fox', 0.1, undefined, auth);
    await logRun(server.url, 'blue-owl', 0.5, undefined, auth);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('asks for the token in its own panel (no browser dialog), refuses a wrong one, keeps the right one for the tab, and signs out', async () => {
    const url = server!.url;
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const dialogs: string[] = [];
    const errors: string[] = [];
    const challenges: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => errors.push(error.message));
    // page.on('dialog') sees only script dialogs; the browser's own sign-in dialog comes from a Basic challenge.
    page.on('response', (response) => {
      if (response.status() === 401) challenges.push(response.headers()['www-authenticate'] ?? '');
    });

    // The page and its bundle load without the token; the first API call's 401 brings up the panel.
    const index = await page.goto(`${url}/#/experiments/0`);
    expect(index?.status()).toBe(200);
    await page.waitForSelector('.sign-in');
    expect(await page.isHidden('#app')).toBe(true);
    expect(await page.isVisible('.sign-out')).toBe(false);
    expect(await page.locator('.sign-in .error').count()).toBe(0);
    // A token-only server challenges with Bearer alone, so the panel offers only the token.
    expect(await page.locator('.sign-in-basic').count()).toBe(0);
    expect(challenges.length).toBeGreaterThan(0);
    expect(challenges.every((c) => c === 'Bearer')).toBe(true);
    await page.screenshot({ path: path.join(shots, 'sign-in.png') });

    // A wrong token: the server's message, the panel again, nothing stored.
    await page.fill('.sign-in-token input[name="token"]', 'not-the-token');
    await page.click('.sign-in-token button');
    await page.waitForSelector('.sign-in .error');
    expect(await page.textContent('.sign-in .error')).toBe('Credentials refused: wrong token');
    expect(await page.isHidden('#app')).toBe(true);
    expect(await page.evaluate((key) => sessionStorage.getItem(key), AUTH_KEY)).toBeNull();

    // The right token: the runs table, the token in sessionStorage only, not in the URL.
    await page.fill('.sign-in-token input[name="token"]', TOKEN);
    await page.click('.sign-in-token button');
    await page.waitForSelector('.runs-spacer .row');
    expect(await rowNames(page)).toEqual(['blue-owl', 'red-fox']);
    expect(await page.locator('.sign-in').count()).toBe(0);
    expect(JSON.parse(await page.evaluate((key) => sessionStorage.getItem(key) ?? 'null', AUTH_KEY))).toEqual({ authorization: `Bearer ${TOKEN}` });
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }))).not.toContain(TOKEN);
    expect(page.url()).not.toContain(TOKEN);
    expect(await page.isVisible('.sign-out')).toBe(true);

    // A reload keeps the tab signed in; artifact files (the run's stdout log) come with the token too.
    await page.reload();
    await page.waitForSelector('.runs-spacer .row');
    expect(await page.locator('.sign-in').count()).toBe(0);
    await page.click('.runs-spacer .row:has-text("blue-owl")');
    await page.waitForSelector('pre[data-log="stdout"]');
    expect(await page.textContent('pre[data-log="stdout"]')).toContain('training blue-owl');

    // Signing out forgets the token and brings the panel back.
    await page.getByRole('link', { name: 'Sign out' }).click();
    await page.waitForSelector('.sign-in');
    expect(await page.isHidden('#app')).toBe(true);
    expect(await page.evaluate((key) => sessionStorage.getItem(key), AUTH_KEY)).toBeNull();
    expect(await page.isVisible('.sign-out')).toBe(false);

    expect(dialogs).toEqual([]);
    expect(challenges.every((c) => c === 'Bearer')).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('drops a stored token the server no longer takes and says so', async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    // A token kept from before the server's token changed.
    await page.goto(`${server!.url}/`);
    await page.evaluate((key) => sessionStorage.setItem(key, JSON.stringify({ authorization: 'Bearer old-token' })), AUTH_KEY);
    await page.reload();
    await page.waitForSelector('.sign-in .error');
    expect(await page.textContent('.sign-in .error')).toBe('Credentials refused: wrong token');
    expect(await page.evaluate((key) => sessionStorage.getItem(key), AUTH_KEY)).toBeNull();
    await context.close();
  });
});

describe.skipIf(noChromium !== '')(`web UI on a server with Basic users${noChromium}`, () => {
  let users: UiServer | undefined;
  let usersBrowser: Browser | undefined;
  const usersDir = mkdtempSync(path.join(tmpdir(), 'mlproject-ui-users-'));

  beforeAll(async () => {
    const usersFile = path.join(usersDir, 'users.txt');
    writeFileSync(usersFile, 'ana:p:w\njörg:pä:ss\n');
    users = await startUi({}, ['--users-file', usersFile]);
    await logRun(users.url, 'grey-elk', 0.2, undefined, { authorization: `Basic ${Buffer.from('ana:p:w').toString('base64')}` });
    usersBrowser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await usersBrowser?.close();
    await users?.stop();
    rmSync(usersDir, { recursive: true, force: true });
  });

  // A Basic challenge makes Chromium hold the request for its own sign-in dialog, which headless
  // Chromium cannot show: Playwright's httpCredentials answer that dialog for the user.
  it('works through the browser\'s own dialog: the browser re-sends the credentials itself', async () => {
    const context = await usersBrowser!.newContext({ viewport: { width: 1280, height: 800 }, httpCredentials: { username: 'ana', password: 'p:w' } });
    const page = await context.newPage();
    await page.goto(`${users!.url}/#/experiments/0`);
    await page.waitForSelector('.runs-spacer .row');
    expect(await rowNames(page)).toEqual(['grey-elk']);
    expect(await page.locator('.sign-in').count()).toBe(0);
    expect(await page.isVisible('.sign-out')).toBe(false);
    await context.close();
  });

  it('after a dismissed dialog, signs in on the panel with a user name and password (UTF-8, a colon in the password)', async () => {
    // Credentials the server refuses: Playwright answers the dialog once, then dismisses it, and the page gets the 401.
    const context = await usersBrowser!.newContext({ viewport: { width: 1280, height: 800 }, httpCredentials: { username: 'nobody', password: 'x' } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${users!.url}/#/experiments/0`);
    await page.waitForSelector('.sign-in');
    // A users-only server challenges with Basic alone: no token field.
    expect(await page.locator('.sign-in-token').count()).toBe(0);
    await page.fill('.sign-in-basic input[name="username"]', 'jörg');
    await page.fill('.sign-in-basic input[name="password"]', 'wrong');
    await page.click('.sign-in-basic button');
    await page.waitForSelector('.sign-in .error');
    expect(await page.textContent('.sign-in .error')).toBe('Credentials refused: wrong user name or password');
    await page.fill('.sign-in-basic input[name="password"]', 'pä:ss');
    await page.click('.sign-in-basic button');
    await page.waitForSelector('.runs-spacer .row');
    expect(await rowNames(page)).toEqual(['grey-elk']);
    expect(await page.textContent('.sign-out')).toBe('Sign out (jörg)');
    await page.screenshot({ path: path.join(shots, 'signed-in.png') });
    expect(errors).toEqual([]);
    await context.close();
  });
});
