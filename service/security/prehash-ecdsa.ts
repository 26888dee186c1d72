import { createECDH, createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';

/**
 * ECDSA P-256 over a digest the caller already computed, as the Cloud Signature Consortium
 * signHash call needs. node:crypto cannot do this: `crypto.sign(null, digest, ecKey)` hashes its
 * input with SHA-256 again (checked on Node 20 with OpenSSL 3.0), and WebCrypto always hashes. So
 * the scalar arithmetic is done here, while OpenSSL (through ECDH) computes the point k·G.
 *
 * NOTE: BigInt arithmetic is not constant-time. The private scalar is blinded with a fresh random
 * factor per signature, which hides it from simple timing analysis, but a production deployment
 * signs in an HSM.
 */

const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

function toBigInt(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
}

function toBytes32(value: bigint): Buffer {
  return Buffer.from(value.toString(16).padStart(64, '0'), 'hex');
}

function mod(value: bigint): bigint {
  const result = value % n;
  return result < 0n ? result + n : result;
}

function modPow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let factor = mod(base);
  for (let rest = exponent; rest > 0n; rest >>= 1n) {
    if (rest & 1n) result = (result * factor) % n;
    factor = (factor * factor) % n;
  }
  return result;
}

/** Draws a uniformly random scalar in [1, n-1] by rejection sampling. */
function randomScalar(): bigint {
  for (;;) {
    const candidate = toBigInt(randomBytes(32));
    if (candidate > 0n && candidate < n) return candidate;
  }
}

function derInteger(value: bigint): Buffer {
  let bytes = Buffer.from(value.toString(16).padStart(64, '0'), 'hex');
  while (bytes.length > 1 && bytes[0] === 0 && (bytes[1]! & 0x80) === 0) bytes = bytes.subarray(1);
  if ((bytes[0]! & 0x80) !== 0) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

/** Encodes (r, s) as the DER SEQUENCE of two INTEGERs that X.509 and CMS use (at most 72 bytes). */
export function encodeDerSignature(r: bigint, s: bigint): Buffer {
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/** Reads the private scalar of a P-256 key. @throws Error for any other key type or curve. */
export function p256PrivateScalar(key: KeyObject | Buffer): bigint {
  const keyObject = Buffer.isBuffer(key) ? createPrivateKey({ key, format: 'der', type: 'pkcs8' }) : key;
  const jwk = keyObject.export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.d) throw new Error('The signing key is not an ECDSA P-256 private key.');
  return toBigInt(Buffer.from(jwk.d, 'base64url'));
}

/**
 * Signs a 32-byte SHA-256 digest with a P-256 private scalar and returns the DER signature, which
 * `openssl dgst -sha256 -verify` accepts for the data the digest was computed over.
 */
export function signDigestP256(privateScalar: bigint, digest: Uint8Array): Buffer {
  if (digest.length !== 32) throw new Error(`A SHA-256 digest has 32 bytes, not ${digest.length}.`);
  // The digest is as long as the group order, so FIPS 186-4's leftmost-bits truncation keeps it whole.
  const e = mod(toBigInt(digest));
  const ecdh = createECDH('prime256v1');

  for (;;) {
    const k = randomScalar();
    ecdh.setPrivateKey(toBytes32(k));
    const point = ecdh.getPublicKey();
    const r = mod(toBigInt(point.subarray(1, 33)));
    if (r === 0n) continue;

    // s = k⁻¹(e + r·d) computed as (k·b)⁻¹(b·e + b·r·d) with a random b, so the timing of the
    // multiplications that involve d does not depend on d alone.
    const blind = randomScalar();
    const kBlindInverse = modPow(mod(k * blind), n - 2n);
    const s = mod(kBlindInverse * mod(mod(blind * e) + mod(mod(blind * r) * privateScalar)));
    if (s === 0n) continue;
    return encodeDerSignature(r, s);
  }
}
