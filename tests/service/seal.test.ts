import Database from 'better-sqlite3';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { EidError } from '../../common/errors';
import { decodeSealCertificate } from '../../service/ca';
import { databaseFile } from '../../service/context';
import { run } from '../helpers/processes';
import { countRows, holderRequest, request, sealRequest, startTestService, uniqueBusinessNumber, uniquePersonalNumber, type TestService } from '../helpers/service';

let service: TestService;
let files: string;

beforeAll(async () => {
  service = await startTestService();
  files = path.join(service.dataDir, 'seal-verify');
  await mkdir(files, { recursive: true });
  for (const name of ['root', 'issuing']) {
    const der = Buffer.from(await (await fetch(`${service.url}/pki/${name}.crt`)).arrayBuffer());
    await writeFile(path.join(files, `${name}.der`), der);
    await run('openssl', ['x509', '-inform', 'DER', '-in', path.join(files, `${name}.der`), '-out', path.join(files, `${name}.pem`)]);
  }
});

afterAll(async () => {
  await service?.close();
});

const rowCounts = () => countRows(service.dataDir);

async function sealError(overrides: Parameters<TestService['enrollSeal']>[0]): Promise<EidError> {
  const error = await service.enrollSeal(overrides).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(EidError);
  return error as EidError;
}

const businessName = 'Ëndërr Çelik Čačak Ćirić Đakovica Šar Žužë SH.P.K.';

describe('digital seal certificate', () => {
  it('chains to the served CA and names the business in its subject', async () => {
    const businessNumber = uniqueBusinessNumber();
    const seal = await service.enrollSeal({ businessName, businessNumber });
    const file = path.join(files, `${seal.serial}.pem`);
    await writeFile(file, seal.certificatePem);

    const verified = await run('openssl', ['verify', '-CAfile', path.join(files, 'root.pem'), '-untrusted', path.join(files, 'issuing.pem'), file]);
    expect(verified.stdout.trim()).toBe(`${file}: OK`);

    // `oid` prints every attribute type as its dotted OID, so 2.5.4.97 is checked as a number.
    const subject = await run('openssl', ['x509', '-in', file, '-noout', '-subject', '-nameopt', 'utf8,sep_comma_plus_space,oid']);
    expect(subject.code).toBe(0);
    expect(subject.stdout).toContain(`2.5.4.97=NTRXK-${businessNumber}`);
    expect(Buffer.from(subject.stdout, 'utf8').includes(Buffer.from(`2.5.4.3=${businessName}`, 'utf8'))).toBe(true);
    expect(Buffer.from(subject.stdout, 'utf8').includes(Buffer.from(`2.5.4.10=${businessName}`, 'utf8'))).toBe(true);
    expect(subject.stdout).toContain('2.5.4.6=XK');
    expect(subject.stdout).not.toContain('PNOXK-');

    const text = await run('openssl', ['x509', '-in', file, '-noout', '-text']);
    expect(text.stdout).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Non Repudiation/);
    expect(text.stdout).toContain(`${service.url}/pki/crl`);
    expect(text.stdout).toContain(`${service.url}/pki/ocsp`);
    expect(text.stdout).toContain(`${service.url}/pki/issuing.crt`);

    const decoded = decodeSealCertificate(new Uint8Array(Buffer.from(seal.certificatePem.replace(/-----[^-]+-----|\s/g, ''), 'base64')));
    expect(decoded.organizationName).toBe(businessName);
    expect(decoded.businessNumber).toBe(businessNumber);
  });

  it('stores the business on the certificate row', async () => {
    const businessNumber = uniqueBusinessNumber();
    const seal = await service.enrollSeal({ businessName, businessNumber });
    const db = new Database(databaseFile(service.dataDir), { readonly: true });
    try {
      const row = db.prepare('SELECT kind, business_name, business_number FROM certificates WHERE serial_number = ?').get(seal.serial);
      expect(row).toEqual({ kind: 'digital-seal', business_name: businessName, business_number: businessNumber });
    } finally {
      db.close();
    }
  });
});

