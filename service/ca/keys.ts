import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

/** ECDSA on NIST P-256, the algorithm of both CA keys and of every holder key. */
export const ecdsaP256: EcKeyImportParams = { name: 'ECDSA', namedCurve: 'P-256' };

/** Thrown when a CA private key file cannot be decrypted or is not a P-256 key. */
export class CaKeyError extends Error {
  override name = 'CaKeyError';
}

/**
 * Generates a CA key pair. The private key is extractable because it is written to disk once,
 * encrypted; the copy loaded from disk afterwards is not extractable.
 */
export async function generateCaKeyPair(crypto: Crypto): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(ecdsaP256, true, ['sign', 'verify']);
}

/**
 * Exports a private key as an encrypted PKCS#8 PEM ("ENCRYPTED PRIVATE KEY", PBES2 with
 * AES-256-CBC), which `openssl pkey -passin` reads.
 */
export async function exportEncryptedPrivateKeyPem(privateKey: CryptoKey, crypto: Crypto, passphrase: string): Promise<string> {
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', privateKey));
  try {
    const keyObject = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
    return keyObject.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase }) as string;
  } finally {
    pkcs8.fill(0);
  }
}

/** A CA private key loaded from disk, with the DER SubjectPublicKeyInfo of its public half. */
export interface LoadedPrivateKey {
  privateKey: CryptoKey;
  publicKeySpki: Uint8Array;
}

/**
 * Decrypts an encrypted PKCS#8 PEM into a non-extractable signing key of `crypto`.
 * `source` names the file in error messages.
 */
export async function importEncryptedPrivateKeyPem(pem: string, passphrase: string, crypto: Crypto, source: string): Promise<LoadedPrivateKey> {
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey({ key: pem, format: 'pem', passphrase });
  } catch (error) {
    throw new CaKeyError(`Cannot decrypt the CA private key ${source}: the passphrase is wrong or the file is damaged.`, { cause: error });
  }

  // OpenSSL calls P-256 prime256v1.
  if (keyObject.asymmetricKeyType !== 'ec' || keyObject.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new CaKeyError(`The CA private key ${source} is not an ECDSA P-256 key.`);
  }

  const pkcs8 = keyObject.export({ format: 'der', type: 'pkcs8' });
  try {
    const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, ecdsaP256, false, ['sign']);
    const publicKeySpki = new Uint8Array(createPublicKey(keyObject).export({ format: 'der', type: 'spki' }));
    return { privateKey, publicKeySpki };
  } finally {
    pkcs8.fill(0);
  }
}
