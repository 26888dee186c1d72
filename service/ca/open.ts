import { join } from 'node:path';

import { createCertificateAuthority, normalizePublicUrl, type CertificateAuthority } from './authority';
import { caFileNames, readCaFiles, writeCaFiles } from './ca-files';
import { createHierarchy } from './hierarchy';
import { importEncryptedPrivateKeyPem } from './keys';
import { certificateToPem } from './pem';
import * as x509 from './x509';

export interface OpenCertificateAuthorityOptions {
  /** The directory of root.crt, root.key, issuing.crt and issuing.key, created when missing. */
  dir: string;
  /** The passphrase that encrypts both CA private keys. */
  keyPassphrase: string;
  /** The base URL under which the service publishes /pki/crl, /pki/ocsp and /pki/issuing.crt. */
  publicUrl: string;
  now?: () => Date;
}

/**
 * Opens the file-backed CA in `options.dir`, creating a new root and issuing CA there on first
 * use. Only the issuing key is loaded, and the root key stays encrypted on disk.
 * Throws CaKeyError when the passphrase is wrong and IncompleteCaError when CA files are missing.
 */
export async function openCertificateAuthority(options: OpenCertificateAuthorityOptions): Promise<CertificateAuthority> {
  if (options.keyPassphrase.length === 0) {
    throw new Error('Invalid keyPassphrase: it must not be empty, because it encrypts the CA private keys.');
  }
  const publicUrl = normalizePublicUrl(options.publicUrl);
  const now = options.now ?? (() => new Date());
  const crypto = globalThis.crypto;

  let files = await readCaFiles(options.dir);
  if (files === null) {
    const created = await createHierarchy(crypto, options.keyPassphrase, now());
    await writeCaFiles(options.dir, {
      rootCertificate: certificateToPem(new Uint8Array(created.rootCertificate.rawData)),
      rootKey: created.rootKeyPem,
      issuingCertificate: certificateToPem(new Uint8Array(created.issuingCertificate.rawData)),
      issuingKey: created.issuingKeyPem,
    });
    // Read back what was written, so a new CA runs on the same path and checks as a reopened one.
    files = await readCaFiles(options.dir);
    if (files === null) throw new Error(`The new CA files in ${options.dir} disappeared right after they were written.`);
  }

  const rootCertificatePath = join(options.dir, caFileNames.rootCertificate);
  const issuingCertificatePath = join(options.dir, caFileNames.issuingCertificate);
  const issuingKeyPath = join(options.dir, caFileNames.issuingKey);
  const rootCertificate = parseCertificate(files.rootCertificate, rootCertificatePath);
  const issuingCertificate = parseCertificate(files.issuingCertificate, issuingCertificatePath);
  const issuingKey = await importEncryptedPrivateKeyPem(files.issuingKey, options.keyPassphrase, crypto, issuingKeyPath);

  if (!Buffer.from(issuingKey.publicKeySpki).equals(Buffer.from(issuingCertificate.publicKey.rawData))) {
    throw new Error(`The private key ${issuingKeyPath} does not belong to the certificate ${issuingCertificatePath}.`);
  }
  const signedByRoot = await issuingCertificate.verify({ publicKey: rootCertificate.publicKey, signatureOnly: true }, crypto);
  if (!signedByRoot) {
    throw new Error(`The certificate ${issuingCertificatePath} is not signed by the root CA in ${rootCertificatePath}.`);
  }

  return createCertificateAuthority({ rootCertificate, issuingCertificate, signingKey: issuingKey.privateKey, crypto, publicUrl, now });
}

function parseCertificate(pem: string, path: string): x509.X509Certificate {
  try {
    return new x509.X509Certificate(pem);
  } catch (error) {
    throw new Error(`Cannot parse the certificate ${path}: expected a PEM "CERTIFICATE" block.`, { cause: error });
  }
}
