import { hashRaw } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';

import { open, seal } from './aead';

/**
 * Sole control of a holder's signing key. The PKCS#8 private key is encrypted under a random
 * data key; the data key is stored only wrapped twice, once under a key derived from the PIN and
 * once under a key derived from the PUK (argon2id, each with its own salt and the service's
 * pepper). Opening the key therefore needs the PIN or the PUK, and also the service secret:
 * neither the database alone nor the PIN alone yields the key.
 *
 * NOTE: with the database and the service secret together, a 6-digit PIN can be guessed offline.
 * A production deployment keeps signing keys in an HSM that enforces the try counter itself.
 */

export interface SealedSigningKey {
  /** PKCS#8 DER under the data key. */
  sealedPrivateKey: Buffer;
  pinSalt: Buffer;
  /** The data key under the PIN-derived key. */
  pinWrappedKey: Buffer;
  pukSalt: Buffer;
  /** The data key under the PUK-derived key. */
  pukWrappedKey: Buffer;
}

export type Secret = 'pin' | 'puk';

// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
const argon2Options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

async function deriveWrappingKey(value: string, salt: Buffer, pepper: Buffer): Promise<Buffer> {
  return hashRaw(value, { ...argon2Options, salt, secret: pepper });
}

function associatedData(serialNumberHex: string, part: 'private-key' | Secret): string {
  return `signing-key/${serialNumberHex}/${part}`;
}

export async function sealSigningKey(options: {
  pkcs8: Uint8Array;
  pin: string;
  puk: string;
  pepper: Buffer;
  serialNumberHex: string;
}): Promise<SealedSigningKey> {
  const dataKey = randomBytes(32);
  const pinSalt = randomBytes(16);
  const pukSalt = randomBytes(16);

  const [pinKey, pukKey] = await Promise.all([
    deriveWrappingKey(options.pin, pinSalt, options.pepper),
    deriveWrappingKey(options.puk, pukSalt, options.pepper),
  ]);

  const sealed: SealedSigningKey = {
    sealedPrivateKey: seal(dataKey, options.pkcs8, associatedData(options.serialNumberHex, 'private-key')),
    pinSalt,
    pinWrappedKey: seal(pinKey, dataKey, associatedData(options.serialNumberHex, 'pin')),
    pukSalt,
    pukWrappedKey: seal(pukKey, dataKey, associatedData(options.serialNumberHex, 'puk')),
  };
  dataKey.fill(0);
  return sealed;
}

/**
 * Opens the data key with the PIN or the PUK. Returns null when the value is wrong; the caller
 * counts that as a wrong try.
 */
export async function openDataKey(
  sealed: SealedSigningKey,
  secret: Secret,
  value: string,
  pepper: Buffer,
  serialNumberHex: string,
): Promise<Buffer | null> {
  const salt = secret === 'pin' ? sealed.pinSalt : sealed.pukSalt;
  const wrapped = secret === 'pin' ? sealed.pinWrappedKey : sealed.pukWrappedKey;
  const wrappingKey = await deriveWrappingKey(value, salt, pepper);
  return open(wrappingKey, wrapped, associatedData(serialNumberHex, secret));
}

/** Decrypts the PKCS#8 private key with an opened data key. */
export function openPrivateKey(sealed: SealedSigningKey, dataKey: Buffer, serialNumberHex: string): Buffer | null {
  return open(dataKey, sealed.sealedPrivateKey, associatedData(serialNumberHex, 'private-key'));
}

/** Wraps an opened data key under a new PIN or PUK, with a fresh salt. */
export async function rewrapDataKey(
  dataKey: Buffer,
  secret: Secret,
  value: string,
  pepper: Buffer,
  serialNumberHex: string,
): Promise<{ salt: Buffer; wrappedKey: Buffer }> {
  const salt = randomBytes(16);
  const wrappingKey = await deriveWrappingKey(value, salt, pepper);
  return { salt, wrappedKey: seal(wrappingKey, dataKey, associatedData(serialNumberHex, secret)) };
}
