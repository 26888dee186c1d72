import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SmtpSink } from '../peers/smtp-sink';
import { launchChromium } from '../helpers/browser';
import { installDesktopBridge } from '../helpers/desktop-bridge';
import { codeFromEmail, uniqueEmail, waitForEmails } from '../helpers/recovery';
import { holderRequest, request, startTestService, type TestService } from '../helpers/service';

const newPassword = 'Bjeshkët e Nemuna 2026';

let sink: SmtpSink;
let service: TestService;
let browser: Browser;

beforeAll(async () => {
  sink = new SmtpSink();
  await sink.start();
  service = await startTestService({ smtpUrl: sink.url, portalDir: process.env.EID_PORTAL_DIR });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await service?.close();
  await sink?.stop();
});

/** Opens the sign-in page, follows the lost-info link and collects page problems. */
async function openLostInfo(context: BrowserContext): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  // Chromium logs every 4xx response as a console error; anything else, such as a CSP violation, is a problem.
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));

  await page.goto(`${service.url}/`);
  await page.getByTestId('lost-info-link').click();
  await page.getByTestId('recovery-start').waitFor();
  return { page, problems };
}

async function requestCode(page: Page, personalNumber: string, email: string, want: 'username' | 'erc' | 'password'): Promise<void> {
  const before = sink.messages.filter((message) => message.to.includes(email)).length;
  await page.getByTestId(`want-${want}`).check();
  if (want === 'password') await page.getByTestId('method-email').check();
  await page.locator('#recovery-personal-number').fill(personalNumber);
  await page.locator('#recovery-email').fill(email);
  await page.getByTestId('recovery-start').click();
  await page.getByTestId('recovery-code-sent').waitFor();

  const emails = await waitForEmails(sink, email, before + 1);
  await page.locator('#recovery-code').fill(codeFromEmail(emails[before]!));
  await page.getByTestId('recovery-verify').click();
}

async function enrollHolder() {
  const holder = holderRequest({ email: uniqueEmail('e2e') });
  const digitalId = await service.enroll(holder);
  const { kind: _kind, ...personal } = holder;
  return { holder, personal, digitalId };
}

