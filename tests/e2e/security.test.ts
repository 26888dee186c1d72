import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchChromium } from '../helpers/browser';
import { installDesktopBridge } from '../helpers/desktop-bridge';
import { repositoryRoot } from '../helpers/processes';
import { startTestService, type TestService } from '../helpers/service';

type Messages = {
  errors: Record<string, string>;
  security: { pinRule: Record<string, string>; status: Record<string, string>; erc: Record<string, string> };
};
const albanian = JSON.parse(readFileSync(`${repositoryRoot}/renderer/src/locales/security/sq.json`, 'utf8')) as Messages;

let service: TestService;
let browser: Browser;

beforeAll(async () => {
  // A portal built into another folder (EID_PORTAL_DIR) lets this run beside other builds.
  service = await startTestService({ portalDir: process.env.EID_PORTAL_DIR });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await service?.close();
});

function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  // Chromium logs every 4xx response as a console error, and the wrong PINs here cause those on purpose.
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return problems;
}

async function openSecurity(page: Page, holder: { username: string; password: string }): Promise<void> {
  await page.goto(`${service.url}/`);
  await page.locator('#username').fill(holder.username);
  await page.locator('#password').fill(holder.password);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('nav-security').click();
  await page.getByTestId('security-pin-tries').waitFor();
}

async function text(page: Page, testId: string): Promise<string> {
  return ((await page.getByTestId(testId).textContent()) ?? '').trim();
}

async function submitPinChange(page: Page, currentPin: string, newPin: string): Promise<void> {
  await page.locator('#pin-form-currentPin').fill(currentPin);
  await page.locator('#pin-form-newPin').fill(newPin);
  await page.locator('#pin-form-confirmPin').fill(newPin);
  await page.getByTestId('pin-form-submit').click();
}

async function fieldError(page: Page, id: string): Promise<string> {
  return ((await page.locator(`#${id}-error`).textContent()) ?? '').trim();
}

describe('User information in the browser portal', () => {
  let context: BrowserContext;

  afterAll(async () => {
    await context?.close();
  });

  it('runs all four operations in order', async () => {
    const holder = await service.enroll();
    context = await browser.newContext();
    const page = await context.newPage();
    const problems = watchProblems(page);
    await openSecurity(page, holder);

    expect(await text(page, 'security-pin-tries')).toBe('3 prova të mbetura');
    expect(await text(page, 'security-puk-tries')).toBe('10 prova të mbetura');
    // The tries left stand apart from the state badge before them.
    const badge = (await page.getByTestId('security-pin-state').boundingBox())!;
    const tries = (await page.getByTestId('security-pin-tries').boundingBox())!;
    expect(tries.x - (badge.x + badge.width)).toBeGreaterThanOrEqual(4);
    // innerText follows the rendering, which drops the spaces at the edges of the badge's box.
    const pinRow = await page.getByTestId('security-pin-state').locator('xpath=..').innerText();
    expect(pinRow.replace(/\s+/g, ' ').trim()).toMatch(/\S 3 prova të mbetura$/);
    // The policy is on screen before typing and is read out with the new PIN field.
    expect(await page.locator('#pin-policy').textContent()).toContain('nga 6 deri në 8 shifra');
    expect(await page.locator('#pin-form-newPin').getAttribute('aria-describedby')).toContain('pin-policy');
    expect(await page.locator('#pin-form-newPin').getAttribute('type')).toBe('password');
    await page.getByTestId('pin-form-newPin-toggle').click();
    expect(await page.locator('#pin-form-newPin').getAttribute('type')).toBe('text');
    expect(await page.getByTestId('pin-form-newPin-toggle').textContent()).toContain('Fshih PIN-in');
    await page.getByTestId('pin-form-newPin-toggle').click();

    // A PIN that breaks a rule is caught before anything is sent, and the field names the rule.
    expect(await page.locator('#pin-form-newPin').getAttribute('inputmode')).toBe('numeric');
    await submitPinChange(page, holder.pin, '123456');
    expect(await fieldError(page, 'pin-form-newPin')).toBe(albanian.security.pinRule.sequence);
    await submitPinChange(page, holder.pin, '77a777');
    expect(await fieldError(page, 'pin-form-newPin')).toBe(albanian.security.pinRule['not-digits']);
    await submitPinChange(page, holder.pin, '5555');
    expect(await fieldError(page, 'pin-form-newPin')).toBe('PIN-i duhet të ketë nga 6 deri në 8 shifra.');

    await submitPinChange(page, holder.pin, '730518');
    await page.getByTestId('pin-form-success').waitFor();
    expect(await text(page, 'security-pin-tries')).toBe('3 prova të mbetura');

    await submitPinChange(page, '592046', '285194');
    await expect.poll(() => fieldError(page, 'pin-form-currentPin')).toBe(`${albanian.errors.WRONG_PIN} Ju mbeten edhe 2 prova.`);
    expect(await text(page, 'security-pin-tries')).toBe('2 prova të mbetura');

    await submitPinChange(page, '592046', '285194');
    await expect.poll(() => fieldError(page, 'pin-form-currentPin')).toBe(`${albanian.errors.WRONG_PIN} Ju mbetet edhe 1 provë.`);
    expect(await text(page, 'security-pin-tries')).toBe('1 provë e mbetur');

    await submitPinChange(page, '592046', '285194');
    await page.getByTestId('security-pin-locked').waitFor();
    expect(await text(page, 'security-pin-state')).toBe('I bllokuar');
    expect(await text(page, 'security-pin-tries')).toBe('0 prova të mbetura');
    await page.getByTestId('pin-form-disabled').waitFor();
    // The locked-PIN explanation appears once, in the state card.
    const lockedHint = albanian.security.status.pinLockedHint!;
    expect((await page.locator('main').textContent())?.split(lockedHint).length).toBe(2);
    expect(await page.getByTestId('pin-form-error').count()).toBe(0);

    await page.locator('#unlock-form-puk').fill(holder.puk);
    await page.locator('#unlock-form-newPin').fill('285194');
    await page.locator('#unlock-form-confirmPin').fill('285194');
    await page.getByTestId('unlock-form-submit').click();
    await page.getByTestId('unlock-form-success').waitFor();
    expect(await text(page, 'security-pin-state')).toBe('Në rregull');
    expect(await text(page, 'security-pin-tries')).toBe('3 prova të mbetura');

    await page.locator('#erc-form-password').fill('not the portal password');
    await page.getByTestId('erc-form-submit').click();
    await expect.poll(() => fieldError(page, 'erc-form-password')).toBe(albanian.security.erc.wrongPassword);

    await page.locator('#erc-form-password').fill(holder.password);
    await page.getByTestId('erc-form-submit').click();
    expect(await text(page, 'erc-value')).toBe(holder.erc);
    await page.getByTestId('erc-copy').waitFor();

    // Leaving the page drops the ERC, so coming back shows the password form again.
    await page.getByTestId('user-menu').click();
    await page.getByTestId('nav-profile').click();
    await page.getByTestId('profile-givenName').waitFor();
    await page.getByTestId('nav-security').click();
    await page.getByTestId('erc-form').waitFor();
    expect(await page.getByTestId('erc-value').count()).toBe(0);
    expect(await page.content()).not.toContain(holder.erc);

    expect(problems).toEqual([]);
  });
});

