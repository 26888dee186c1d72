import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchChromium } from '../helpers/browser';
import { startTestService, type TestService } from '../helpers/service';

const holderNames = { givenName: 'Arbëreshë Çiçek', surname: 'Čolić-Đurić Šaž' };

let service: TestService;
let browser: Browser;

beforeAll(async () => {
  // EID_TEST_PORTAL_DIR lets a run use a renderer built elsewhere than dist/renderer.
  service = await startTestService({ portalDir: process.env.EID_TEST_PORTAL_DIR });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await service?.close();
});

async function storedContract(serial: string): Promise<{ id: number; sha256: string }> {
  const context = await service.openContext();
  try {
    return context.store.database
      .prepare('SELECT ct.id, ct.sha256 FROM contracts ct JOIN certificates c ON c.id = ct.certificate_id WHERE c.serial_number = ?')
      .get(serial) as { id: number; sha256: string };
  } finally {
    await context.store.close();
  }
}

async function replaceStoredPdf(id: number, bytes: Buffer): Promise<void> {
  const context = await service.openContext();
  try {
    context.store.database.prepare('UPDATE contracts SET pdf = ? WHERE id = ?').run(bytes, id);
  } finally {
    await context.store.close();
  }
}

/** Collects console errors and page errors, such as CSP violations, except 4xx resource logs. */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return problems;
}

async function openContractsScreen(page: Page, holder: { username: string; password: string }): Promise<void> {
  await page.goto(`${service.url}/`);
  await page.locator('#username').fill(holder.username);
  await page.locator('#password').fill(holder.password);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('nav-contracts').click();
  await page.getByTestId('contract-list').waitFor();
}

async function renderedPage(page: Page): Promise<string | null> {
  return page.getByTestId('contract-page').getAttribute('data-rendered-page');
}

async function downloadedSha256(page: Page): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('contract-download').click()]);
  const file = await download.path();
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

describe('My contracts', () => {
  it('opens, pages, checks and downloads a contract', async () => {
    const holder = await service.enroll(holderNames);
    const stored = await storedContract(holder.serial);
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const problems = watchProblems(page);

    await openContractsScreen(page, holder);
    await page.getByTestId(`contract-open-${stored.id}`).click();
    await expect.poll(() => renderedPage(page)).toBe('1');
    expect(await page.getByTestId('contract-page-count').textContent()).toContain('3');

    // The text layer carries the page's text, so names can be selected and copied.
    const textLayer = page.getByTestId('contract-text-layer');
    await expect.poll(() => textLayer.textContent()).toContain(holderNames.surname);
    expect(await textLayer.locator('span').first().evaluate((span) => getComputedStyle(span).userSelect)).toBe('text');

    await page.getByTestId('contract-next-page').click();
    await expect.poll(() => renderedPage(page)).toBe('2');

    await page.getByTestId('contract-viewport').focus();
    await page.keyboard.press('End');
    await expect.poll(() => renderedPage(page)).toBe('3');
    await expect.poll(() => textLayer.textContent()).toContain(`${holderNames.givenName} ${holderNames.surname}`);
    expect(await page.getByTestId('contract-next-page').isDisabled()).toBe(true);
    await page.keyboard.press('Home');
    await expect.poll(() => renderedPage(page)).toBe('1');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => renderedPage(page)).toBe('2');

    const widthBefore = await page.getByTestId('contract-canvas').evaluate((canvas) => canvas.getBoundingClientRect().width);
    await page.keyboard.press('+');
    await expect.poll(() => page.getByTestId('contract-zoom').textContent()).toContain('125');
    await expect.poll(() => page.getByTestId('contract-canvas').evaluate((canvas) => canvas.getBoundingClientRect().width)).toBeGreaterThan(widthBefore);

    const verdict = page.getByTestId('contract-verdict');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-verdict')).toBe('valid');
    expect(await page.getByTestId('contract-signer').textContent()).toBe(`${holderNames.givenName} ${holderNames.surname}`);
    expect(await page.getByTestId('contract-serial').textContent()).toBe(holder.serial);

    expect(await downloadedSha256(page)).toBe(stored.sha256);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('offers the download when pdf.js cannot render the file', async () => {
    const holder = await service.enroll(holderNames);
    const stored = await storedContract(holder.serial);
    const broken = Buffer.from('%PDF-1.7\nThis file was damaged in storage.\n');
    await replaceStoredPdf(stored.id, broken);

    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await openContractsScreen(page, holder);
    await page.getByTestId(`contract-open-${stored.id}`).click();

    await page.getByTestId('contract-render-error').waitFor();
    const verdict = page.getByTestId('contract-verdict');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-verdict')).toBe('invalid');
    expect(await page.getByTestId('contract-download').isEnabled()).toBe(true);
    expect(await downloadedSha256(page)).toBe(createHash('sha256').update(broken).digest('hex'));
    await context.close();
  });
});