describe('lost info in the browser portal', () => {
  it('recovers the user names', async () => {
    const { holder, personal, digitalId } = await enrollHolder();
    const seal = await service.enrollSeal({ ...personal, businessName: 'Ëmbëlsira Çajupi SH.P.K.' });
    const context = await browser.newContext();
    const { page, problems } = await openLostInfo(context);

    await requestCode(page, holder.personalNumber, holder.email, 'username');
    await page.getByTestId('recovery-usernames').waitFor();
    expect(await page.getByTestId(`username-${digitalId.serial}`).textContent()).toBe(digitalId.username);
    expect(await page.getByTestId(`username-${seal.serial}`).textContent()).toBe(seal.username);
    expect(await page.getByTestId('recovery-usernames').textContent()).toContain('Ëmbëlsira Çajupi SH.P.K.');

    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows a wrong code once, at its field', async () => {
    const { holder } = await enrollHolder();
    const context = await browser.newContext();
    const { page, problems } = await openLostInfo(context);

    const before = sink.messages.filter((message) => message.to.includes(holder.email)).length;
    await page.getByTestId('want-username').check();
    await page.locator('#recovery-personal-number').fill(holder.personalNumber);
    await page.locator('#recovery-email').fill(holder.email);
    await page.getByTestId('recovery-start').click();
    await page.getByTestId('recovery-code-sent').waitFor();
    const emails = await waitForEmails(sink, holder.email, before + 1);
    const wrongCode = codeFromEmail(emails[before]!) === '00000000' ? '11111111' : '00000000';

    // A code of the wrong length is caught in the page and does not use one of the 5 tries.
    const verifyRequests: string[] = [];
    page.on('request', (sent) => {
      if (sent.url().includes('/api/v1/recovery/')) verifyRequests.push(sent.url());
    });
    await page.locator('#recovery-code').fill('1234');
    await page.getByTestId('recovery-verify').click();
    await expect.poll(() => page.locator('#recovery-code-error').textContent()).toContain('Kodi duhet të ketë saktësisht 8 shifra, si në email.');
    expect(verifyRequests).toEqual([]);
    // Editing the field clears the problem at once.
    await page.locator('#recovery-code').fill('12345');
    expect(await page.locator('#recovery-code-error').textContent()).toBe('');

    await page.locator('#recovery-code').fill(wrongCode);
    await page.getByTestId('recovery-verify').click();
    await expect.poll(() => page.locator('#recovery-code-error').textContent()).toContain('Kodi është i gabuar.');
    expect(await page.getByTestId('recovery-error').count()).toBe(0);
    expect((await page.locator('main').textContent())?.split('Kodi është i gabuar.').length).toBe(2);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('recovery-code');

    // Editing the code clears the service's problem too. A new local problem, once fixed, does not bring it back.
    await page.locator('#recovery-code').fill('1234');
    expect(await page.locator('#recovery-code-error').textContent()).toBe('');
    await page.getByTestId('recovery-verify').click();
    await expect.poll(() => page.locator('#recovery-code-error').textContent()).toContain('8 shifra');
    await page.locator('#recovery-code').fill('123');
    expect(await page.locator('#recovery-code-error').textContent()).toBe('');

    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows the ERC of the chosen seal once, with a copy button', async () => {
    const { holder, personal } = await enrollHolder();
    const seal = await service.enrollSeal({ ...personal, businessName: 'Drita SH.P.K.' });
    const context = await browser.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: service.url });
    const { page, problems } = await openLostInfo(context);

    await requestCode(page, holder.personalNumber, holder.email, 'erc');
    await page.getByTestId(`certificate-${seal.serial}`).check();
    await page.getByTestId('recovery-choose').click();
    await page.getByTestId('recovery-erc').waitFor();
    expect(await page.getByTestId('recovery-erc').textContent()).toBe(seal.erc);

    await page.getByTestId('recovery-copy-erc').click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(seal.erc);

    expect(problems).toEqual([]);
    await context.close();
  });

  it('resets the password of the chosen seal with the emailed code', async () => {
    const { holder, personal, digitalId } = await enrollHolder();
    const sealA = await service.enrollSeal({ ...personal, businessName: 'Drita SH.P.K.' });
    const sealB = await service.enrollSeal({ ...personal, businessName: 'Agro Kosova L.L.C.' });
    const context = await browser.newContext();
    const { page, problems } = await openLostInfo(context);

    await requestCode(page, holder.personalNumber, holder.email, 'password');
    await page.getByTestId(`certificate-${sealB.serial}`).check();
    await page.locator('#new-password').fill(newPassword);
    await page.locator('#confirm-password').fill(newPassword);
    await page.getByTestId('recovery-choose').click();
    await page.getByTestId('recovery-done').waitFor();
    expect(await page.getByTestId('recovery-done').textContent()).toContain(sealB.username);

    const signIn = (username: string, password: string) => request(service, 'POST', '/api/v1/sessions', { body: { username, password, client: 'desktop' } });
    expect((await signIn(sealB.username, newPassword)).status).toBe(201);
    expect((await signIn(sealA.username, sealA.password)).status).toBe(201);
    expect((await signIn(digitalId.username, digitalId.password)).status).toBe(201);

    expect(problems).toEqual([]);
    await context.close();
  });

  it('resets the password with the ERC', async () => {
    const { digitalId } = await enrollHolder();
    const context = await browser.newContext();
    const { page, problems } = await openLostInfo(context);

    await page.getByTestId('want-password').check();
    await page.getByTestId('method-erc').check();
    // The intro names what this mode uses: the user name and the ERC, not the personal number and email.
    const intro = (await page.getByTestId('recovery-intro').textContent()) ?? '';
    expect(intro).toContain('emrin e përdoruesit');
    expect(intro).not.toContain('numrin personal');
    await page.locator('#recovery-username').fill(digitalId.username);
    await page.locator('#recovery-erc').fill('AAAA-BBBB-CCCC-DDDD');
    await page.locator('#new-password').fill(newPassword);
    await page.locator('#confirm-password').fill(newPassword);
    await page.getByTestId('recovery-start').click();
    await page.getByTestId('recovery-error').waitFor();
    expect(await page.getByTestId('recovery-error').textContent()).toContain('Emri i përdoruesit ose ERC-ja është e gabuar.');
    // The error sits right above the submit button and takes the focus, so it is in view.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('recovery-error');
    expect(await page.getByTestId('recovery-error').evaluate((banner) => banner.nextElementSibling?.getAttribute('data-testid'))).toBe('recovery-start');

    await page.locator('#recovery-erc').fill(digitalId.erc);
    await page.getByTestId('recovery-start').click();
    await page.getByTestId('recovery-done').waitFor();

    await page.getByTestId('recovery-back').click();
    await page.locator('#username').fill(digitalId.username);
    await page.locator('#password').fill(newPassword);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('user-menu').waitFor();

    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('lost info in the desktop window', () => {
  it('recovers the user names without a session through main', async () => {
    const { holder, digitalId } = await enrollHolder();
    const context = await browser.newContext();
    const { session } = await installDesktopBridge(context, service.url);
    const { page, problems } = await openLostInfo(context);
    expect(session.isSignedIn).toBe(false);

    await requestCode(page, holder.personalNumber, holder.email, 'username');
    await page.getByTestId('recovery-usernames').waitFor();
    expect(await page.getByTestId(`username-${digitalId.serial}`).textContent()).toBe(digitalId.username);

    expect(problems).toEqual([]);
    await context.close();
  });
});
