import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { checkContractSignature } from '../../service/contracts/verify';
import { run } from '../helpers/processes';
import { holderRequest, request, startTestService, type TestService } from '../helpers/service';

let service: TestService;
let workDir: string;
let nssDir: string;

const accentedNames = { givenName: 'Arbëreshë Çiçek', surname: 'Čolić-Đurić Šaž' };

beforeAll(async () => {
  service = await startTestService();
  workDir = await mkdtemp(path.join(os.tmpdir(), 'eid-contracts-'));

  // pdfsig trusts only roots in an NSS database, so the test builds one with the service's root.
  const context = await service.openContext();
  const rootPem = path.join(workDir, 'root.pem');
  await writeFile(rootPem, context.ca.rootCertificatePem);
  await context.store.close();
  nssDir = `sql:${path.join(workDir, 'nss')}`;
  expect((await run('mkdir', ['-p', path.join(workDir, 'nss')])).code).toBe(0);
  expect((await run('certutil', ['-N', '-d', nssDir, '--empty-password'])).code).toBe(0);
  expect((await run('certutil', ['-A', '-d', nssDir, '-n', 'root', '-t', 'CT,C,C', '-i', rootPem])).code).toBe(0);
});

afterAll(async () => {
  await service?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function signIn(holder: { username: string; password: string }): Promise<string> {
  const response = await request(service, 'POST', '/api/v1/sessions', { body: { username: holder.username, password: holder.password, client: 'desktop' } });
  expect(response.status).toBe(201);
  return response.body.token as string;
}

async function downloadPdf(token: string, id: number): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
  const response = await fetch(`${service.url}/api/v1/contracts/${id}/pdf`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()), headers: response.headers };
}

async function enrollWithContract(overrides: Record<string, string> = {}) {
  const holder = await service.enroll(overrides);
  const token = await signIn(holder);
  const list = await request(service, 'GET', '/api/v1/contracts', { token });
  expect(list.status).toBe(200);
  expect(list.body.contracts).toHaveLength(1);
  return { holder, token, contract: list.body.contracts[0] };
}

async function storedContract(id: number): Promise<{ pdf: Buffer; sha256: string; certificate_id: number }> {
  const context = await service.openContext();
  try {
    return context.store.database.prepare('SELECT pdf, sha256, certificate_id FROM contracts WHERE id = ?').get(id) as { pdf: Buffer; sha256: string; certificate_id: number };
  } finally {
    await context.store.close();
  }
}

async function updateDatabase(sql: string, ...values: unknown[]): Promise<void> {
  const context = await service.openContext();
  try {
    context.store.database.prepare(sql).run(...values);
  } finally {
    await context.store.close();
  }
}

async function writeTemp(name: string, bytes: Uint8Array): Promise<string> {
  const file = path.join(workDir, name);
  await writeFile(file, bytes);
  return file;
}

/** Splits a signed PDF into the bytes its signature covers and the DER CMS in /Contents. */
function signatureParts(pdf: Buffer): { signedContent: Buffer; cms: Buffer } {
  const match = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(pdf.toString('latin1'));
  expect(match).not.toBeNull();
  const [a, b, c, d] = match!.slice(1).map(Number) as [number, number, number, number];
  const signedContent = Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]);
  const hex = pdf.subarray(b + 1, c - 1).toString('latin1');
  return { signedContent, cms: Buffer.from(hex.replace(/(00)+$/, ''), 'hex') };
}

/** Builds a file whose /ByteRange frames `contents` exactly, as in a signed PDF, where `contents` is no CMS. */
function fakeSignedFile(contents: string): Buffer {
  const tail = '0123456789';
  const header = (first: number, second: number) => `%PDF-1.7\n/ByteRange [0 ${first} ${second} ${tail.length}] `;
  // Two-digit offsets keep the header's length the same once the real offsets are filled in.
  const start = header(10, 10).length;
  return Buffer.from(header(start, start + contents.length) + contents + tail, 'latin1');
}

