import { webcrypto } from 'node:crypto';
import type { z } from 'zod';

import { EnrollmentRequestSchema, type EnrollmentRequest, type EnrollmentResult } from '../../common/api/schemas';
import { checkPin } from '../../common/domain';
import { EidError } from '../../common/errors';
import { hashPassword } from '../auth/passwords';
import { seal } from '../credentials/aead';
import { generateErc, generatePassword, generatePin, generatePuk, generateUsername } from '../credentials/generate';
import { sealSigningKey } from '../credentials/signing-key';
import type { ServiceContext } from '../context';
import { parseWithCatalogue } from '../../common/validation';

export const pinTries = 3;
export const pukTries = 10;

export function ercAssociatedData(serialNumberHex: string): string {
  return `erc/${serialNumberHex}`;
}

async function uniqueUsername(context: ServiceContext, givenName: string, surname: string): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const candidate = generateUsername(givenName, surname);
    if (!(await context.store.usernameExists(candidate))) return candidate;
  }
  throw new Error('Could not find a free user name after 20 tries');
}

/**
 * Enrolls a holder's digital ID: generates the signing key, issues the certificate, creates the
 * account, the ERC, the PIN and the PUK, and writes it all in one transaction. The returned
 * certificate information is shown once and never stored in clear.
 * @throws EidError VALIDATION_FAILED (with field codes), INVALID_PIN or DUPLICATE_DIGITAL_ID.
 */
export async function enrollDigitalId(
  context: ServiceContext,
  input: z.input<typeof EnrollmentRequestSchema>,
  actor: string,
): Promise<EnrollmentResult> {
  const request: EnrollmentRequest = parseWithCatalogue(EnrollmentRequestSchema, input);
  if (request.pin !== undefined && checkPin(request.pin, request.personalNumber) !== null) {
    throw new EidError('INVALID_PIN', { fields: [{ path: 'pin', code: 'INVALID_PIN' }] });
  }
  if (await context.store.hasActiveDigitalId(request.personalNumber)) throw new EidError('DUPLICATE_DIGITAL_ID');

  const pin = request.pin ?? generatePin(request.personalNumber);
  const puk = generatePuk();
  const erc = generateErc();
  const password = generatePassword();
  const username = await uniqueUsername(context, request.givenName, request.surname);

  const keyPair = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const issued = await context.ca.issueDigitalId({
    subjectPublicKey: keyPair.publicKey,
    holder: {
      givenName: request.givenName,
      surname: request.surname,
      personalNumber: request.personalNumber,
      gender: request.gender,
      birthDate: request.birthDate,
      birthCountry: request.birthCountry,
      birthCity: request.birthCity,
    },
  });

  const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keyPair.privateKey));
  const sealedKey = await sealSigningKey({ pkcs8, pin, puk, pepper: context.secrets.credentialPepper, serialNumberHex: issued.serialNumberHex });
  pkcs8.fill(0);

  const now = context.now().toISOString();
  await context.store.insertEnrollment({
    holder: {
      personalNumber: request.personalNumber,
      givenName: request.givenName,
      surname: request.surname,
      gender: request.gender ?? null,
      birthDate: request.birthDate ?? null,
      birthCountry: request.birthCountry ?? null,
      birthCity: request.birthCity ?? null,
      email: request.email,
      phoneNumber: request.phoneNumber,
      language: 'sq',
      createdAt: now,
    },
    certificate: {
      kind: 'digital-id',
      serialNumber: issued.serialNumberHex,
      der: issued.der,
      notBefore: issued.notBefore.toISOString(),
      notAfter: issued.notAfter.toISOString(),
      createdAt: now,
    },
    account: { username, passwordHash: await hashPassword(password), passwordChangedAt: now, createdAt: now },
    credential: {
      ...sealedKey,
      pinTriesLeft: pinTries,
      pukTriesLeft: pukTries,
      sealedErc: seal(context.secrets.ercKey, Buffer.from(erc, 'utf8'), ercAssociatedData(issued.serialNumberHex)),
      updatedAt: now,
    },
    audit: { at: now, event: 'enrollment', actor, details: { kind: 'digital-id', serialNumber: issued.serialNumberHex, username } },
  });

  context.logger.info({ serialNumber: issued.serialNumberHex, actor }, 'enrolled a digital ID');
  return { username, password, erc, pin, puk, serial: issued.serialNumberHex, certificatePem: issued.pem };
}
