import Database from 'better-sqlite3';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { checkPin } from '../../common/domain';
import { EidError } from '../../common/errors';
import { databaseFile } from '../../service/context';
import { countRows, holderRequest, startTestService, type TestService } from '../helpers/service';
import { run } from '../helpers/processes';

let service: TestService;

beforeAll(async () => {
  service = await startTestService();
});

afterAll(async () => {
  await service?.close();
});

const rowCounts = () => countRows(service.dataDir);

async function enrollmentError(overrides: Parameters<TestService['enroll']>[0]): Promise<EidError> {
  const error = await service.enroll(overrides).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(EidError);
  return error as EidError;
}

describe('enrollment', () => {
  it('hands out the certificate information once', async () => {
    const result = await service.enroll({ pin: '482913' });

    expect(result.username).toMatch(/^arber\.celajdukic\.\d{4}$/);
    expect(result.password).toHaveLength(16);
    expect(result.erc).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(result.pin).toBe('482913');
    expect(result.puk).toMatch(/^\d{8}$/);
    expect(result.serial).toMatch(/^[0-9a-f]{16,40}$/);
    expect(result.certificatePem).toContain('-----BEGIN CERTIFICATE-----');
  });

  it('generates a PIN that meets the policy', async () => {
    const request = holderRequest();
    const result = await service.enroll(request);
    expect(checkPin(result.pin, request.personalNumber)).toBeNull();
  });

  it('stores no secret in clear', async () => {
    const result = await service.enroll();
    const db = new Database(databaseFile(service.dataDir), { readonly: true });
    try {
      const dump = JSON.stringify(
        ['accounts', 'credentials'].flatMap((table) => db.prepare(`SELECT * FROM ${table}`).all()),
        (_key, value: unknown) => (Buffer.isBuffer(value) ? value.toString('latin1') : value),
      );
      for (const secret of [result.password, result.erc, result.pin, result.puk]) expect(dump).not.toContain(secret);
    } finally {
      db.close();
    }
  });

  it.each([
    ['a 9-digit personal number', { personalNumber: '123456789' }, 'INVALID_PERSONAL_NUMBER'],
    ['a personal number with letters', { personalNumber: '12345678AB' }, 'INVALID_PERSONAL_NUMBER'],
    ['a local phone number', { phoneNumber: '044123456' }, 'INVALID_PHONE_NUMBER'],
    ['an email without a domain', { email: 'arber@' }, 'INVALID_EMAIL'],
    ['a weak PIN', { pin: '123456' }, 'INVALID_PIN'],
    ['a PIN from the personal number', { personalNumber: '1176001727', pin: '600172' }, 'INVALID_PIN'],
    ['an empty given name', { givenName: '  ' }, 'VALIDATION_FAILED'],
    ['an impossible birth date', { birthDate: '1990-02-30' }, 'VALIDATION_FAILED'],
  ])('rejects %s and writes nothing', async (_label, overrides, code) => {
    const before = rowCounts();
    const error = await enrollmentError(overrides);
    expect(error.code).toBe(code);
    expect(rowCounts()).toEqual(before);
  });

  it('rejects a second digital ID for the same personal number and writes nothing', async () => {
    const request = holderRequest();
    await service.enroll(request);
    const before = rowCounts();

    const error = await enrollmentError({ ...request, givenName: 'Other' });
    expect(error.code).toBe('DUPLICATE_DIGITAL_ID');
    expect(error.status).toBe(409);
    expect(rowCounts()).toEqual(before);
  });
});

describe('eid-service enroll', () => {
  const cli = (args: string[]) => run('npx', ['--no-install', 'eid-service', ...args]);
  const holderArgs = (personalNumber: string) => [
    '--kind', 'digital-id',
    '--personal-number', personalNumber,
    '--given-name', 'Arbër Çeliku',
    '--surname', 'Đurđević-Šćepanović Žëç',
    '--email', 'arber@example.org',
    '--phone', '+38344111222',
    '--gender', 'M',
    '--birth-date', '1992-07-15',
    '--birth-country', 'XK',
    '--birth-city', 'Pejë',
  ];

  it('prints one JSON object whose certificate chains to the served CA', async () => {
    const enrolled = await cli(['enroll', '--data', service.dataDir, ...holderArgs('2233445566'), '--json']);
    expect(enrolled.stderr).toBe('');
    expect(enrolled.code).toBe(0);
    const result = JSON.parse(enrolled.stdout) as Record<string, string>;
    for (const field of ['username', 'password', 'erc', 'pin', 'puk', 'serial', 'certificatePem']) expect(result[field]).toBeTruthy();

    const files = path.join(service.dataDir, 'verify');
    await run('mkdir', ['-p', files]);
    for (const name of ['root', 'issuing']) {
      const der = Buffer.from(await (await fetch(`${service.url}/pki/${name}.crt`)).arrayBuffer());
      await writeFile(path.join(files, `${name}.der`), der);
      const converted = await run('openssl', ['x509', '-inform', 'DER', '-in', path.join(files, `${name}.der`), '-out', path.join(files, `${name}.pem`)]);
      expect(converted.code).toBe(0);
    }
    await writeFile(path.join(files, 'holder.pem'), result.certificatePem!);

    const verified = await run('openssl', ['verify', '-CAfile', path.join(files, 'root.pem'), '-untrusted', path.join(files, 'issuing.pem'), path.join(files, 'holder.pem')]);
    expect(verified.stdout.trim()).toBe(`${path.join(files, 'holder.pem')}: OK`);

    const subject = await run('openssl', ['x509', '-in', path.join(files, 'holder.pem'), '-noout', '-subject', '-nameopt', 'utf8,sep_comma_plus_space,sname']);
    const subjectBytes = Buffer.from(subject.stdout, 'utf8');
    for (const name of ['Arbër Çeliku', 'Đurđević-Šćepanović Žëç']) expect(subjectBytes.includes(Buffer.from(name, 'utf8'))).toBe(true);
    expect(subject.stdout).toContain('PNOXK-2233445566');

    const text = await run('openssl', ['x509', '-in', path.join(files, 'holder.pem'), '-noout', '-text']);
    expect(text.stdout).toContain(`${service.url}/pki/crl`);
    expect(text.stdout).toContain(`${service.url}/pki/ocsp`);
  });

  it('reports a bad personal number with its code and exit status 1', async () => {
    const result = await cli(['enroll', '--data', service.dataDir, ...holderArgs('12345'), '--json']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('INVALID_PERSONAL_NUMBER');
  });

  it('reports an unsupported --language', async () => {
    const before = rowCounts();
    const result = await cli(['enroll', '--data', service.dataDir, ...holderArgs('3344556688'), '--language', 'de', '--json']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('--language (VALIDATION_FAILED: one of sq, sr-Latn, en)');
    expect(rowCounts()).toEqual(before);
  });

  it('prints the usage for --help', async () => {
    const result = await cli(['enroll', '--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('--language sq|sr-Latn|en');
  });

  it('requires --data', async () => {
    const result = await cli(['enroll', ...holderArgs('3344556677')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--data DIR is required');
  });
});
