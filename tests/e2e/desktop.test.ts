import path from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { EidDesktopApi } from '../../common/ipc/desktop-api';
import { launchChromium } from '../helpers/browser';
import { installDesktopBridge } from '../helpers/desktop-bridge';
import { servePortal } from '../helpers/portal-server';
import { repositoryRoot, run } from '../helpers/processes';
import { startTestService } from '../helpers/service';

const portalDir = process.env.EID_PORTAL_DIR ?? path.join(repositoryRoot, 'dist', 'renderer');

let browser: Browser;
let portal: { url: string; close: () => Promise<void> };

beforeAll(async () => {
  if (!process.env.EID_PORTAL_DIR) await run('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts']);
  portal = await servePortal(portalDir);
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

  it('user menu sign-out keeps the other certificate', async () => {
    const service = await startTestService();
    const first = await service.enroll({ givenName: 'Arbër', surname: 'Krasniqi' });
    const second = await service.enroll({ givenName: 'Drita', surname: 'Gashi' });
    const context = await browser.newContext();
    await installDesktopBridge(context, service.url, { pageOrigin: portal.url });
    const page = await context.newPage();
    await page.goto(`${portal.url}/`);
    await signIn(page, first.username, first.password);
    await page.getByTestId('certificate-switcher').waitFor();
    await page.goto(`${portal.url}/#/sign-in?add=1`);
    await signIn(page, second.username, second.password);
    await expect.poll(() => page.getByTestId('certificate-switcher-select').locator('option').count()).toBe(2);
    expect(await activeGivenName(page)).toBe('Drita');

    await page.getByTestId('user-menu').click();
    await page.getByTestId('sign-out').click();

    await expect.poll(() => page.getByTestId('certificate-switcher-select').locator('option').count()).toBe(1);
    await expect.poll(() => page.getByTestId('profile-givenName').textContent()).toBe('Arbër');
    expect(await page.getByTestId('certificate-switcher-select').inputValue()).toBe(first.username);
    expect(await page.getByTestId('sign-in-submit').count()).toBe(0);

    await page.getByTestId('user-menu').click();
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in-submit').waitFor();

    await context.close();
    await service.close();
  });

  it('saves downloads through the save dialog', async () => {
    const service = await startTestService();
    const holder = await service.enroll({ givenName: 'Ëlira', surname: 'Çollaku' });
    const context = await browser.newContext();
    const { desktop } = await installDesktopBridge(context, service.url, { pageOrigin: portal.url });
    const page = await context.newPage();
    // The browser's own download must not happen in the desktop app.
    const browserDownloads: string[] = [];
    page.on('download', (download) => browserDownloads.push(download.suggestedFilename()));
    await page.goto(`${portal.url}/`);
    await signIn(page, holder.username, holder.password);

    await page.getByTestId('nav-identity').click();
    await page.getByTestId('download-menu').locator('summary').click();
    await page.getByTestId('download-pem').click();
    await expect.poll(() => desktop.savedFiles.length).toBe(1);
    expect(desktop.savedFiles[0]!.name).toBe('Ëlira Çollaku.pem');
    const pem = Buffer.from(desktop.savedFiles[0]!.bytes).toString('utf8');
    expect(pem).toContain('-----BEGIN CERTIFICATE-----');
    const serial = await run('openssl', ['x509', '-noout', '-serial'], { input: pem });
    expect(serial.stdout.trim()).toBe(`serial=${holder.serial.toUpperCase()}`);

    await page.getByTestId('nav-contracts').click();
    await page.locator('[data-testid^="contract-open-"]').first().click();
    await page.getByTestId('contract-download').click();
    await expect.poll(() => desktop.savedFiles.length).toBe(2);
    expect(desktop.savedFiles[1]!.name).toMatch(/\.pdf$/);
    expect(Buffer.from(desktop.savedFiles[1]!.bytes).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(browserDownloads).toEqual([]);

    await context.close();
    await service.close();
  });

  it('opens cached data read-only after a restart', async () => {
    const service = await startTestService();
    const holder = await service.enroll();
    const context = await browser.newContext();
    const { restartMain } = await installDesktopBridge(context, service.url, { pageOrigin: portal.url });
    const page = await context.newPage();
    await page.goto(`${portal.url}/`);
    await signIn(page, holder.username, holder.password);
    expect(await activeGivenName(page)).toBe('Arbër');
    await page.getByTestId('nav-contracts').click();
    await page.getByTestId('contract-list').waitFor();
    const contractsOnline = await page.locator('[data-testid^="contract-"]').count();

    await service.close();
    await restartMain();
    await page.reload();

    await page.getByTestId('offline-banner').waitFor();
    await page.getByTestId('contract-list').waitFor();
    expect(await page.locator('[data-testid^="contract-"]').count()).toBe(contractsOnline);
    expect(await page.getByTestId('offline-banner').textContent()).toMatch(/\d/);
    expect(await page.getByTestId('certificate-switcher-select').locator('option').allTextContents()).toEqual([expect.stringContaining('jashtë linje')]);
    expect(await activeGivenName(page)).toBe('Arbër');

    await page.locator('#current-password').fill(holder.password);
    await page.locator('#new-password').fill('Another long password 2026');
    await page.locator('#confirm-password').fill('Another long password 2026');
    await page.getByTestId('change-password-submit').click();
    await expect.poll(() => page.getByTestId('change-password-error').textContent()).toBe('Shërbimi nuk mund të arrihet, prandaj ndryshimet nuk janë të mundura tani.');
    const viaBridge = await page.evaluate(() =>
      (window as unknown as { eid: EidDesktopApi }).eid.api.call({ route: 'changePin', body: { currentPin: '12345678', newPin: '73519046' } }),
    );
    expect(viaBridge).toEqual({ ok: false, error: { code: 'OFFLINE_READ_ONLY' } });

    await context.close();
  });

  it('shows unreachable service without kept data', async () => {
    const service = await startTestService();
    const holder = await service.enroll();
    const context = await browser.newContext();
    const { restartMain } = await installDesktopBridge(context, service.url, { pageOrigin: portal.url });
    const page = await context.newPage();
    await page.goto(`${portal.url}/`);
    await signIn(page, holder.username, holder.password);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-keep-no-data').check();
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-saved').waitFor();

    await service.close();
    await restartMain();
    await page.reload();

    await page.getByTestId('sign-in-submit').waitFor();
    expect(await page.getByTestId('error').textContent()).toBe('Shërbimi nuk mund të arrihet. Provoni përsëri më vonë.');
    expect(await page.getByTestId('offline-banner').count()).toBe(0);

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
