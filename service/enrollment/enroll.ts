import { webcrypto } from 'node:crypto';
import type { z } from 'zod';

import {
  DigitalSealEnrollmentRequestSchema,
  EnrollmentRequestSchema,
  type DigitalSealEnrollmentRequest,
  type EnrollmentRequest,
  type EnrollmentResult,
} from '../../common/api/schemas';
import { contractLanguages, type ContractLanguage } from '../../common/api/contracts';
import { checkPin, type CertificateKind } from '../../common/domain';
import { EidError } from '../../common/errors';
import { hashPassword } from '../auth/passwords';
import { seal } from '../credentials/aead';
import { generateErc, generatePassword, generatePin, generatePuk, generateUsername } from '../credentials/generate';
import { createEnrollmentContract } from '../contracts/enrollment-contract';
import type { NewContract } from '../contracts/contracts-store';
import { sealSigningKey } from '../credentials/signing-key';
import type { IssuedCertificate } from '../ca';
import type { ServiceContext } from '../context';
import type { NewEnrollment } from '../store/store';
import { parseDevicePublicKey } from '../wallet/device-key';
import type { NewWalletDevice } from '../wallet/wallet-store';
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

/** The personal data of the natural person who receives a certificate's information. */
type HolderData = Omit<NewEnrollment['holder'], 'language' | 'createdAt'>;

/** What differs between the kinds of certificate; everything else is `enrollCertificate`. */
interface CertificateEnrollment {
  kind: CertificateKind;
  holder: HolderData;
  /** The language of the contract, and of the holder's emails when the holder is new. */
  language: ContractLanguage;
  pin: string | undefined;
  /** The two parts of the generated user name, such as the given name and the surname. */
  usernameParts: [string, string];
  issue: (subjectPublicKey: webcrypto.CryptoKey) => Promise<IssuedCertificate>;
  business?: { businessName: string; businessNumber: string };
  walletDevice?: NewWalletDevice;
}

function assertPinAllowed(pin: string | undefined, personalNumber: string): void {
  if (pin !== undefined && checkPin(pin, personalNumber) !== null) {
    throw new EidError('INVALID_PIN', { fields: [{ path: 'pin', code: 'INVALID_PIN' }] });
  }
}

/**
 * Generates the signing key, issues the certificate, creates the account, the ERC, the PIN and
 * the PUK, and writes them with the holder in one transaction (`insertEnrollment`).
 */
async function enrollCertificate(context: ServiceContext, enrollment: CertificateEnrollment, actor: string): Promise<EnrollmentResult> {
  const pin = enrollment.pin ?? generatePin(enrollment.holder.personalNumber);
  const puk = generatePuk();
  const erc = generateErc();
  const password = generatePassword();
  const username = await uniqueUsername(context, ...enrollment.usernameParts);

  const keyPair = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const issued = await enrollment.issue(keyPair.publicKey);

  const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keyPair.privateKey));
  const sealedKey = await sealSigningKey({ pkcs8, pin, puk, pepper: context.secrets.credentialPepper, serialNumberHex: issued.serialNumberHex });
  let contract: NewContract;
  try {
    contract = await createEnrollmentContract(context, { language: enrollment.language, kind: enrollment.kind, holder: enrollment.holder, business: enrollment.business, issued, pkcs8 });
  } finally {
    pkcs8.fill(0);
  }

  const now = context.now().toISOString();
  await context.store.insertEnrollment({
    holder: { ...enrollment.holder, language: enrollment.language, createdAt: now },
    contract,
    walletDevice: enrollment.walletDevice,
    certificate: {
      kind: enrollment.kind,
      serialNumber: issued.serialNumberHex,
      der: issued.der,
      notBefore: issued.notBefore.toISOString(),
      notAfter: issued.notAfter.toISOString(),
      createdAt: now,
      businessName: enrollment.business?.businessName ?? null,
      businessNumber: enrollment.business?.businessNumber ?? null,
    },
    account: { username, passwordHash: await hashPassword(password), passwordChangedAt: now, createdAt: now },
    credential: {
      ...sealedKey,
      pinTriesLeft: pinTries,
      pukTriesLeft: pukTries,
      sealedErc: seal(context.secrets.ercKey, Buffer.from(erc, 'utf8'), ercAssociatedData(issued.serialNumberHex)),
      updatedAt: now,
    },
    audit: {
      at: now,
      event: 'enrollment',
      actor,
      details: { kind: enrollment.kind, serialNumber: issued.serialNumberHex, username, ...(enrollment.business ? { businessNumber: enrollment.business.businessNumber } : {}) },
    },
  });

  context.logger.info({ serialNumber: issued.serialNumberHex, kind: enrollment.kind, actor }, 'enrolled a certificate');
  return { username, password, erc, pin, puk, serial: issued.serialNumberHex, certificatePem: issued.pem };
}