describe('contract at enrollment', () => {
  it('is stored with its SHA-256 and served byte for byte', async () => {
    const { holder, token, contract } = await enrollWithContract();
    expect(contract.language).toBe('sq');
    expect(contract.certificateKind).toBe('digital-id');
    expect(contract.certificateSerialNumber).toBe(holder.serial);

    const stored = await storedContract(contract.id);
    const served = await downloadPdf(token, contract.id);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('application/pdf');
    expect(served.headers.get('content-disposition')).toContain(contract.fileName);
    expect(served.bytes.equals(stored.pdf)).toBe(true);
    expect(createHash('sha256').update(served.bytes).digest('hex')).toBe(stored.sha256);
    expect(contract.sha256).toBe(stored.sha256);
    expect(contract.sizeBytes).toBe(stored.pdf.length);
  });

  it('has three pages with embedded fonts and the accented names', async () => {
    const { token, contract } = await enrollWithContract(accentedNames);
    const file = await writeTemp(`names-${contract.id}.pdf`, (await downloadPdf(token, contract.id)).bytes);

    const info = await run('pdfinfo', [file]);
    expect(info.stdout).toMatch(/^Pages:\s+3$/m);

    const fonts = await run('pdffonts', [file]);
    const fontRows = fonts.stdout.split('\n').slice(2).filter((line) => line.trim() !== '');
    expect(fontRows.length).toBeGreaterThan(0);
    for (const row of fontRows) expect(row).toMatch(/Identity-H\s+yes/);

    const text = await run('pdftotext', ['-enc', 'UTF-8', file, '-']);
    expect(text.stdout).toContain(accentedNames.givenName);
    expect(text.stdout).toContain(accentedNames.surname);
    expect(text.stdout).toContain(`Nënshkruar nga: ${accentedNames.givenName} ${accentedNames.surname}`);

    const pngPrefix = path.join(workDir, `names-${contract.id}`);
    expect((await run('pdftoppm', ['-png', '-r', '60', file, pngPrefix])).code).toBe(0);
    const pages = (await readdir(workDir)).filter((name) => name.startsWith(`names-${contract.id}-`) && name.endsWith('.png'));
    expect(pages).toHaveLength(3);
  });

  it.each([
    { language: 'sr-Latn', title: 'Ugovor o korišćenju kvalifikovanog sertifikata', signedBy: 'Potpisao/la:' },
    { language: 'en', title: 'Contract on the use of a qualified certificate', signedBy: 'Signed by:' },
  ])('is written in the holder language $language', async ({ language, title, signedBy }) => {
    const { token, contract } = await enrollWithContract({ ...accentedNames, language });
    expect(contract.language).toBe(language);
    const file = await writeTemp(`language-${contract.id}.pdf`, (await downloadPdf(token, contract.id)).bytes);

    const text = await run('pdftotext', ['-enc', 'UTF-8', file, '-']);
    expect(text.stdout).toContain(title);
    expect(text.stdout).toContain(`${signedBy} ${accentedNames.givenName}`);
    expect(text.stdout).not.toContain('Nënshkruar nga:');

    const check = await request(service, 'GET', `/api/v1/contracts/${contract.id}/verification`, { token });
    expect(check.body.verdict).toBe('valid');
  });

  it('is accepted by pdfsig with the holder as signer', async () => {
    const { token, contract } = await enrollWithContract(accentedNames);
    const file = await writeTemp(`pdfsig-${contract.id}.pdf`, (await downloadPdf(token, contract.id)).bytes);

    const result = await run('pdfsig', ['-nssdir', nssDir, file]);
    expect(result.stdout).toContain('Signature is Valid.');
    expect(result.stdout).toContain(`Signer Certificate Common Name: ${accentedNames.givenName} ${accentedNames.surname}`);
    expect(result.stdout).toContain('Signature Type: ETSI.CAdES.detached');
    expect(result.stdout).toContain('Signing Hash Algorithm: SHA-256');
    expect(result.stdout).toContain('Total document signed');
    // poppler queries the OCSP responder named in the certificate, which is this service.
    expect(result.stdout).toContain('Certificate is Trusted.');
  });

  it('carries signing-certificate-v2 and no signingTime, and openssl verifies it', async () => {
    const { token, contract } = await enrollWithContract();
    const { signedContent, cms } = signatureParts((await downloadPdf(token, contract.id)).bytes);
    const cmsFile = await writeTemp(`cms-${contract.id}.der`, cms);
    const contentFile = await writeTemp(`content-${contract.id}.bin`, signedContent);

    const printed = await run('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', cmsFile]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toMatch(/id-smime-aa-signingCertificateV2|1\.2\.840\.113549\.1\.9\.16\.2\.47/);
    expect(printed.stdout).toContain('messageDigest');
    expect(printed.stdout).not.toContain('signingTime');
    expect(printed.stdout).toContain('ecdsa-with-SHA256');

    const verified = await run('openssl', [
      'cms', '-verify', '-binary', '-inform', 'DER', '-in', cmsFile, '-content', contentFile,
      '-CAfile', path.join(workDir, 'root.pem'), '-purpose', 'any', '-out', '/dev/null',
    ]);
    expect(verified.stderr).toContain('Verification successful');
  });
});

