import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  CaKeyError,
  caNames,
  decodeHolderCertificate,
  IncompleteCaError,
  InvalidCertificateRequestError,
  openCertificateAuthority,
  type CertificateAuthority,
  type DigitalIdHolder,
  type IssuedCertificate,
} from '../../service/ca';

const execFileAsync = promisify(execFile);

const opensslPath = '/usr/bin/openssl';
const passphrase = 'correct horse battery staple';
const publicUrl = 'https://eid.example.test';

const arber: DigitalIdHolder = {
  givenName: 'Arbër',
  surname: 'Çelaj-Đukić',
  personalNumber: '1176001727',
  gender: 'M',
  birthDate: '1990-05-17',
  birthCountry: 'XK',
  birthCity: 'Prishtinë',
};

const elira: DigitalIdHolder = {
  givenName: 'Ëlira',
  surname: 'Kočić Šćepanović-Žaku',
  personalNumber: '1234567890',
  gender: 'F',
  birthDate: '2000-02-29',
  birthCountry: 'RS',
  birthCity: 'Niš',
};

/** Runs openssl and returns its stdout as raw bytes, so UTF-8 output is compared exactly. */
async function openssl(args: string[], env: Record<string, string> = {}): Promise<Buffer> {
  const { stdout } = await execFileAsync(opensslPath, args, { encoding: 'buffer', env: { ...process.env, ...env } });
  return stdout;
}

async function newHolderKey(): Promise<CryptoKey> {
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  return keys.publicKey;
}

