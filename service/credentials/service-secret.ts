import { randomBytes, hkdfSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The service secret: 32 random bytes kept in a file outside the database. Every other service
 * key is derived from it with HKDF-SHA256 under a distinct label, so a copy of the database alone
 * cannot decrypt the CA keys, the ERCs or unwrap a holder's signing key.
 *
 * The file is `<data>/service-secret` unless EID_SERVICE_SECRET_FILE names another path, which a
 * production deployment should do, keeping it on other storage than the database.
 */
export interface ServiceSecrets {
  /** Passphrase of the encrypted PKCS#8 files of the root and issuing CA. */
  caKeyPassphrase: string;
  /** AES-256 key that encrypts each certificate's ERC. */
  ercKey: Buffer;
  /** argon2id secret ("pepper") mixed into the PIN- and PUK-derived wrapping keys. */
  credentialPepper: Buffer;
}

function deriveKey(secret: Buffer, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `eid-self-service/${label}`, 32));
}

function readOrCreateSecret(file: string): Buffer {
  if (existsSync(file)) {
    const secret = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
    if (secret.length !== 32) throw new Error(`The service secret in ${file} is not 64 hex characters; restore it from backup.`);
    return secret;
  }

  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${secret.toString('hex')}\n`, { mode: 0o600 });
  renameSync(temporary, file);
  chmodSync(file, 0o600);
  return secret;
}

export function loadServiceSecrets(dataDir: string): ServiceSecrets {
  const file = process.env.EID_SERVICE_SECRET_FILE ?? path.join(dataDir, 'service-secret');
  const secret = readOrCreateSecret(file);

  return {
    caKeyPassphrase: deriveKey(secret, 'ca-key-passphrase').toString('base64url'),
    ercKey: deriveKey(secret, 'erc-encryption'),
    credentialPepper: deriveKey(secret, 'credential-pepper'),
  };
}