describe('digital seal enrollment', () => {
  it('adds seals to a digital ID holder', async () => {
    const holder = holderRequest();
    const digitalId = await service.enroll(holder);
    const { kind: _kind, ...personal } = holder;
    const first = await service.enrollSeal({ ...personal, businessName: 'Drita SH.P.K.' });
    const second = await service.enrollSeal({ ...personal, businessName: 'Agro Kosova L.L.C.' });

    expect(new Set([digitalId.username, first.username, second.username]).size).toBe(3);
    expect(new Set([digitalId.erc, first.erc, second.erc]).size).toBe(3);
    const db = new Database(databaseFile(service.dataDir), { readonly: true });
    try {
      const holders = db.prepare('SELECT DISTINCT holder_id FROM certificates WHERE serial_number IN (?, ?, ?)').all(digitalId.serial, first.serial, second.serial);
      expect(holders).toHaveLength(1);
    } finally {
      db.close();
    }
  });

  it('creates the holder from the personal data when none exists', async () => {
    const before = rowCounts();
    await service.enrollSeal({ personalNumber: uniquePersonalNumber() });
    const after = rowCounts();
    expect(after.holders).toBe(before.holders! + 1);
    expect(after.certificates).toBe(before.certificates! + 1);
  });

  it('rejects a second active seal for the same business number and writes nothing', async () => {
    const businessNumber = uniqueBusinessNumber();
    await service.enrollSeal({ businessNumber });
    const before = rowCounts();

    const error = await sealError({ businessNumber, businessName: 'Another name' });
    expect(error.code).toBe('DUPLICATE_DIGITAL_SEAL');
    expect(error.status).toBe(409);
    expect(rowCounts()).toEqual(before);
  });

  it('rejects personal data that differ from the registered holder', async () => {
    const holder = holderRequest();
    await service.enroll(holder);
    const { kind: _kind, ...personal } = holder;
    const before = rowCounts();

    const error = await sealError({ ...personal, surname: 'Krasniqi', email: 'other@example.org' });
    expect(error.code).toBe('HOLDER_DATA_MISMATCH');
    expect(error.fields?.map((field) => field.path)).toEqual(['surname', 'email']);
    expect(rowCounts()).toEqual(before);
  });

  it.each([
    ['an 8-digit business number', { businessNumber: '81234567' }, 'INVALID_BUSINESS_NUMBER'],
    ['a business number with letters', { businessNumber: '81234567A' }, 'INVALID_BUSINESS_NUMBER'],
    ['an empty business name', { businessName: '   ' }, 'VALIDATION_FAILED'],
    ['a business name of 65 characters', { businessName: 'Ë'.repeat(65) }, 'VALIDATION_FAILED'],
    ['a malformed personal number', { personalNumber: '12345' }, 'INVALID_PERSONAL_NUMBER'],
  ])('rejects %s and writes nothing', async (_label, overrides, code) => {
    const before = rowCounts();
    const error = await sealError(overrides);
    expect(error.code).toBe(code);
    expect(rowCounts()).toEqual(before);
  });
});

describe('profile of a seal account', () => {
  it('shows the business and the holder', async () => {
    const businessNumber = uniqueBusinessNumber();
    const requestBody = sealRequest({ businessName, businessNumber });
    const seal = await service.enrollSeal(requestBody);

    const signIn = await request(service, 'POST', '/api/v1/sessions', { body: { username: seal.username, password: seal.password, client: 'desktop' } });
    expect(signIn.status).toBe(201);
    expect(signIn.body.session.certificateKind).toBe('digital-seal');

    const profile = await request(service, 'GET', '/api/v1/me', { token: signIn.body.token });
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({
      certificateKind: 'digital-seal',
      commonName: businessName,
      businessName,
      businessNumber,
      subjectSerialNumber: `NTRXK-${businessNumber}`,
      givenName: requestBody.givenName,
      surname: requestBody.surname,
      personalNumber: requestBody.personalNumber,
      country: 'XK',
    });
    expect(profile.body.certificate.subject).toContain(`O=${businessName}`);
  });

  it('keeps the business fields null for a digital ID', async () => {
    const holder = await service.enroll();
    const signIn = await request(service, 'POST', '/api/v1/sessions', { body: { username: holder.username, password: holder.password, client: 'desktop' } });
    const profile = await request(service, 'GET', '/api/v1/me', { token: signIn.body.token });
    expect(profile.body.businessName).toBeNull();
    expect(profile.body.businessNumber).toBeNull();
  });
});

describe('eid-service enroll --kind digital-seal', () => {
  const cli = (args: string[]) => run('npx', ['--no-install', 'eid-service', ...args]);
  const sealArgs = (businessNumber: string) => [
    '--kind', 'digital-seal',
    '--business-name', businessName,
    '--business-number', businessNumber,
    '--personal-number', uniquePersonalNumber(),
    '--given-name', 'Arbër',
    '--surname', 'Đurđević',
    '--email', 'arber@example.org',
    '--phone', '+38344111222',
  ];

  it('prints one JSON object with the certificate information', async () => {
    const businessNumber = uniqueBusinessNumber();
    const enrolled = await cli(['enroll', '--data', service.dataDir, ...sealArgs(businessNumber), '--json']);
    expect(enrolled.stderr).toBe('');
    expect(enrolled.code).toBe(0);
    const result = JSON.parse(enrolled.stdout) as Record<string, string>;
    for (const field of ['username', 'password', 'erc', 'pin', 'puk', 'serial', 'certificatePem']) expect(result[field]).toBeTruthy();

    const file = path.join(files, 'cli-seal.pem');
    await writeFile(file, result.certificatePem!);
    const subject = await run('openssl', ['x509', '-in', file, '-noout', '-subject', '-nameopt', 'utf8,sep_comma_plus_space,oid']);
    expect(subject.stdout).toContain(`2.5.4.97=NTRXK-${businessNumber}`);
  });

  it('reports a duplicate business number with its code and exit status 1', async () => {
    const businessNumber = uniqueBusinessNumber();
    expect((await cli(['enroll', '--data', service.dataDir, ...sealArgs(businessNumber), '--json'])).code).toBe(0);
    const second = await cli(['enroll', '--data', service.dataDir, ...sealArgs(businessNumber), '--json']);
    expect(second.code).toBe(1);
    expect(second.stdout).toBe('');
    expect(second.stderr).toContain('DUPLICATE_DIGITAL_SEAL');
  });

  it('rejects business options for a digital ID as wrong usage', async () => {
    const result = await cli(['enroll', '--data', service.dataDir, '--kind', 'digital-id', '--business-number', '812345678']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--kind digital-seal only');
  });
});
