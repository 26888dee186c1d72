import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { accountKey } from '../../service/auth/throttle';
import { launchChromium } from '../helpers/browser';
import { installDesktopBridge } from '../helpers/desktop-bridge';
import { repositoryRoot } from '../helpers/processes';
import { startTestService, type TestService } from '../helpers/service';

const albanian = JSON.parse(readFileSync(`${repositoryRoot}/renderer/src/locales/sq.json`, 'utf8')) as { errors: Record<string, string> };
const english = JSON.parse(readFileSync(`${repositoryRoot}/renderer/src/locales/en.json`, 'utf8')) as { errors: Record<string, string> };

const holderNames = { givenName: 'Arbëreshë Çiçek', surname: 'Čolić-Đurić' };
const newPassword = 'Mali i Sharrit në dimër 2026';

let service: TestService;
let browser: Browser;

beforeAll(async () => {
  service = await startTestService({ portalDir: process.env.EID_PORTAL_DIR });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await service?.close();
});

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.getByTestId('sign-in-submit').click();
}

async function openProfile(page: Page): Promise<void> {
  await page.getByTestId('user-menu').click();
  await page.getByTestId('nav-profile').click();
  await page.getByTestId('profile-givenName').waitFor();
}

async function signOut(page: Page): Promise<void> {
  await page.getByTestId('user-menu').click();
  await page.getByTestId('sign-out').click();
  await page.locator('#username').waitFor();
}

describe('browser portal', () => {
  it('signs in, shows the profile, changes the password and signs in again', async () => {
    const holder = await service.enroll({ ...holderNames, phoneNumber: '+38344987656' });
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    // Chromium logs every 4xx response as a console error; those are expected here (the signed-out
    // start and the wrong password). Anything else, such as a CSP violation, is a problem.
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));

    await page.goto(`${service.url}/`);
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('sq');

    await signIn(page, holder.username, holder.password);
    await openProfile(page);
    expect(await page.getByTestId('profile-givenName').textContent()).toBe(holderNames.givenName);
    expect(await page.getByTestId('profile-surname').textContent()).toBe(holderNames.surname);
    expect(await page.getByTestId('profile-phoneNumberMasked').textContent()).toBe('+383*****56');
    expect(await page.getByTestId('profile-serialNumber').textContent()).toContain(holder.serial);
    // The user name may break only after its dots, never inside a part.
    expect((await page.getByTestId('profile-username').textContent())?.trim()).toBe(holder.username);
    expect(await page.getByTestId('profile-username').locator('wbr').count()).toBe(holder.username.split('.').length);
    expect(await page.getByTestId('profile-username').evaluate((value) => getComputedStyle(value).overflowWrap)).toBe('break-word');

    await page.locator('#current-password').fill(holder.password);
    await page.locator('#new-password').fill(newPassword);
    await page.locator('#confirm-password').fill(newPassword);
    await page.getByTestId('change-password-submit').click();
    await page.getByTestId('change-password-success').waitFor();

    await signOut(page);
    await signIn(page, holder.username, newPassword);
    await openProfile(page);
    expect(await page.getByTestId('profile-surname').textContent()).toBe(holderNames.surname);

    await signOut(page);
    await signIn(page, holder.username, holder.password);
    const error = page.getByTestId('error');
    await error.waitFor();
    expect((await error.textContent())?.trim()).toContain(albanian.errors.INVALID_CREDENTIALS);

    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('throttled sign-in', () => {
  it('counts the wait down in the banner', async () => {
    const holder = await service.enroll(holderNames);
    const serviceContext = await service.openContext();
    try {
      const now = Date.now();
      await serviceContext.store.putThrottle({
        key: accountKey(holder.username),
        failures: 12,
        lastFailureAt: new Date(now).toISOString(),
        blockedUntil: new Date(now + 150_000).toISOString(),
      });
    } finally {
      await serviceContext.store.close();
    }

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.clock.install();
    await page.goto(`${service.url}/`);
    await signIn(page, holder.username, 'not the password');

    // The wait is rounded up to whole minutes above one minute, then to 15 seconds.
    const error = page.getByTestId('error');
    await expect.poll(() => error.textContent()).toBe('Shumë përpjekje. Prisni 3 minuta dhe provoni përsëri.');
    await page.clock.fastForward(60_000);
    await expect.poll(() => error.textContent()).toBe('Shumë përpjekje. Prisni 2 minuta dhe provoni përsëri.');
    await page.getByTestId('language').selectOption('en');
    await expect.poll(() => error.textContent()).toBe('Too many attempts. Wait 2 minutes and try again.');
    await page.clock.fastForward(60_000);
    await expect.poll(() => error.textContent()).toBe('Too many attempts. Wait 30 seconds and try again.');
    await page.clock.fastForward(31_000);
    await expect.poll(() => error.textContent()).toBe(english.errors.tooManyAttemptsRetryNow);
    await context.close();
  });
});

describe('session at start-up', () => {
  it('loads signed out without a failed request', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const failedResponses: string[] = [];
    const consoleErrors: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) failedResponses.push(`${response.status()} ${response.url()}`);
    });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });

    await page.goto(`${service.url}/`);
    await page.locator('#username').waitFor();

    expect(failedResponses).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it('shows the session name after a reload', async () => {
    const holder = await service.enroll(holderNames);
    const context = await browser.newContext();
    const page = await context.newPage();

    await page.goto(`${service.url}/`);
    await signIn(page, holder.username, holder.password);
    await page.getByTestId('user-menu').waitFor();
    await page.reload();

    const menu = page.getByTestId('user-menu');
    await menu.waitFor();
    await expect.poll(() => menu.textContent()).toContain(`${holderNames.givenName} ${holderNames.surname}`);
    await context.close();
  });
});

describe('public pages', () => {
  it('opens lost info from a bookmark while signed out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();

    await page.goto(`${service.url}/#/lost-info`);
    await page.getByTestId('recovery-start').waitFor();
    expect(new URL(page.url()).hash).toBe('#/lost-info');

    await page.goto(`${service.url}/#/profile`);
    await page.locator('#username').waitFor();
    expect(new URL(page.url()).hash).toMatch(/^#\/sign-in/);
    await context.close();
  });
});

describe('desktop bridge', () => {
  it('signs in without exposing the token', async () => {
    const holder = await service.enroll(holderNames);
    const context = await browser.newContext();
    const { session } = await installDesktopBridge(context, service.url);
    const page = await context.newPage();

    await page.goto(`${service.url}/`);
    expect(await page.evaluate(() => typeof (window as { eid?: unknown }).eid)).toBe('object');
    await signIn(page, holder.username, holder.password);
    await openProfile(page);
    expect(await page.getByTestId('profile-givenName').textContent()).toBe(holderNames.givenName);
    expect(await page.getByTestId('profile-surname').textContent()).toBe(holderNames.surname);

    // The desktop path signs in with client "desktop": main keeps a bearer token and the
    // browser gets no cookie.
    expect(session.isSignedIn).toBe(true);
    expect(await context.cookies()).toEqual([]);

    await signOut(page);
    expect(session.isSignedIn).toBe(false);
    await context.close();
  });
});
