import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchChromium } from '../helpers/browser';
import { installDesktopBridge } from '../helpers/desktop-bridge';
import { repositoryRoot, run } from '../helpers/processes';
import { startTestService } from '../helpers/service';

const portalDir = process.env.EID_PORTAL_DIR ?? path.join(repositoryRoot, 'dist', 'renderer');

let browser: Browser;
let portal: { url: string; close: () => Promise<void> };

/**
 * Serves the built renderer on its own loopback port, standing in for the file:// page of the
 * desktop window: the page must still load after the portal service has stopped.
 */
async function servePortal(): Promise<{ url: string; close: () => Promise<void> }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.woff2': 'font/woff2', '.mjs': 'text/javascript' };
  const server = http.createServer(async (request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const filePath = path.join(portalDir, pathname === '/' ? 'index.html' : path.normalize(pathname));
    if (!filePath.startsWith(portalDir)) return void response.writeHead(404).end();
    try {
      const body = await readFile(filePath);
      response.writeHead(200, { 'Content-Type': types[path.extname(filePath)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

beforeAll(async () => {
  if (!process.env.EID_PORTAL_DIR) await run('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts']);
  portal = await servePortal();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await portal?.close();
});

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.getByTestId('sign-in-submit').click();
}

async function activeGivenName(page: Page): Promise<string | null> {
  await page.getByTestId('user-menu').click();
  await page.getByTestId('nav-profile').click();
  return page.getByTestId('profile-givenName').textContent();
}

describe('desktop app', () => {
  it('signs in two certificates, switches and signs out of one', async () => {
    const service = await startTestService();
    const first = await service.enroll({ givenName: 'Arbër', surname: 'Krasniqi' });
    const second = await service.enroll({ givenName: 'Drita', surname: 'Gashi' });
    const context = await browser.newContext();
    await installDesktopBridge(context, service.url, { pageOrigin: portal.url });
    const page = await context.newPage();

    await page.goto(`${portal.url}/`);
    await signIn(page, first.username, first.password);
    await page.getByTestId('certificate-switcher').waitFor();
    await page.getByTestId('nav-tokens').waitFor();
    await page.goto(`${portal.url}/#/sign-in?add=1`);
    await signIn(page, second.username, second.password);
    await expect.poll(() => page.getByTestId('certificate-switcher-select').locator('option').count()).toBe(2);
    expect(await activeGivenName(page)).toBe('Drita');

    await page.getByTestId('certificate-switcher-select').selectOption(first.username);
    await expect.poll(() => page.getByTestId('profile-givenName').textContent()).toBe('Arbër');

    await page.getByTestId('certificate-sign-out').click();
    await expect.poll(() => page.getByTestId('certificate-switcher-select').locator('option').count()).toBe(1);
    await expect.poll(() => page.getByTestId('profile-givenName').textContent()).toBe('Drita');

    await context.close();
    await service.close();
  });

  it('shows cached profile and contracts offline', async () => {
    const service = await startTestService();
    const holder = await service.enroll();
    const context = await browser.newContext();
    await installDesktopBridge(context, service.url, { pageOrigin: portal.url });
    const page = await context.newPage();

    await page.goto(`${portal.url}/`);
    await signIn(page, holder.username, holder.password);
    expect(await activeGivenName(page)).toBe('Arbër');
    await page.getByTestId('nav-contracts').click();
    await page.locator('[data-testid="contract-list"], [data-testid="contracts-empty"]').first().waitFor();
    const contractsOnline = await page.locator('[data-testid^="contract-"]').count();
    // The list itself and at least the enrollment contract.
    expect(contractsOnline).toBeGreaterThan(1);
    expect(await page.getByTestId('offline-banner').count()).toBe(0);

    await service.close();
    await page.reload();
    await page.getByTestId('offline-banner').waitFor();
    await page.locator('[data-testid="contract-list"], [data-testid="contracts-empty"]').first().waitFor();
    expect(await page.locator('[data-testid^="contract-"]').count()).toBe(contractsOnline);
    expect(await activeGivenName(page)).toBe('Arbër');
    expect(await page.getByTestId('offline-banner').textContent()).toMatch(/\d/);

    await context.close();
  });

  it('hides tokens and settings in the browser portal', async () => {
    const service = await startTestService({ portalDir });
    const holder = await service.enroll();
    const context = await browser.newContext();
    const page = await context.newPage();

    await page.goto(`${service.url}/`);
    await signIn(page, holder.username, holder.password);
    await page.getByTestId('nav-contracts').waitFor();

    expect(await page.getByTestId('nav-tokens').count()).toBe(0);
    expect(await page.getByTestId('certificate-switcher').count()).toBe(0);
    await page.goto(`${service.url}/#/tokens`);
    await page.getByTestId('profile-givenName').waitFor();

    await context.close();
    await service.close();
  });
});
