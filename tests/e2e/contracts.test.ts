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
  // EID_PORTAL_DIR (or the older EID_TEST_PORTAL_DIR) lets a run use a renderer built elsewhere than dist/renderer.
  service = await startTestService({ portalDir: process.env.EID_PORTAL_DIR ?? process.env.EID_TEST_PORTAL_DIR });
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

/** Marks the certificate revoked directly in the store, as the revocation flow would. */
async function revokeInStore(serial: string, revokedAt: string): Promise<void> {
  const context = await service.openContext();
  try {
    context.store.database.prepare("UPDATE certificates SET status = 'revoked', revoked_at = ? WHERE serial_number = ?").run(revokedAt, serial);
  } finally {
    await context.store.close();
  }
}

/** Signs in on a narrow window, where the navigation sits behind the menu button. */
async function openContractsScreenOnPhone(page: Page, holder: { username: string; password: string }): Promise<void> {
  await page.goto(`${service.url}/`);
  await page.locator('#username').fill(holder.username);
  await page.locator('#password').fill(holder.password);
  await page.getByTestId('sign-in-submit').click();
  await page.goto(`${service.url}/#/contracts`);
  await page.getByTestId('contract-list').waitFor();
}

async function renderedPage(page: Page): Promise<string | null> {
  return page.getByTestId('contract-page').getAttribute('data-rendered-page');
}

/** Returns by how many pixels the rendered page is wider than the viewport's inner width. */
async function pageOverflow(page: Page): Promise<number> {
  return page.getByTestId('contract-viewport').evaluate((viewport) => {
    const style = getComputedStyle(viewport);
    const inner = viewport.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight);
    const canvas = viewport.querySelector('canvas')!;
    return canvas.getBoundingClientRect().width - inner;
  });
}

/** Counts the lines the toolbar's controls take: a control that starts below the current line's bottom opens a new one. */
async function toolbarLineCount(page: Page): Promise<number> {
  return page.locator('[role="toolbar"]').evaluate((toolbar) => {
    const boxes = [...toolbar.querySelectorAll('button, input')].map((control) => control.getBoundingClientRect()).sort((a, b) => a.top - b.top);
    let lines = 0;
    let lineBottom = -Infinity;
    for (const box of boxes) {
      if (box.top >= lineBottom) lines += 1;
      lineBottom = Math.max(lineBottom, box.bottom);
    }
    return lines;
  });
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

    // The page opens fitted to the viewer's width, so no part of it is cut off.
    expect(await page.getByTestId('contract-zoom').getAttribute('data-zoom-mode')).toBe('fit');
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);

    const widthBefore = await page.getByTestId('contract-canvas').evaluate((canvas) => canvas.getBoundingClientRect().width);
    await page.keyboard.press('+');
    await expect.poll(() => page.getByTestId('contract-zoom').getAttribute('data-zoom-mode')).toBe('step');
    await expect.poll(() => page.getByTestId('contract-canvas').evaluate((canvas) => canvas.getBoundingClientRect().width)).toBeGreaterThan(widthBefore);
    await page.keyboard.press('0');
    await expect.poll(() => page.getByTestId('contract-zoom').getAttribute('data-zoom-mode')).toBe('fit');
    await expect.poll(() => page.getByTestId('contract-canvas').evaluate((canvas) => Math.round(canvas.getBoundingClientRect().width))).toBe(Math.round(widthBefore));

    const verdict = page.getByTestId('contract-verdict');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-verdict')).toBe('valid');
    expect(await page.getByTestId('contract-signer').textContent()).toBe(`${holderNames.givenName} ${holderNames.surname}`);
    expect(await page.getByTestId('contract-serial').textContent()).toBe(holder.serial);

    expect(await downloadedSha256(page)).toBe(stored.sha256);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('fits the page and keeps one toolbar line on a phone', async () => {
    const holder = await service.enroll(holderNames);
    const stored = await storedContract(holder.serial);
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();

    await openContractsScreenOnPhone(page, holder);
    await page.getByTestId(`contract-open-${stored.id}`).click();
    await expect.poll(() => renderedPage(page)).toBe('1');
    if (process.env.EID_SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.EID_SCREENSHOT_DIR}/contract-390.png`, fullPage: true });

    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
    expect(await toolbarLineCount(page)).toBe(1);
    expect(await page.getByTestId('contract-zoom-in').isVisible()).toBe(true);

    await page.setViewportSize({ width: 1280, height: 900 });
    await expect.poll(() => pageOverflow(page)).toBeLessThanOrEqual(0);
    await expect.poll(() => page.getByTestId('contract-canvas').evaluate((canvas) => canvas.getBoundingClientRect().width)).toBeGreaterThan(390);
    if (process.env.EID_SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.EID_SCREENSHOT_DIR}/contract-1280.png`, fullPage: true });
    await context.close();
  });

  it('reports a revocation after signing as information', async () => {
    const holder = await service.enroll(holderNames);
    const stored = await storedContract(holder.serial);
    const revokedAt = new Date(Date.now() + 60_000).toISOString();
    await revokeInStore(holder.serial, revokedAt);

    const context = await browser.newContext();
    const page = await context.newPage();
    await openContractsScreen(page, holder);
    await page.getByTestId(`contract-open-${stored.id}`).click();

    const verdict = page.getByTestId('contract-verdict');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-verdict')).toBe('valid');
    expect(await page.getByTestId('contract-revoked-after').isVisible()).toBe(true);
    expect(await page.getByTestId('contract-check-revocationNow').getAttribute('data-outcome')).toBe('revoked');
    expect(await page.locator('[data-outcome="failed"]').count()).toBe(0);
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
