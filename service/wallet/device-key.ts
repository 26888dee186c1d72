import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';

import { EidError } from '../../common/errors';

/** The wallet's device key: an ECDSA P-256 key that never leaves the phone. */

/**
 * Reads a device public key given as PEM or as base64 SubjectPublicKeyInfo DER and returns the DER.
 * @throws EidError INVALID_DEVICE_KEY for anything but an ECDSA P-256 public key.
 */
export function parseDevicePublicKey(text: string): Buffer {
  let key: KeyObject;
  try {
    const trimmed = text.trim();
    key = trimmed.startsWith('-----BEGIN')
      ? createPublicKey({ key: trimmed, format: 'pem' })
      : createPublicKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' });
  } catch (cause) {
    throw new EidError('INVALID_DEVICE_KEY', { cause, fields: [{ path: 'devicePublicKey', code: 'INVALID_DEVICE_KEY' }] });
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new EidError('INVALID_DEVICE_KEY', { fields: [{ path: 'devicePublicKey', code: 'INVALID_DEVICE_KEY' }] });
  }
  return key.export({ format: 'der', type: 'spki' });
}

/** Computes the id of a device key: base64url SHA-256 of its SubjectPublicKeyInfo DER (43 characters). */
export function deviceKeyId(spki: Uint8Array): string {
  return createHash('sha256').update(spki).digest('base64url');
}

/** Checks an ECDSA-with-SHA-256 DER signature (base64) by the device key over `message`. */
export function verifyDeviceSignature(spki: Buffer, message: string, signatureBase64: string): boolean {
  try {
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    return verify('sha256', Buffer.from(message, 'utf8'), { key, dsaEncoding: 'der' }, Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}
