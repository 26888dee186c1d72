import { hash, verify } from '@node-rs/argon2';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { passwordPolicy } from '../../common/domain';
import { EidError } from '../../common/errors';

// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
const argon2Options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

const commonPasswords = new Set(
  readFileSync(fileURLToPath(new URL('../../resources/common-passwords.txt', import.meta.url)), 'utf8')
    .split('\n')
    .map((line) => line.trim().toLowerCase())
    .filter((line) => line.length > 0 && !line.startsWith('#')),
);

export async function hashPassword(password: string): Promise<string> {
  return hash(password, argon2Options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies against a throw-away hash, so a sign-in for an unknown user name costs the same time
 * as one with a wrong password.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword('dummy password that matches no account');
  await verifyPassword(await dummyHash, password);
  return false;
}

/**
 * Checks a new portal password: length, the bundled list of common passwords, the user name.
 * @throws EidError with the PASSWORD_* code of the first rule that fails.
 */
export function checkNewPassword(password: string, username: string): void {
  const length = [...password].length;
  if (length < passwordPolicy.minLength) throw new EidError('PASSWORD_TOO_SHORT', { fields: [{ path: 'newPassword', code: 'PASSWORD_TOO_SHORT' }] });
  if (length > passwordPolicy.maxLength) throw new EidError('PASSWORD_TOO_LONG', { fields: [{ path: 'newPassword', code: 'PASSWORD_TOO_LONG' }] });
  if (commonPasswords.has(password.toLowerCase())) {
    throw new EidError('PASSWORD_TOO_COMMON', { fields: [{ path: 'newPassword', code: 'PASSWORD_TOO_COMMON' }] });
  }
  if (password.toLowerCase().includes(username.toLowerCase())) {
    throw new EidError('PASSWORD_CONTAINS_USERNAME', { fields: [{ path: 'newPassword', code: 'PASSWORD_CONTAINS_USERNAME' }] });
  }
}
