import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchChromium } from '../helpers/browser';
import { repositoryRoot, run } from '../helpers/processes';
import { request, startTestService, type TestService } from '../helpers/service';
import { createDeviceKey } from '../helpers/wallet';
import { SmsSink } from '../peers/sms-sink';

const portalDir = process.env.EID_PORTAL_DIR ?? path.join(repositoryRoot, 'dist/renderer');
type IdentityTexts = { identity: { status: Record<string, string>; revoke: Record<string, string> }; errors: Record<string, string> };
const identityTexts = (language: string) =>
  JSON.parse(readFileSync(path.join(repositoryRoot, `renderer/src/locales/identity/${language}.json`), 'utf8')) as IdentityTexts;
const albanian = identityTexts('sq');
const english = identityTexts('en');
const albanianWallet = JSON.parse(readFileSync(path.join(repositoryRoot, 'renderer/src/locales/wallet/sq.json'), 'utf8')) as { wallet: { revoked: string } };

const holderNames = { givenName: 'Ëlira Çiçek', surname: 'Čolić-Đukić Šaž' };

let service: TestService;
let browser: Browser;
let sms: SmsSink;

beforeAll(async () => {
  sms = new SmsSink();
  service = await startTestService({ portalDir, smsUrl: await sms.start() });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await service?.close();
  await sms?.stop();
});

async function signInToIdentity(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${service.url}/#/identity`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('identity-certificate').waitFor();
}

async function openDownloadMenu(page: Page): Promise<void> {
  const menu = page.getByTestId('download-menu');
  if ((await menu.getAttribute('open')) === null) await menu.locator('summary').click();
}

async function download(page: Page, testId: string, dir: string): Promise<{ file: string; name: string }> {
  const [event] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const file = path.join(dir, event.suggestedFilename());
  await event.saveAs(file);
  return { file, name: event.suggestedFilename() };
}