describe('contract check', () => {
  it('reports valid with the signer, serial and claimed time', async () => {
    const { holder, token, contract } = await enrollWithContract(accentedNames);
    const check = await request(service, 'GET', `/api/v1/contracts/${contract.id}/verification`, { token });
    expect(check.status).toBe(200);
    expect(check.body.verdict).toBe('valid');
    expect(check.body.reason).toBeNull();
    expect(check.body.signer).toBe(`${accentedNames.givenName} ${accentedNames.surname}`);
    expect(check.body.serial).toBe(holder.serial);
    expect(check.body.signingTimeSource).toBe('claimed');
    expect(Math.abs(Date.parse(check.body.signingTime) - Date.parse(contract.signedAt))).toBeLessThan(5_000);
    expect(check.body.checks).toEqual({ integrity: 'passed', signature: 'passed', chain: 'passed', revocationAtSigning: 'passed', revocationNow: 'passed' });
    expect(check.body.rootCertificateUrl).toBe('/pki/root.crt');
  });

  it('reports a one-byte change in the signed range as invalid, like pdfsig', async () => {
    const { token, contract } = await enrollWithContract();
    const original = (await downloadPdf(token, contract.id)).bytes;
    const tampered = Buffer.from(original);
    // Byte 10 is in the binary comment after %PDF-1.7, inside the first signed range, so the
    // file stays readable and only the digest changes.
    tampered[10] = tampered[10]! ^ 0x01;

    const file = await writeTemp(`tampered-${contract.id}.pdf`, tampered);
    const pdfsig = await run('pdfsig', ['-nssdir', nssDir, file]);
    expect(pdfsig.stdout).not.toContain('Signature is Valid.');
    expect(pdfsig.stdout).toMatch(/Digest Mismatch|Signature is Invalid/);

    await updateDatabase('UPDATE contracts SET pdf = ? WHERE id = ?', tampered, contract.id);
    const check = await request(service, 'GET', `/api/v1/contracts/${contract.id}/verification`, { token });
    expect(check.status).toBe(200);
    expect(check.body.verdict).toBe('invalid');
    expect(check.body.reason).toBe('content-modified');
    expect(check.body.checks.integrity).toBe('failed');
  });

  it('reports a change outside the signed range as a changed stored copy', async () => {
    const { token, contract } = await enrollWithContract();
    const stored = await storedContract(contract.id);
    const altered = Buffer.from(stored.pdf);
    // The last byte of the /Contents hex string is zero padding after the CMS. No signature
    // covers it, so only the stored SHA-256 detects the change.
    const contentsEnd = altered.indexOf('>', altered.indexOf('/Contents <')) - 1;
    altered[contentsEnd] = '1'.charCodeAt(0);
    await updateDatabase('UPDATE contracts SET pdf = ? WHERE id = ?', altered, contract.id);

    const check = await request(service, 'GET', `/api/v1/contracts/${contract.id}/verification`, { token });
    expect(check.body.verdict).toBe('invalid');
    expect(check.body.reason).toBe('stored-copy-altered');
  });

  it('reports a corrupted stored PDF as invalid without failing', async () => {
    const { token, contract } = await enrollWithContract();
    for (const [bytes, reason] of [
      [Buffer.from('not a PDF at all'), 'not-signed'],
      [(await storedContract(contract.id)).pdf.subarray(0, 20_000), 'content-modified'],
      [fakeSignedFile('<3082zz>'), 'malformed-signature'],
      [fakeSignedFile(`<${'30'.repeat(6)}>`), 'malformed-signature'],
    ] as const) {
      await updateDatabase('UPDATE contracts SET pdf = ? WHERE id = ?', bytes, contract.id);
      const check = await request(service, 'GET', `/api/v1/contracts/${contract.id}/verification`, { token });
      expect(check.status).toBe(200);
      expect(check.body.verdict).toBe('invalid');
      expect(check.body.reason).toBe(reason);

      const served = await downloadPdf(token, contract.id);
      expect(served.bytes.equals(bytes)).toBe(true);
    }
  });

  it('judges revocation against the signing time', async () => {
    const { token, contract } = await enrollWithContract();
    const stored = await storedContract(contract.id);
    const signedAt = Date.parse(contract.signedAt);

    const after = new Date(signedAt + 60_000).toISOString();
    await updateDatabase("UPDATE certificates SET status = 'revoked', revoked_at = ? WHERE id = ?", after, stored.certificate_id);
    let check = await request(service, 'GET', `/api/v1/contracts/${contract.id}/verification`, { token });
    expect(check.body.verdict).toBe('valid');
    expect(check.body.revokedAt).toBe(after);
    expect(check.body.checks.revocationAtSigning).toBe('passed');
    expect(check.body.checks.revocationNow).toBe('failed');

    const before = new Date(signedAt - 60_000).toISOString();
    await updateDatabase('UPDATE certificates SET revoked_at = ? WHERE id = ?', before, stored.certificate_id);
    check = await request(service, 'GET', `/api/v1/contracts/${contract.id}/verification`, { token });
    expect(check.body.verdict).toBe('invalid');
    expect(check.body.reason).toBe('revoked-before-signing');
  });

  it('reports unknown with a fix when the root is not trusted', async () => {
    const { contract } = await enrollWithContract();
    const stored = await storedContract(contract.id);
    const result = await checkContractSignature({
      pdf: stored.pdf,
      storedSha256: stored.sha256,
      storedSignedAt: contract.signedAt,
      trustedRootsDer: [],
      certificateStatus: async () => ({ status: 'active', revokedAt: null }),
    });
    expect(result.verdict).toBe('unknown');
    expect(result.reason).toBe('root-not-trusted');
    expect(result.fix).toBe('install-root');
    expect(result.checks.integrity).toBe('passed');
    expect(result.checks.signature).toBe('passed');
  });
});

