import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM with the layout iv (12 bytes) ‖ tag (16 bytes) ‖ ciphertext. The associated data
 * binds a blob to its owner (for example the certificate serial), so a blob copied onto another
 * row fails to open.
 */
export function seal(key: Uint8Array, plaintext: Uint8Array, associatedData: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

/** Opens a blob made by `seal`; returns null when the key or the associated data is wrong. */
export function open(key: Uint8Array, blob: Uint8Array, associatedData: string): Buffer | null {
  const bytes = Buffer.from(blob);
  if (bytes.length < 28) return null;

  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(bytes.subarray(12, 28));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]);
  } catch {
    return null;
  }
}