describe('identity management in the browser portal', () => {
  it('downloads every format, then revokes with confirmation', async () => {
    const holder = await service.enroll(holderNames);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'eid-identity-e2e-'));
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const problems: string[] = [];
    // Chromium logs every 4xx response (the signed-out start, the wrong ERC) as a console error.
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));

    await signInToIdentity(page, holder.username, holder.password);
    expect(await page.getByTestId('identity-serial').textContent()).toBe(holder.serial);
    expect(await page.getByTestId('identity-status').textContent()).toContain(albanian.identity.status.active);
    expect(await page.getByTestId('identity-issuer').textContent()).toContain('Kosovo eID Demo Issuing CA');

    const fullName = `${holderNames.givenName} ${holderNames.surname}`;
    await openDownloadMenu(page);
    const pem = await download(page, 'download-pem', dir);
    expect(pem.name).toBe(`${fullName}.pem`);
    const pemText = await run('openssl', ['x509', '-in', pem.file, '-noout', '-serial']);
    expect(pemText.stdout.trim()).toBe(`serial=${holder.serial.toUpperCase()}`);

    const der = await download(page, 'download-der', dir);
    expect(der.name).toBe(`${fullName}.cer`);
    const derText = await run('openssl', ['x509', '-inform', 'DER', '-in', der.file, '-noout', '-serial']);
    expect(derText.stdout.trim()).toBe(`serial=${holder.serial.toUpperCase()}`);

    const chain = await download(page, 'download-chain-pem', dir);
    expect(chain.name).toBe(`${fullName} (chain).pem`);
    const chainBundle = path.join(dir, 'chain-bundle.p7b');
    expect((await run('openssl', ['crl2pkcs7', '-nocrl', '-certfile', chain.file, '-out', chainBundle])).code).toBe(0);
    const chainCertificates = await run('openssl', ['pkcs7', '-in', chainBundle, '-print_certs', '-noout']);
    expect(chainCertificates.stdout.match(/subject=/g)).toHaveLength(3);

    const p7b = await download(page, 'download-p7b', dir);
    expect(p7b.name).toBe(`${fullName}.p7b`);
    const p7bText = await run('openssl', ['pkcs7', '-inform', 'DER', '-in', p7b.file, '-print_certs', '-noout']);
    expect(p7bText.code, p7bText.stderr).toBe(0);
    expect(p7bText.stdout).toContain('CN = Kosovo eID Demo Root CA');
    expect(p7bText.stdout).toContain('CN = Kosovo eID Demo Issuing CA');
    expect(p7bText.stdout.match(/subject=/g)).toHaveLength(3);

    // The page requires a reason, and the word of its own language. Another language's word revokes nothing.
    await page.getByTestId('revoke-submit').click();
    await expect.poll(() => page.locator('#revoke-reason-error').textContent()).toBe(albanian.identity.revoke.reasonRequired);
    await page.getByTestId('revoke-reason-keyCompromise').check();
    expect(await page.locator('#revoke-reason-error').textContent()).toBe('');
    await page.getByTestId('revoke-erc').fill(holder.erc);
    await page.getByTestId('revoke-confirmation').fill('REVOKE');
    await page.getByTestId('revoke-submit').click();
    await expect.poll(() => page.locator('#revoke-confirmation-error').textContent()).toBe(albanian.errors.REVOCATION_NOT_CONFIRMED);
    expect(await page.getByTestId('identity-status').textContent()).toContain(albanian.identity.status.active);

    // A wrong ERC is shown at its field and revokes nothing.
    await page.getByTestId('revoke-erc').fill('AAAA-BBBB-CCCC-DDDD');
    await page.getByTestId('revoke-confirmation').fill('REVOKO');
    await page.getByTestId('revoke-submit').click();
    await expect.poll(() => page.locator('#revoke-erc-error').textContent()).toBe(albanian.errors.WRONG_ERC);
    expect(await page.getByTestId('identity-status').textContent()).toContain(albanian.identity.status.active);

    // The field error follows a change of language, then the page goes back to Albanian.
    await page.getByTestId('language').selectOption('en');
    await expect.poll(() => page.locator('#revoke-erc-error').textContent()).toBe(english.errors.WRONG_ERC);
    await page.getByTestId('language').selectOption('sq');

    await page.getByTestId('revoke-erc').fill(holder.erc);
    await page.getByTestId('revoke-submit').click();
    await page.getByTestId('identity-revoked').waitFor();
    await page.getByTestId('revoke-success').waitFor();
    expect(await page.getByTestId('identity-status').textContent()).toContain(albanian.identity.status.revoked);
    expect(await page.getByTestId('danger-zone').count()).toBe(0);
    // Without a reload, the wallet card no longer offers to connect a wallet.
    await page.getByTestId('wallet-revoked').waitFor();
    expect(await page.getByTestId('wallet-revoked').textContent()).toBe(albanianWallet.wallet.revoked);
    expect(await page.getByTestId('wallet-start').count()).toBe(0);

    const receipt = await download(page, 'download-receipt', dir);
    // The file name follows the page's language, not the service's English Content-Disposition name.
    expect(receipt.name).toBe(`${fullName} - dëftesa e revokimit.pdf`);
    const receiptText = await run('pdftotext', ['-enc', 'UTF-8', receipt.file, '-']);
    expect(receiptText.stdout).toContain(fullName);
    expect(receiptText.stdout).toContain(holder.serial);

    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('wallet card', () => {
  it('shows the connected wallet without a reload', async () => {
    const phone = `+38349${String(process.pid % 1000).padStart(3, '0')}777`;
    const holder = await service.enroll({ ...holderNames, phoneNumber: phone });
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInToIdentity(page, holder.username, holder.password);

    const device = page.getByTestId('wallet-device');
    const noDeviceText = (await device.textContent()) ?? '';
    await page.getByTestId('wallet-start').click();
    await page.getByTestId('wallet-understood').check();
    await page.getByTestId('wallet-continue').click();
    const activationId = ((await page.getByTestId('wallet-activation-id').textContent()) ?? '').trim();
    const code = /\b(\d{6,8})\b/.exec(sms.latest(phone)?.text ?? '')?.[1];
    expect(code).toBeDefined();

    // What `eid-wallet activate` sends from the phone; the page is not touched afterwards.
    const completed = await request(service, 'POST', `/wallet/v1/activations/${activationId}`, {
      body: { code, phoneNumber: phone, devicePublicKey: createDeviceKey().publicKeyPem },
    });
    expect(completed.status).toBe(200);

    await expect.poll(() => device.textContent(), { timeout: 15_000 }).not.toBe(noDeviceText);
    await expect.poll(() => page.getByTestId('wallet-activation').count()).toBe(0);
    await context.close();
  });
});