describe('certificate authority', () => {
  let workDir: string;
  let caDir: string;
  let ca: CertificateAuthority;
  let arberCertificate: IssuedCertificate;
  let eliraCertificate: IssuedCertificate;
  let arberPath: string;
  let eliraPath: string;
  let rootPath: string;
  let issuingPath: string;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'eid-ca-test-'));
    caDir = join(workDir, 'ca');
    ca = await openCertificateAuthority({ dir: caDir, keyPassphrase: passphrase, publicUrl });

    arberCertificate = await ca.issueDigitalId({ subjectPublicKey: await newHolderKey(), holder: arber });
    eliraCertificate = await ca.issueDigitalId({ subjectPublicKey: await newHolderKey(), holder: elira });

    rootPath = join(workDir, 'root.pem');
    issuingPath = join(workDir, 'issuing.pem');
    arberPath = join(workDir, 'arber.pem');
    eliraPath = join(workDir, 'elira.pem');
    await writeFile(rootPath, ca.rootCertificatePem);
    await writeFile(issuingPath, ca.issuingCertificatePem);
    await writeFile(arberPath, arberCertificate.pem);
    await writeFile(eliraPath, eliraCertificate.pem);
  });

  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  describe('files', () => {
    it('writes certificates and encrypted keys', async () => {
      for (const name of ['root.key', 'issuing.key']) {
        const key = await readFile(join(caDir, name), 'utf8');
        expect(key.startsWith('-----BEGIN ENCRYPTED PRIVATE KEY-----\n'), name).toBe(true);
        expect((await stat(join(caDir, name))).mode & 0o777, name).toBe(0o600);
      }

      expect(await readFile(join(caDir, 'root.crt'), 'utf8')).toBe(ca.rootCertificatePem);
      expect(await readFile(join(caDir, 'issuing.crt'), 'utf8')).toBe(ca.issuingCertificatePem);
    });

    it('reopens with the same root and issuing CA', async () => {
      const reopened = await openCertificateAuthority({ dir: caDir, keyPassphrase: passphrase, publicUrl });

      expect(Buffer.from(reopened.rootCertificateDer).equals(Buffer.from(ca.rootCertificateDer))).toBe(true);
      expect(Buffer.from(reopened.issuingCertificateDer).equals(Buffer.from(ca.issuingCertificateDer))).toBe(true);
    });

    it('rejects a wrong passphrase', async () => {
      const opening = openCertificateAuthority({ dir: caDir, keyPassphrase: 'wrong passphrase', publicUrl });

      await expect(opening).rejects.toThrow(CaKeyError);
      await expect(opening).rejects.toThrow(/passphrase is wrong/);
    });

    it('root key opens in openssl with the passphrase', async () => {
      const keyPublicPem = await openssl(['pkey', '-in', join(caDir, 'root.key'), '-passin', 'env:CA_KEY_PASSPHRASE', '-pubout'], { CA_KEY_PASSPHRASE: passphrase });
      const certificatePublicPem = await openssl(['x509', '-in', join(caDir, 'root.crt'), '-noout', '-pubkey']);

      expect(keyPublicPem.toString()).toContain('-----BEGIN PUBLIC KEY-----');
      expect(keyPublicPem.equals(certificatePublicPem)).toBe(true);
    });

    it('root key stays closed in openssl without the passphrase', async () => {
      const reading = openssl(['pkey', '-in', join(caDir, 'root.key'), '-passin', 'env:CA_KEY_PASSPHRASE', '-noout'], { CA_KEY_PASSPHRASE: 'wrong passphrase' });

      await expect(reading).rejects.toThrow();
    });

    it('finishes a creation staged before a crash', async () => {
      const dir = join(workDir, 'staged');
      await mkdir(dir);
      await cp(caDir, join(dir, '.ca-staging'), { recursive: true });

      const opened = await openCertificateAuthority({ dir, keyPassphrase: passphrase, publicUrl });

      expect(Buffer.from(opened.rootCertificateDer).equals(Buffer.from(ca.rootCertificateDer))).toBe(true);
      await expect(stat(join(dir, '.ca-staging'))).rejects.toThrow(/ENOENT/);
    });

    it('discards a creation cut off while writing', async () => {
      const dir = join(workDir, 'partial');
      await mkdir(dir);
      await cp(caDir, join(dir, '.ca-staging.partial'), { recursive: true });

      const opened = await openCertificateAuthority({ dir, keyPassphrase: passphrase, publicUrl });

      expect(Buffer.from(opened.rootCertificateDer).equals(Buffer.from(ca.rootCertificateDer))).toBe(false);
      await expect(stat(join(dir, '.ca-staging.partial'))).rejects.toThrow(/ENOENT/);
    });

    it('rejects a directory with a missing file', async () => {
      const dir = join(workDir, 'incomplete');
      await cp(caDir, dir, { recursive: true });
      await rename(join(dir, 'issuing.crt'), join(dir, 'issuing.crt.bak'));

      const opening = openCertificateAuthority({ dir, keyPassphrase: passphrase, publicUrl });

      await expect(opening).rejects.toThrow(IncompleteCaError);
      await expect(opening).rejects.toThrow(/missing: issuing\.crt/);
    });
  });

  describe('openssl', () => {
    it('verifies both holder certificates against the root', async () => {
      for (const path of [arberPath, eliraPath]) {
        const output = await openssl(['verify', '-x509_strict', '-CAfile', rootPath, '-untrusted', issuingPath, path]);
        expect(output.toString()).toBe(`${path}: OK\n`);
      }
    });

    it('prints the subject names byte for byte', async () => {
      const output = await openssl(['x509', '-in', arberPath, '-noout', '-subject', '-nameopt', 'utf8,sep_comma_plus']);

      // OpenSSL prints givenName as GN and surname as SN.
      const expected = Buffer.from('subject=C=XK,serialNumber=PNOXK-1176001727,SN=Çelaj-Đukić,GN=Arbër,CN=Arbër Çelaj-Đukić\n', 'utf8');
      expect(output.equals(expected), output.toString()).toBe(true);
    });

    it('prints names with č ć š ž Ë unescaped', async () => {
      const output = await openssl(['x509', '-in', eliraPath, '-noout', '-subject', '-nameopt', 'RFC2253,-esc_msb']);

      const expected = Buffer.from('subject=CN=Ëlira Kočić Šćepanović-Žaku,GN=Ëlira,SN=Kočić Šćepanović-Žaku,serialNumber=PNOXK-1234567890,C=XK\n', 'utf8');
      expect(output.equals(expected), output.toString()).toBe(true);
    });

    it('encodes the name strings as UTF8String', async () => {
      const lines = (await openssl(['asn1parse', '-in', arberPath])).toString('utf8').split('\n');

      const typeAfter = (attribute: string) =>
        lines.flatMap((line, index) => (line.endsWith(`:${attribute}`) ? [/prim: (\S+)/.exec(lines[index + 1] ?? '')?.[1]] : []));

      // Both the issuer's and the subject's commonName.
      expect(typeAfter('commonName')).toEqual(['UTF8STRING', 'UTF8STRING']);
      expect(typeAfter('givenName')).toEqual(['UTF8STRING']);
      expect(typeAfter('surname')).toEqual(['UTF8STRING']);
      expect(typeAfter('organizationName')).toEqual(['UTF8STRING']);
      expect(typeAfter('serialNumber')).toEqual(['PRINTABLESTRING']);
      expect(typeAfter('countryName')).toEqual(['PRINTABLESTRING', 'PRINTABLESTRING']);
      expect(lines.some((line) => line.includes('UTF8STRING        :Çelaj-Đukić'))).toBe(true);
    });

    it('encodes ASCII-only names as UTF8String too', async () => {
      const issued = await ca.issueDigitalId({
        subjectPublicKey: await newHolderKey(),
        holder: { givenName: 'Drita', surname: 'Berisha', personalNumber: '1000000001' },
      });
      const path = join(workDir, 'drita.pem');
      await writeFile(path, issued.pem);

      const parsed = (await openssl(['asn1parse', '-in', path])).toString('utf8');

      expect(parsed).toMatch(/:givenName\n.*UTF8STRING\s+:Drita\n/);
      expect(parsed).toMatch(/:surname\n.*UTF8STRING\s+:Berisha\n/);
      expect(parsed).toMatch(/:commonName\n.*UTF8STRING\s+:Drita Berisha\n/);
    });

    it('shows key usage, URLs and a long serial', async () => {
      const text = (await openssl(['x509', '-in', arberPath, '-noout', '-text'])).toString('utf8');

      expect(text).toMatch(/X509v3 Key Usage: critical\n\s+Digital Signature, Non Repudiation\n/);
      expect(text).toMatch(/X509v3 Basic Constraints: critical\n\s+CA:FALSE\n/);
      expect(text).toContain('URI:https://eid.example.test/pki/crl');
      expect(text).toContain('OCSP - URI:https://eid.example.test/pki/ocsp');
      expect(text).toContain('CA Issuers - URI:https://eid.example.test/pki/issuing.crt');
      expect(text).toContain('X509v3 Subject Key Identifier');
      expect(text).toContain('X509v3 Authority Key Identifier');
      expect(text).toContain('X509v3 Subject Directory Attributes');
      expect(text).toContain(`Issuer: C = XK, O = eID Self-Service, CN = ${caNames.issuingCommonName}`);

      const serialHex = /Serial Number:\s*\n\s*([0-9a-f:]+)\n/.exec(text)?.[1] ?? '';
      expect(serialHex.split(':').length).toBeGreaterThanOrEqual(8);
    });

    it('shows the personal data attributes', async () => {
      const parsed = (await openssl(['asn1parse', '-in', arberPath])).toString('utf8');
      const extensionOffset = parsed
        .split('\n')
        .flatMap((line, index, lines) => (line.endsWith(':X509v3 Subject Directory Attributes') ? [lines[index + 1]!.trim().split(':')[0]!] : []))[0]!;
      const attributes = (await openssl(['asn1parse', '-in', arberPath, '-strparse', extensionOffset])).toString('utf8');

      expect(attributes).toMatch(/:id-pda-dateOfBirth\n.*\n.*GENERALIZEDTIME\s+:19900517120000Z/);
      expect(attributes).toMatch(/:id-pda-placeOfBirth\n.*\n.*UTF8STRING\s+:Prishtinë, XK/);
      expect(attributes).toMatch(/:id-pda-gender\n.*\n.*PRINTABLESTRING\s+:M/);
      expect(attributes).toMatch(/:id-pda-countryOfCitizenship\n.*\n.*PRINTABLESTRING\s+:XK/);
    });

    it('shows the CA certificate profiles', async () => {
      const root = (await openssl(['x509', '-in', rootPath, '-noout', '-text'])).toString('utf8');
      const issuing = (await openssl(['x509', '-in', issuingPath, '-noout', '-text'])).toString('utf8');

      expect(root).toContain(`Subject: C = XK, O = eID Self-Service, CN = ${caNames.rootCommonName}`);
      expect(root).toMatch(/Basic Constraints: critical\n\s+CA:TRUE\n/);
      expect(root).toMatch(/Key Usage: critical\n\s+Certificate Sign, CRL Sign\n/);
      expect(root).toContain('ASN1 OID: prime256v1');
      expect(issuing).toMatch(/Basic Constraints: critical\n\s+CA:TRUE, pathlen:0\n/);
      expect(issuing).toMatch(/Key Usage: critical\n\s+Digital Signature, Certificate Sign, CRL Sign\n/);
      expect(issuing).toContain('ASN1 OID: prime256v1');
    });
  });

  describe('decodeHolderCertificate', () => {
    it('round-trips every field', () => {
      const decoded = decodeHolderCertificate(arberCertificate.der);

      expect(decoded).toEqual({
        commonName: 'Arbër Çelaj-Đukić',
        givenName: 'Arbër',
        surname: 'Çelaj-Đukić',
        subjectSerialNumber: 'PNOXK-1176001727',
        personalNumber: '1176001727',
        country: 'XK',
        gender: 'M',
        birthDate: '1990-05-17',
        birthCountry: 'XK',
        birthCity: 'Prishtinë',
        serialNumberHex: arberCertificate.serialNumberHex,
        subject: 'CN=Arbër Çelaj-Đukić, givenName=Arbër, surname=Çelaj-Đukić, serialNumber=PNOXK-1176001727, C=XK',
        issuer: `CN=${caNames.issuingCommonName}, O=eID Self-Service, C=XK`,
        notBefore: arberCertificate.notBefore,
        notAfter: arberCertificate.notAfter,
      });
    });

    it('round-trips a leap-day birth abroad', () => {
      const decoded = decodeHolderCertificate(eliraCertificate.der);

      expect(decoded.commonName).toBe('Ëlira Kočić Šćepanović-Žaku');
      expect(decoded.gender).toBe('F');
      expect(decoded.birthDate).toBe('2000-02-29');
      expect(decoded.birthCountry).toBe('RS');
      expect(decoded.birthCity).toBe('Niš');
    });

    it('returns null for absent personal data', async () => {
      const issued = await ca.issueDigitalId({
        subjectPublicKey: await newHolderKey(),
        holder: { givenName: 'Drita', surname: 'Berisha', personalNumber: '1000000001' },
      });

      const decoded = decodeHolderCertificate(issued.der);

      expect(decoded.gender).toBeNull();
      expect(decoded.birthDate).toBeNull();
      expect(decoded.birthCountry).toBeNull();
      expect(decoded.birthCity).toBeNull();
      expect(decoded.subject).toBe('CN=Drita Berisha, givenName=Drita, surname=Berisha, serialNumber=PNOXK-1000000001, C=XK');
    });

    it('returns the birth country alone', async () => {
      const issued = await ca.issueDigitalId({
        subjectPublicKey: await newHolderKey(),
        holder: { givenName: 'Drita', surname: 'Berisha', personalNumber: '1000000001', birthCountry: 'AL' },
      });

      const decoded = decodeHolderCertificate(issued.der);

      expect(decoded.birthCountry).toBe('AL');
      expect(decoded.birthCity).toBeNull();
    });

    it('escapes RFC 4514 special characters', async () => {
      const issued = await ca.issueDigitalId({
        subjectPublicKey: await newHolderKey(),
        holder: { givenName: 'Ana, Maria', surname: 'Hoxha+Gashi', personalNumber: '1000000002' },
      });

      const decoded = decodeHolderCertificate(issued.der);

      expect(decoded.givenName).toBe('Ana, Maria');
      expect(decoded.subject).toBe('CN=Ana\\, Maria Hoxha\\+Gashi, givenName=Ana\\, Maria, surname=Hoxha\\+Gashi, serialNumber=PNOXK-1000000002, C=XK');
    });
  });

  describe('issueDigitalId', () => {
    it('sets validity in whole seconds', async () => {
      const now = new Date('2026-03-10T08:30:15.750Z');
      const clocked = await openCertificateAuthority({ dir: join(workDir, 'clocked'), keyPassphrase: passphrase, publicUrl, now: () => now });

      const issued = await clocked.issueDigitalId({ subjectPublicKey: await newHolderKey(), holder: arber });

      expect(issued.notBefore.toISOString()).toBe('2026-03-10T08:29:15.000Z');
      expect(issued.notAfter.toISOString()).toBe('2028-03-10T08:30:15.000Z');
    });

    it('generates distinct positive 16-byte serials', async () => {
      const serials = new Set<string>();
      for (let index = 0; index < 20; index++) {
        const issued = await ca.issueDigitalId({ subjectPublicKey: await newHolderKey(), holder: arber });
        serials.add(issued.serialNumberHex);
        expect(issued.serialNumberHex).toMatch(/^[1-7][0-9a-f]{31}$|^0[1-9a-f][0-9a-f]{30}$/);
      }

      expect(serials.size).toBe(20);
    });

    it('stores names in Unicode NFC', async () => {
      const decomposed = { ...arber, givenName: 'Arbër'.normalize('NFD'), surname: 'Çelaj-Đukić'.normalize('NFD') };

      const issued = await ca.issueDigitalId({ subjectPublicKey: await newHolderKey(), holder: decomposed });

      expect(decodeHolderCertificate(issued.der).commonName).toBe('Arbër Çelaj-Đukić'.normalize('NFC'));
    });

    it('rejects an invalid personal number', async () => {
      const issuing = ca.issueDigitalId({ subjectPublicKey: await newHolderKey(), holder: { ...arber, personalNumber: '12345' } });

      await expect(issuing).rejects.toThrow(InvalidCertificateRequestError);
    });

    it('rejects an invalid birth date', async () => {
      const issuing = ca.issueDigitalId({ subjectPublicKey: await newHolderKey(), holder: { ...arber, birthDate: '1990-02-30' } });

      await expect(issuing).rejects.toThrow(/birthDate/);
    });

    it('rejects a name too long for CN', async () => {
      const issuing = ca.issueDigitalId({ subjectPublicKey: await newHolderKey(), holder: { ...arber, givenName: 'A'.repeat(40), surname: 'B'.repeat(40) } });

      await expect(issuing).rejects.toThrow(/at most 64/);
    });

    it('rejects a key on another curve', async () => {
      const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign', 'verify']);

      const issuing = ca.issueDigitalId({ subjectPublicKey: keys.publicKey, holder: arber });

      await expect(issuing).rejects.toThrow(/P-256/);
    });
  });
});