describe('User information of a revoked certificate', () => {
  it('shows the revoked state instead of the forms', async () => {
    const holder = await service.enroll();
    const serviceContext = await service.openContext();
    try {
      serviceContext.store.database.prepare("UPDATE certificates SET status = 'revoked', revoked_at = ? WHERE serial_number = ?").run(new Date().toISOString(), holder.serial);
    } finally {
      await serviceContext.store.close();
    }

    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${service.url}/`);
    await page.locator('#username').fill(holder.username);
    await page.locator('#password').fill(holder.password);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('nav-security').click();
    await page.getByTestId('security-revoked').waitFor();

    expect(await page.getByTestId('pin-form').count()).toBe(0);
    expect(await page.getByTestId('unlock-form').count()).toBe(0);
    expect(await page.getByTestId('puk-form').count()).toBe(0);
    expect(await text(page, 'security-pin-state')).toBe(albanian.security.status.unusable);
    expect(await text(page, 'security-puk-state')).toBe(albanian.security.status.unusable);
    expect(await page.getByTestId('security-pin-tries').count()).toBe(0);
    expect(await page.getByTestId('erc-form').isVisible()).toBe(true);

    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('User information through the desktop bridge', () => {
  it('changes the PIN with tries left', async () => {
    const holder = await service.enroll();
    const context = await browser.newContext();
    await installDesktopBridge(context, service.url);
    const page = await context.newPage();
    const problems = watchProblems(page);
    await openSecurity(page, holder);
    expect(await context.cookies()).toEqual([]);

    await submitPinChange(page, '592046', '730518');
    await expect.poll(() => fieldError(page, 'pin-form-currentPin')).toBe(`${albanian.errors.WRONG_PIN} Ju mbeten edhe 2 prova.`);

    await submitPinChange(page, holder.pin, '730518');
    await page.getByTestId('pin-form-success').waitFor();
    expect(await text(page, 'security-pin-tries')).toBe('3 prova të mbetura');

    await page.locator('#erc-form-password').fill(holder.password);
    await page.getByTestId('erc-form-submit').click();
    expect(await text(page, 'erc-value')).toBe(holder.erc);

    expect(problems).toEqual([]);
    await context.close();
  });
});
