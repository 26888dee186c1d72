import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { revocationReasons } from '../../common/api/certificate';
import { launchChromium } from '../helpers/browser';
import { installDesktopBridge } from '../helpers/desktop-bridge';
import { uniqueEmail } from '../helpers/recovery';
import { holderRequest, startTestService, type TestService } from '../helpers/service';

// Without an SMTP server the service keeps its emails in the outbox table, where the test reads them.
let service: TestService;
let browser: Browser;

beforeAll(async () => {
  [service, browser] = await Promise.all([startTestService({ portalDir: process.env.EID_PORTAL_DIR }), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await service?.close();
});

async function enrollHolder() {
  const request = holderRequest({ email: uniqueEmail('emergency') });
  const enrolled = await service.enroll(request);
  return { ...enrolled, personalNumber: request.personalNumber, email: request.email };
}

async function queryOne<T>(sql: string, value: string): Promise<T | undefined> {
  const context = await service.openContext();
  try {
    return context.store.database.prepare(sql).get(value) as T | undefined;
  } finally {
    await context.store.close();
  }
}

async function certificateStatus(serial: string): Promise<string | undefined> {
  return (await queryOne<{ status: string }>('SELECT status FROM certificates WHERE serial_number = ?', serial))?.status;
}

async function latestEmailSubject(email: string): Promise<string | undefined> {
  return (await queryOne<{ subject: string }>(`SELECT subject FROM outbox WHERE recipient = ? AND channel = 'email' ORDER BY id DESC`, email))?.subject;
}

/** Opens the sign-in page, follows the emergency link, and collects page problems and emergency requests. */
async function openEmergency(context: BrowserContext): Promise<{ page: Page; problems: string[]; posts: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  const posts: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/api/v1/certificate/emergency-revocation')) posts.push(request.method());
  });

  await page.goto(`${service.url}/`);
  await page.getByTestId('emergency-link').click();
  await page.getByTestId('emergency-submit').waitFor();
  return { page, problems, posts };
}

function focusedTestId(page: Page): Promise<string | null | undefined> {
  return page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
}

async function fill(page: Page, details: { personalNumber: string; username: string; erc: string; confirmation: string }): Promise<void> {
  await page.getByTestId('emergency-personal-number').fill(details.personalNumber);
  await page.getByTestId('emergency-username').fill(details.username);
  await page.getByTestId('emergency-erc').fill(details.erc);
  await page.getByTestId('emergency-confirmation').fill(details.confirmation);
}

describe('emergency revocation in the browser portal', () => {
  it('checks the form before sending anything', async () => {
    const context = await browser.newContext();
    const { page, problems, posts } = await openEmergency(context);

    await page.getByTestId('emergency-submit').click();
    expect(await page.locator('#emergency-personal-number-error').textContent()).toBe('Plotësoni këtë fushë.');
    expect(await page.locator('#emergency-confirmation-error').textContent()).toBe('Shkruani fjalën e konfirmimit saktësisht siç shfaqet.');

    const holder = await enrollHolder();
    await fill(page, { personalNumber: '12345', username: holder.username, erc: holder.erc, confirmation: 'REVOKE' });
    await page.getByTestId('emergency-submit').click();
    expect(await page.locator('#emergency-personal-number-error').textContent()).toBe('Numri personal duhet të ketë saktësisht 10 shifra.');
    expect(await page.locator('#emergency-confirmation-error').textContent()).toBe('Shkruani fjalën e konfirmimit saktësisht siç shfaqet.');
    expect(await focusedTestId(page)).toBe('emergency-personal-number');

    // Editing a field clears its problem at once. The other problems stay until they are fixed.
    await page.getByTestId('emergency-personal-number').fill(holder.personalNumber);
    expect(await page.locator('#emergency-personal-number-error').textContent()).toBe('');
    expect(await page.locator('#emergency-confirmation-error').textContent()).toBe('Shkruani fjalën e konfirmimit saktësisht siç shfaqet.');

    // On a phone-sized window every reason shows in full, however long it is in Albanian.
    await page.setViewportSize({ width: 360, height: 800 });
    expect(await page.getByTestId('emergency-reason-keyCompromise').isChecked()).toBe(true);
    for (const reason of revocationReasons) {
      const label = page.locator('label', { has: page.getByTestId(`emergency-reason-${reason}`) });
      const box = await label.boundingBox();
      expect(box!.x + box!.width, reason).toBeLessThanOrEqual(360);
      expect(await label.evaluate((element) => element.scrollWidth <= element.clientWidth), reason).toBe(true);
    }

    expect(posts).toEqual([]);
    expect(await certificateStatus(holder.serial)).toBe('active');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('revokes only with matching details', async () => {
    // Wrong and matching details get the same page. Only the certificate's status differs.
    const holder = await enrollHolder();
    const context = await browser.newContext();

    const { page, problems } = await openEmergency(context);
    await fill(page, { personalNumber: holder.personalNumber, username: holder.username, erc: 'AAAA-BBBB-CCCC-DDDD', confirmation: 'REVOKO' });
    await page.getByTestId('emergency-submit').click();
    await page.getByTestId('emergency-received').waitFor();
    const wrongText = await page.getByTestId('emergency-received').textContent();
    // Focus moves to the response panel, so keyboard users continue from there.
    await expect.poll(() => focusedTestId(page)).toBe('emergency-received');
    expect(await certificateStatus(holder.serial)).toBe('active');

    // Trying again keeps the personal number and the user name, and puts focus on the ERC.
    await page.getByTestId('emergency-try-again').click();
    expect(await page.getByTestId('emergency-personal-number').inputValue()).toBe(holder.personalNumber);
    expect(await page.getByTestId('emergency-username').inputValue()).toBe(holder.username);
    expect(await focusedTestId(page)).toBe('emergency-erc');
    await page.getByTestId('emergency-erc').fill(holder.erc);
    await page.getByTestId('emergency-confirmation').fill('REVOKO');
    await page.getByTestId('emergency-reason-superseded').check();
    await page.getByTestId('emergency-submit').click();
    await page.getByTestId('emergency-received').waitFor();
    expect(await page.getByTestId('emergency-received').textContent()).toBe(wrongText);
    expect(await certificateStatus(holder.serial)).toBe('revoked');
    expect((await queryOne<{ revocation_reason: string }>('SELECT revocation_reason FROM certificates WHERE serial_number = ?', holder.serial))?.revocation_reason).toBe('superseded');

    // The emergency revocation sends its email after the response, so that its timing reveals nothing.
    await expect.poll(() => latestEmailSubject(holder.email)).toBe('Certifikata juaj u revokua');
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('emergency revocation in the desktop window', () => {
  it('revokes without a session through main', async () => {
    const holder = await enrollHolder();
    const context = await browser.newContext();
    const { session } = await installDesktopBridge(context, service.url);
    const { page, problems } = await openEmergency(context);
    expect(session.isSignedIn).toBe(false);

    await fill(page, { personalNumber: holder.personalNumber, username: holder.username, erc: holder.erc, confirmation: 'REVOKO' });
    await page.getByTestId('emergency-submit').click();
    await page.getByTestId('emergency-received').waitFor();
    expect(await certificateStatus(holder.serial)).toBe('revoked');

    expect(problems).toEqual([]);
    await context.close();
  });
});