function holderData(request: EnrollmentRequest | DigitalSealEnrollmentRequest): HolderData {
  return {
    personalNumber: request.personalNumber,
    givenName: request.givenName,
    surname: request.surname,
    gender: request.gender ?? null,
    birthDate: request.birthDate ?? null,
    birthCountry: request.birthCountry ?? null,
    birthCity: request.birthCity ?? null,
    email: request.email,
    phoneNumber: request.phoneNumber,
  };
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
  options: { walletDevicePublicKey?: string; walletDeviceLabel?: string } = {},
): Promise<EnrollmentResult> {
  const request: EnrollmentRequest = parseWithCatalogue(EnrollmentRequestSchema, input);
  const walletDevice =
    options.walletDevicePublicKey === undefined
      ? undefined
      : { publicKeySpki: parseDevicePublicKey(options.walletDevicePublicKey), label: options.walletDeviceLabel ?? 'eID wallet' };
  assertPinAllowed(request.pin, request.personalNumber);
  if (await context.store.hasActiveDigitalId(request.personalNumber)) throw new EidError('DUPLICATE_DIGITAL_ID');

  return enrollCertificate(
    context,
    {
      kind: 'digital-id',
      holder: holderData(request),
      language: request.language ?? 'sq',
      pin: request.pin,
      walletDevice,
      usernameParts: [request.givenName, request.surname],
      issue: (subjectPublicKey) =>
        context.ca.issueDigitalId({
          subjectPublicKey,
          holder: {
            givenName: request.givenName,
            surname: request.surname,
            personalNumber: request.personalNumber,
            gender: request.gender,
            birthDate: request.birthDate,
            birthCountry: request.birthCountry,
            birthCity: request.birthCity,
          },
        }),
    },
    actor,
  );
}

function storedLanguage(language: string | undefined): ContractLanguage {
  return contractLanguages.find((known) => known === language) ?? 'sq';
}

const sameText = (a: string, b: string) => a.normalize('NFC') === b.normalize('NFC');

/**
 * Enrolls a digital seal for a business registered with ARBK, with its own account, PIN, PUK and
 * ERC. The holder with the personal number is reused when the names, email and phone number
 * match, and created from the request otherwise.
 * @throws EidError VALIDATION_FAILED, INVALID_BUSINESS_NUMBER, INVALID_PIN, HOLDER_DATA_MISMATCH or DUPLICATE_DIGITAL_SEAL.
 */
export async function enrollDigitalSeal(
  context: ServiceContext,
  input: z.input<typeof DigitalSealEnrollmentRequestSchema>,
  actor: string,
): Promise<EnrollmentResult> {
  const request: DigitalSealEnrollmentRequest = parseWithCatalogue(DigitalSealEnrollmentRequestSchema, input);
  assertPinAllowed(request.pin, request.personalNumber);

  const existing = await context.store.findHolderByPersonalNumber(request.personalNumber);
  if (existing) {
    const mismatched = [
      !sameText(existing.givenName, request.givenName) && 'givenName',
      !sameText(existing.surname, request.surname) && 'surname',
      existing.email.toLowerCase() !== request.email.toLowerCase() && 'email',
      existing.phoneNumber !== request.phoneNumber && 'phoneNumber',
    ].filter((field): field is string => field !== false);
    if (mismatched.length > 0) {
      throw new EidError('HOLDER_DATA_MISMATCH', { fields: mismatched.map((path) => ({ path, code: 'HOLDER_DATA_MISMATCH' })) });
    }
  }
  if (await context.store.hasActiveDigitalSeal(request.businessNumber)) throw new EidError('DUPLICATE_DIGITAL_SEAL');

  const business = { businessName: request.businessName.normalize('NFC'), businessNumber: request.businessNumber };
  return enrollCertificate(
    context,
    {
      kind: 'digital-seal',
      holder: holderData(request),
      // Without a language in the request, an enrolled holder's seal uses the holder's stored language.
      language: request.language ?? storedLanguage(existing?.language),
      pin: request.pin,
      // NOTE: seal user names join the holder's given name and the business name, such as
      // arber.dritashpk.4821, so that a holder of several seals can tell the accounts apart.
      usernameParts: [request.givenName, business.businessName],
      issue: (subjectPublicKey) => context.ca.issueDigitalSeal({ subjectPublicKey, business }),
      business,
    },
    actor,
  );
}
