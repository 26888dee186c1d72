import { join } from 'node:path';

import { caFileNames, readCaFiles } from './ca-files';
import { importEncryptedPrivateKeyPem } from './keys';
import * as x509 from './x509';

/**
 * The issuing CA as the certificate status services need it: its certificate and its private
 * key, which signs the CRL and the OCSP responder certificate.
 */
export interface StatusSigningAuthority {
  rootCertificate: x509.X509Certificate;
  issuingCertificate: x509.X509Certificate;
  /** Any ECDSA P-256 key that `crypto` can sign with, so an HSM provider can replace the key file. */
  issuingKey: CryptoKey;
  crypto: Crypto;
}

export interface OpenStatusSigningAuthorityOptions {
  /** The CA directory that openCertificateAuthority created. */
  dir: string;
  keyPassphrase: string;
  crypto?: Crypto;
}

/**
 * Loads the issuing CA's certificate and key for signing status information.
 * Throws CaKeyError when the passphrase is wrong and an Error when the CA does not exist yet.
 */
export async function openStatusSigningAuthority(options: OpenStatusSigningAuthorityOptions): Promise<StatusSigningAuthority> {
  const crypto = options.crypto ?? globalThis.crypto;
  const files = await readCaFiles(options.dir);
  if (files === null) throw new Error(`The CA directory ${options.dir} contains no CA; open the CA once before publishing status information.`);

  const issuingKeyPath = join(options.dir, caFileNames.issuingKey);
  const issuingCertificate = new x509.X509Certificate(files.issuingCertificate);
  const issuingKey = await importEncryptedPrivateKeyPem(files.issuingKey, options.keyPassphrase, crypto, issuingKeyPath);
  if (!Buffer.from(issuingKey.publicKeySpki).equals(Buffer.from(issuingCertificate.publicKey.rawData))) {
    throw new Error(`The private key ${issuingKeyPath} does not belong to the issuing CA certificate.`);
  }

  return { rootCertificate: new x509.X509Certificate(files.rootCertificate), issuingCertificate, issuingKey: issuingKey.privateKey, crypto };
}
