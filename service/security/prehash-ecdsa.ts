import { p256 } from '@noble/curves/nist.js';
import { createPrivateKey, type KeyObject } from 'node:crypto';

/**
 * ECDSA P-256 over a digest the caller already computed, as the Cloud Signature Consortium
 * signHash call needs. node:crypto cannot do this: `crypto.sign(null, digest, ecKey)` hashes its
 * input with SHA-256 again (checked on Node 20 with OpenSSL 3.0), and WebCrypto always hashes. So
 * the signature comes from @noble/curves, an audited implementation, with `prehash: false`.
 *
 * NOTE: a production deployment signs in an HSM, which keeps the scalar out of process memory.
 */

/** Reads the 32-byte private scalar of a P-256 key. @throws Error for any other key type or curve. */
export function p256PrivateScalar(key: KeyObject | Buffer): Uint8Array {
  const keyObject = Buffer.isBuffer(key) ? createPrivateKey({ key, format: 'der', type: 'pkcs8' }) : key;
  const jwk = keyObject.export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.d) throw new Error('The signing key is not an ECDSA P-256 private key.');
  return new Uint8Array(Buffer.from(jwk.d, 'base64url'));
}

/**
 * Signs a 32-byte SHA-256 digest and returns the DER signature, which
 * `openssl dgst -sha256 -verify` accepts for the data the digest was computed over.
 */
export function signDigestP256(privateScalar: Uint8Array, digest: Uint8Array): Buffer {
  if (digest.length !== 32) throw new Error(`A SHA-256 digest has 32 bytes, not ${digest.length}.`);
  // extraEntropy mixes fresh randomness into RFC 6979's deterministic nonce (hedged signing).
  return Buffer.from(p256.sign(digest, privateScalar, { prehash: false, format: 'der', extraEntropy: true }));
}
