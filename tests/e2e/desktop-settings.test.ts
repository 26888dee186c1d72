import { readFile } from 'node:fs/promises';
import path from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchChromium } from '../helpers/browser';
import { installDesktopBridge } from '../helpers/desktop-bridge';
import { servePortal } from '../helpers/portal-server';
import { repositoryRoot, run } from '../helpers/processes';
import { startTestService, type TestService } from '../helpers/service';

const portalDir = process.env.EID_PORTAL_DIR ?? path.join(repositoryRoot, 'dist', 'renderer');

/** The body backgrounds of the light and dark palettes in renderer/src/styles.css. */
const lightBackground = 'rgb(244, 246, 250)';
const darkBackground = 'rgb(17, 24, 39)';

let browser: Browser;
let portal: { url: string; close: () => Promise<void> };
let service: TestService;

beforeAll(async () => {
  if (!process.env.EID_PORTAL_DIR) await run('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts']);
  portal = await servePortal(portalDir);
  service = await startTestService({ portalDir });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await service?.close();
  await portal?.close();
});

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('user-menu').waitFor();
}

function bodyBackground(page: Page): Promise<string> {
  return page.evaluate(() => getComputedStyle(document.body).backgroundColor);
}

async function saveTheme(page: Page, theme: 'system' | 'light' | 'dark'): Promise<void> {
  await page.getByTestId('settings-theme').selectOption(theme);
  await page.getByTestId('settings-save').click();
  await page.getByTestId('settings-saved').waitFor();
}

async function storedSettings(userDataDir: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path.join(userDataDir, 'settings.json'), 'utf8')) as Record<string, unknown>;
}

describe('desktop theme', () => {
  it('applies dark from the Settings screen', async () => {
    const holder = await service.enroll();
    const context = await browser.newContext({ colorScheme: 'light' });
    await installDesktopBridge(context, service.url, { pageOrigin: portal.url });
    const page = await context.newPage();
    await page.goto(`${portal.url}/`);
    await signIn(page, holder.username, holder.password);
    expect(await bodyBackground(page)).toBe(lightBackground);

    await page.getByTestId('nav-settings').click();
    await saveTheme(page, 'dark');

    await expect.poll(() => bodyBackground(page)).toBe(darkBackground);
    expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
    expect(await page.evaluate(() => getComputedStyle(document.body).color)).toBe('rgb(230, 234, 242)');
    await page.reload();
    await page.getByTestId('settings-theme').waitFor();
    expect(await bodyBackground(page)).toBe(darkBackground);

    await saveTheme(page, 'light');
    await expect.poll(() => bodyBackground(page)).toBe(lightBackground);

    await context.close();
  });

  it('follows the system colour scheme', async () => {
    const holder = await service.enroll();
    const context = await browser.newContext({ colorScheme: 'dark' });
    await installDesktopBridge(context, service.url, { pageOrigin: portal.url });
    const page = await context.newPage();
    await page.goto(`${portal.url}/`);
    await signIn(page, holder.username, holder.password);

    expect(await page.locator('html').getAttribute('data-theme')).toBe('system');
    expect(await bodyBackground(page)).toBe(darkBackground);
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => bodyBackground(page)).toBe(lightBackground);

    await page.getByTestId('nav-settings').click();
    await saveTheme(page, 'dark');
    await expect.poll(() => bodyBackground(page)).toBe(darkBackground);

    await context.close();
  });

  it('keeps the browser portal light', async () => {
    const context = await browser.newContext({ colorScheme: 'dark' });
    const page = await context.newPage();
    await page.goto(`${service.url}/`);
    await page.getByTestId('sign-in-submit').waitFor();

    expect(await page.locator('html').getAttribute('data-theme')).toBeNull();
    expect(await bodyBackground(page)).toBe(lightBackground);

    await context.close();
  });
});

describe('desktop language', () => {
  it('stores the picked language in settings.json', async () => {
    const holder = await service.enroll();
    const first = await browser.newContext();
    const { desktop } = await installDesktopBridge(first, service.url, { pageOrigin: portal.url });
    const page = await first.newPage();
    await page.goto(`${portal.url}/`);
    await page.getByTestId('sign-in-submit').waitFor();

    await page.getByTestId('language').selectOption('en');

    await expect.poll(async () => (await storedSettings(desktop.userDataDir)).language).toBe('en');
    expect(await page.evaluate(() => localStorage.getItem('eid.locale'))).toBeNull();
    await first.close();

    // A new window without localStorage, on a new main over the same data folder, as after a restart.
    const second = await browser.newContext();
    await installDesktopBridge(second, service.url, { pageOrigin: portal.url, userDataDir: desktop.userDataDir });
    const reopened = await second.newPage();
    await reopened.goto(`${portal.url}/`);
    await reopened.getByTestId('sign-in-submit').waitFor();
    expect(await reopened.locator('html').getAttribute('lang')).toBe('en');
    expect(await reopened.locator('h1').textContent()).toBe('Sign in');
    expect(await reopened.getByTestId('language').inputValue()).toBe('en');

    await signIn(reopened, holder.username, holder.password);
    await reopened.getByTestId('nav-settings').click();
    expect(await reopened.getByTestId('settings-language').inputValue()).toBe('en');
    await reopened.getByTestId('settings-language').selectOption('sr-Latn');
    await reopened.getByTestId('settings-save').click();
    await reopened.getByTestId('settings-saved').waitFor();

    await expect.poll(() => reopened.locator('html').getAttribute('lang')).toBe('sr-Latn');
    expect(await reopened.getByTestId('language').inputValue()).toBe('sr-Latn');
    expect((await storedSettings(desktop.userDataDir)).language).toBe('sr-Latn');

    await second.close();
  });

  it('keeps the browser portal language in localStorage', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${service.url}/`);
    await page.getByTestId('sign-in-submit').waitFor();

    await page.getByTestId('language').selectOption('sr-Latn');

    await expect.poll(() => page.evaluate(() => localStorage.getItem('eid.locale'))).toBe('sr-Latn');
    await page.reload();
    await page.getByTestId('sign-in-submit').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('sr-Latn');

    await context.close();
  });
});
