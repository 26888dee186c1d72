import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';

import { writeFileDurably } from './ca-files';
import { exportEncryptedPrivateKeyPem, generateCaKeyPair, importEncryptedPrivateKeyPem } from './keys';
import { caDistinguishedName } from './names';
import { certificateToPem } from './pem';
import { generateSerialNumberHex } from './serial-number';
import type { StatusSigningAuthority } from './status-authority';
import { clockSkewAllowanceMs, wholeSeconds } from './validity';
import * as x509 from './x509';

/** The files of the delegated OCSP responder in the CA directory. */
export const ocspResponderFileNames = { certificate: 'ocsp-responder.crt', key: 'ocsp-responder.key' } as const;

export const ocspResponderCommonName = 'Kosovo eID Demo OCSP Responder';
/** A short life limits the harm of a stolen responder key, because ocsp-nocheck means nobody checks its revocation. */
export const ocspResponderValidityDays = 30;
/** The responder certificate is replaced once less than this is left. */
export const ocspResponderRenewBeforeDays = 10;

const dayMs = 24 * 60 * 60 * 1000;
export const ocspSigningOid = '1.3.6.1.5.5.7.3.9';
export const ocspNoCheckOid = '1.3.6.1.5.5.7.48.1.5';

/** The responder's certificate and key. */
export interface OcspResponderIdentity {
  certificate: x509.X509Certificate;
  certificateDer: Uint8Array;
  privateKey: CryptoKey;
}

export interface LoadOcspResponderOptions {
  dir: string;
  keyPassphrase: string;
  authority: StatusSigningAuthority;
  now: Date;
}

/** Returns whether the responder certificate must be replaced at `now`. */
export function ocspResponderNeedsRenewal(certificate: x509.X509Certificate, now: Date): boolean {
  return certificate.notAfter.getTime() - now.getTime() < ocspResponderRenewBeforeDays * dayMs || certificate.notBefore > now;
}

/**
 * Loads the delegated OCSP responder from the CA directory, issuing a new one from the issuing
 * CA when there is none, when it was issued by another CA, or when it is due for renewal.
 */
export async function loadOrIssueOcspResponder(options: LoadOcspResponderOptions): Promise<OcspResponderIdentity> {
  const certificatePath = join(options.dir, ocspResponderFileNames.certificate);
  const keyPath = join(options.dir, ocspResponderFileNames.key);
  const { authority } = options;

  const existing = await readOptional(certificatePath);
  const existingKey = await readOptional(keyPath);
  if (existing !== null && existingKey !== null) {
    const certificate = new x509.X509Certificate(existing);
    const issuedByThisCa = await certificate.verify({ publicKey: authority.issuingCertificate.publicKey, signatureOnly: true }, authority.crypto);
    if (issuedByThisCa && !ocspResponderNeedsRenewal(certificate, options.now)) {
      const key = await importEncryptedPrivateKeyPem(existingKey, options.keyPassphrase, authority.crypto, keyPath);
      if (Buffer.from(key.publicKeySpki).equals(Buffer.from(certificate.publicKey.rawData))) {
        return { certificate, certificateDer: new Uint8Array(certificate.rawData), privateKey: key.privateKey };
      }
    }
  }

  return issueOcspResponder(options);
}

/** Issues a new responder certificate with a new key and replaces the files, key first. */
export async function issueOcspResponder(options: LoadOcspResponderOptions): Promise<OcspResponderIdentity> {
  const { authority, now } = options;
  const { issuingCertificate, crypto } = authority;
  const keys = await generateCaKeyPair(crypto);
  const issuingKeyIdentifier = issuingCertificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  if (issuingKeyIdentifier === undefined) throw new Error('The issuing CA certificate has no subjectKeyIdentifier extension.');

  let notBefore = wholeSeconds(new Date(now.getTime() - clockSkewAllowanceMs));
  let notAfter = wholeSeconds(new Date(now.getTime() + ocspResponderValidityDays * dayMs));
  if (notBefore < issuingCertificate.notBefore) notBefore = issuingCertificate.notBefore;
  if (notAfter > issuingCertificate.notAfter) notAfter = issuingCertificate.notAfter;

  const certificate = await x509.X509CertificateGenerator.create(
    {
      serialNumber: generateSerialNumberHex(crypto),
      subject: caDistinguishedName(ocspResponderCommonName),
      issuer: issuingCertificate.subjectName,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: authority.issuingKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([ocspSigningOid], false),
        // id-pkix-ocsp-nocheck (RFC 6960 section 4.2.2.2.1): the value is NULL.
        new x509.Extension(ocspNoCheckOid, false, Uint8Array.of(0x05, 0x00)),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        new x509.AuthorityKeyIdentifierExtension(issuingKeyIdentifier),
      ],
    },
    crypto,
  );

  const keyPem = await exportEncryptedPrivateKeyPem(keys.privateKey, crypto, options.keyPassphrase);
  const certificateDer = new Uint8Array(certificate.rawData);
  // The key goes first: a crash between the two renames leaves a new key with the old
  // certificate, which the next start detects as a mismatch and replaces.
  await replaceFile(join(options.dir, ocspResponderFileNames.key), keyPem, 0o600);
  await replaceFile(join(options.dir, ocspResponderFileNames.certificate), certificateToPem(certificateDer), 0o644);

  const loaded = await importEncryptedPrivateKeyPem(keyPem, options.keyPassphrase, crypto, ocspResponderFileNames.key);
  return { certificate, certificateDer, privateKey: loaded.privateKey };
}

async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function replaceFile(path: string, content: string, mode: number): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFileDurably(temporary, content, mode, false);
  await rename(temporary, path);
}
