import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signCrl, crlToPem } from '../../service/ca/crl';
import { ocspResponderFileNames, ocspResponderRenewBeforeDays, ocspResponderValidityDays } from '../../service/ca/ocsp-responder';
import { openStatusSigningAuthority } from '../../service/ca/status-authority';
import * as x509 from '../../service/ca/x509';
import { crlRefreshBeforeHours, crlValidityHours, statusServiceFor } from '../../service/status/status-service';
import { fetchBytes, revokeThroughApi, signInToken, writePkiFiles } from '../helpers/certificate-status';
import { run } from '../helpers/processes';
import { startTestService, type TestService } from '../helpers/service';

const hourMs = 60 * 60 * 1000;
let clock = Date.now();
let service: TestService;

beforeAll(async () => {
  service = await startTestService({ now: () => new Date(clock) });
});

afterAll(async () => {
  await service?.close();
});

async function crlText(dir: string, chain: string, name: string): Promise<{ code: number; text: string; der: Uint8Array<ArrayBuffer> }> {
  const der = await fetchBytes(service, '/pki/crl');
  const file = path.join(dir, name);
  await writeFile(file, der);
  const result = await run('openssl', ['crl', '-inform', 'DER', '-in', file, '-CAfile', chain, '-noout', '-text']);
  return { code: result.code, text: result.stdout + result.stderr, der };
}

function crlNumberOf(text: string): number {
  return Number(/X509v3 CRL Number:\s*\n\s*(\d+)/.exec(text)?.[1]);
}

describe('CRL', () => {
  it('is signed by the issuing CA, with CRL number and nextUpdate', async () => {
    const holder = await service.enroll();
    const files = await writePkiFiles(service, holder.certificatePem);
    const { code, text } = await crlText(files.dir, files.chain, 'first.crl');
    expect(code).toBe(0);
    expect(text).toContain('verify OK');
    expect(text).toContain('Issuer: C = XK, O = eID Self-Service, CN = Kosovo eID Demo Issuing CA');
    expect(text).toMatch(/Next Update: \w{3} +\d+ \d\d:\d\d:\d\d \d{4} GMT/);
    expect(crlNumberOf(text)).toBeGreaterThan(0);
    expect(text).toContain('No Revoked Certificates');
  });

  it('lists a revoked certificate and makes openssl verify -crl_check reject it', async () => {
    const holder = await service.enroll();
    const files = await writePkiFiles(service, holder.certificatePem);
    const before = await crlText(files.dir, files.chain, 'before.crl');
    const crlPem = path.join(files.dir, 'crl.pem');
    await writeFile(crlPem, crlToPem(before.der));
    const verifyArgs = ['verify', '-crl_check', '-CRLfile', crlPem, '-CAfile', files.root, '-untrusted', files.issuing, files.holder];
    const accepted = await run('openssl', verifyArgs);
    expect(accepted.stdout).toContain(': OK');

    const token = await signInToken(service, holder);
    expect((await revokeThroughApi(service, token, holder.erc, 'superseded')).status).toBe(200);

    const after = await crlText(files.dir, files.chain, 'after.crl');
    expect(after.code).toBe(0);
    expect(after.text).toContain('verify OK');
    expect(after.text).toContain(`Serial Number: ${holder.serial.toUpperCase()}`);
    expect(after.text).toContain('Superseded');
    expect(crlNumberOf(after.text)).toBeGreaterThan(crlNumberOf(before.text));

    await writeFile(crlPem, crlToPem(after.der));
    const rejected = await run('openssl', verifyArgs);
    expect(rejected.code).not.toBe(0);
    expect(rejected.stdout + rejected.stderr).toContain('certificate revoked');
  });

  it('is published again before nextUpdate', async () => {
    const files = await writePkiFiles(service, (await service.enroll()).certificatePem);
    const before = await crlText(files.dir, files.chain, 'scheduled-before.crl');

    // The refresh the service's timer runs, through a second context on the same data folder.
    clock += (crlValidityHours - crlRefreshBeforeHours + 1) * hourMs;
    const context = await service.openContext();
    try {
      await statusServiceFor(context).refresh();
    } finally {
      await context.store.close();
    }

    const after = await crlText(files.dir, files.chain, 'scheduled-after.crl');
    expect(after.text).toContain('verify OK');
    expect(crlNumberOf(after.text)).toBe(crlNumberOf(before.text) + 1);
    const nextUpdate = new x509.X509Crl(after.der).nextUpdate!;
    expect(nextUpdate.getTime()).toBe(Math.floor(clock / 1000) * 1000 + crlValidityHours * hourMs);
  });

  it('encodes entries with and without a reason code', async () => {
    const context = await service.openContext();
    await context.store.close();
    const authority = await openStatusSigningAuthority({ dir: path.join(service.dataDir, 'ca'), keyPassphrase: context.secrets.caKeyPassphrase });
    const entries = [
      { serialNumberHex: '7f01', revokedAt: new Date('2026-01-02T03:04:05Z'), reasonCode: 0 },
      { serialNumberHex: '80', revokedAt: new Date('2026-01-02T03:04:06Z'), reasonCode: 5 },
      { serialNumberHex: '0123456789abcdef0123456789abcdef', revokedAt: new Date('2051-01-01T00:00:00Z'), reasonCode: 1 },
    ];
    const der = await signCrl({ ...authority, signingKey: authority.issuingKey, crlNumber: 300n, thisUpdate: new Date('2026-01-03T00:00:00Z'), nextUpdate: new Date('2026-01-04T00:00:00Z'), entries });

    const crl = new x509.X509Crl(der);
    expect(await crl.verify({ publicKey: authority.issuingCertificate.publicKey }, authority.crypto)).toBe(true);
    expect(crl.entries.map((entry) => [entry.serialNumber.toLowerCase(), entry.revocationDate.toISOString(), entry.reason])).toEqual([
      ['7f01', '2026-01-02T03:04:05.000Z', undefined],
      ['80', '2026-01-02T03:04:06.000Z', x509.X509CrlReason.cessationOfOperation],
      ['0123456789abcdef0123456789abcdef', '2051-01-01T00:00:00.000Z', x509.X509CrlReason.keyCompromise],
    ]);
  });

  it('renews the OCSP responder certificate before it expires', async () => {
    const file = path.join(service.dataDir, 'ca', ocspResponderFileNames.certificate);
    const before = new x509.X509Certificate(await readFile(file, 'utf8'));

    clock = before.notAfter.getTime() - (ocspResponderRenewBeforeDays - 1) * 24 * hourMs;
    const context = await service.openContext();
    try {
      await statusServiceFor(context).refresh();
    } finally {
      await context.store.close();
    }

    const after = new x509.X509Certificate(await readFile(file, 'utf8'));
    expect(after.serialNumber).not.toBe(before.serialNumber);
    expect(after.notAfter.getTime()).toBe(Math.floor(clock / 1000) * 1000 + ocspResponderValidityDays * 24 * hourMs);
  });
});