describe('contract access', () => {
  it("answers 404 for another holder's contract id", async () => {
    const first = await enrollWithContract();
    const second = await enrollWithContract();

    for (const suffix of ['pdf', 'verification']) {
      const response = await request(service, 'GET', `/api/v1/contracts/${first.contract.id}/${suffix}`, { token: second.token });
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('NOT_FOUND');
    }
    const list = await request(service, 'GET', '/api/v1/contracts', { token: second.token });
    expect(list.body.contracts.map((contract: { id: number }) => contract.id)).toEqual([second.contract.id]);
  });

  it('rejects a malformed id and a missing session', async () => {
    const { token, contract } = await enrollWithContract();
    const malformed = await request(service, 'GET', '/api/v1/contracts/abc/pdf', { token });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('VALIDATION_FAILED');

    const anonymous = await request(service, 'GET', `/api/v1/contracts/${contract.id}/pdf`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');
  });
});

describe('digital seal contract', () => {
  it('names the business and is signed with the seal certificate', async () => {
    const seal = await service.enrollSeal({ businessName: 'Ëndërr Çeliku SH.P.K.' });
    const token = await signIn(seal);
    const list = await request(service, 'GET', '/api/v1/contracts', { token });
    expect(list.body.contracts).toHaveLength(1);
    const contract = list.body.contracts[0];
    expect(contract.certificateKind).toBe('digital-seal');
    expect(contract.certificateSerialNumber).toBe(seal.serial);

    const file = await writeTemp(`seal-${contract.id}.pdf`, (await downloadPdf(token, contract.id)).bytes);
    const text = await run('pdftotext', ['-enc', 'UTF-8', file, '-']);
    expect(text.stdout).toContain('Ëndërr Çeliku SH.P.K.');
    expect(text.stdout).toContain('Vulë digjitale');

    const check = await request(service, 'GET', `/api/v1/contracts/${contract.id}/verification`, { token });
    expect(check.body.verdict).toBe('valid');
    expect(check.body.serial).toBe(seal.serial);
  });

  it('writes a seal contract in the stored holder language', async () => {
    const holder = holderRequest({ language: 'en' });
    await service.enroll(holder);
    const { language: _language, kind: _kind, ...sameHolder } = holder;
    const seal = await service.enrollSeal({ ...sameHolder, businessName: 'Dritë Shpk' });
    const token = await signIn(seal);
    const contract = (await request(service, 'GET', '/api/v1/contracts', { token })).body.contracts[0];
    expect(contract.language).toBe('en');

    const file = await writeTemp(`seal-en-${contract.id}.pdf`, (await downloadPdf(token, contract.id)).bytes);
    const text = await run('pdftotext', ['-enc', 'UTF-8', file, '-']);
    expect(text.stdout).toContain('Contract on the use of a qualified certificate');
    expect(text.stdout).toContain('Dritë Shpk');
    expect(text.stdout).toContain('Digital seal:');
  });
});
