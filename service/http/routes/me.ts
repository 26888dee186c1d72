import type { FastifyInstance } from 'fastify';

import type { Profile } from '../../../common/api/schemas';
import { maskPhoneNumber } from '../../../common/domain';
import { EidError } from '../../../common/errors';
import { checkNewPassword, hashPassword, verifyPassword } from '../../auth/passwords';
import { accountKey, accountThrottle } from '../../auth/throttle';
import { decodeHolderCertificate, decodeSealCertificate } from '../../ca';
import type { ServiceContext } from '../../context';
import type { AccountContext } from '../../store/store';
import { defineRoute } from '../define-route';

type DecodedCertificate = ReturnType<typeof decodeHolderCertificate> | ReturnType<typeof decodeSealCertificate>;

// Certificates never change once issued, so their decoded form is kept; the bound keeps memory flat.
const decodedCertificates = new Map<string, DecodedCertificate>();
const decodedCertificatesMax = 10_000;

function decodeCached(serialNumber: string, der: Uint8Array, kind: AccountContext['certificate']['kind']): DecodedCertificate {
  let decoded = decodedCertificates.get(serialNumber);
  if (!decoded) {
    decoded = kind === 'digital-seal' ? decodeSealCertificate(der) : decodeHolderCertificate(der);
    if (decodedCertificates.size >= decodedCertificatesMax) decodedCertificates.delete(decodedCertificates.keys().next().value!);
    decodedCertificates.set(serialNumber, decoded);
  }
  return decoded;
}

/**
 * The profile comes from the certificate itself, so it shows exactly what was certified. A
 * digital seal's subject names only the business, so the person's data come from the holder
 * record instead.
 */
export function buildProfile(account: AccountContext): Profile {
  const decoded = decodeCached(account.certificate.serialNumber, account.certificate.der, account.certificate.kind);
  const person =
    'organizationIdentifier' in decoded
      ? {
          givenName: account.holder.givenName,
          surname: account.holder.surname,
          personalNumber: account.holder.personalNumber,
          subjectSerialNumber: decoded.organizationIdentifier,
          gender: account.holder.gender,
          birthDate: account.holder.birthDate,
          birthCountry: account.holder.birthCountry,
          birthCity: account.holder.birthCity,
          businessName: decoded.organizationName,
          businessNumber: decoded.businessNumber,
        }
      : {
          givenName: decoded.givenName,
          surname: decoded.surname,
          personalNumber: decoded.personalNumber,
          subjectSerialNumber: decoded.subjectSerialNumber,
          gender: decoded.gender,
          birthDate: decoded.birthDate,
          birthCountry: decoded.birthCountry,
          birthCity: decoded.birthCity,
          businessName: null,
          businessNumber: null,
        };
  return {
    username: account.account.username,
    certificateKind: account.certificate.kind,
    commonName: decoded.commonName,
    ...person,
    country: decoded.country,
    // NOTE: fiscal codes are not part of enrollment yet, so the profile has none to show.
    fiscalCode: null,
    phoneNumberMasked: maskPhoneNumber(account.holder.phoneNumber),
    email: account.holder.email,
    certificate: {
      serialNumber: decoded.serialNumberHex,
      subject: decoded.subject,
      issuer: decoded.issuer,
      notBefore: decoded.notBefore.toISOString(),
      notAfter: decoded.notAfter.toISOString(),
      status: account.certificate.status,
    },
    passwordChangedAt: account.account.passwordChangedAt,
  };
}

export function registerMeRoutes(app: FastifyInstance, context: ServiceContext): void {
  defineRoute(app, context, 'getProfile', async ({ auth }) => buildProfile(auth));

  defineRoute(app, context, 'changePassword', async ({ auth, body }) => {
    const key = accountKey(auth.account.username);
    await context.throttle.assertAllowed([key]);

    if (!(await verifyPassword(auth.account.passwordHash, body.currentPassword))) {
      await context.throttle.recordFailure(key, accountThrottle);
      throw new EidError('WRONG_CURRENT_PASSWORD', { fields: [{ path: 'currentPassword', code: 'WRONG_CURRENT_PASSWORD' }] });
    }
    if (body.newPassword === body.currentPassword) {
      throw new EidError('PASSWORD_UNCHANGED', { fields: [{ path: 'newPassword', code: 'PASSWORD_UNCHANGED' }] });
    }
    checkNewPassword(body.newPassword, auth.account.username);

    const endedSessions = await context.store.changePassword(auth.account.id, await hashPassword(body.newPassword), auth.session.id, {
      at: context.now().toISOString(),
      event: 'password-changed',
      actor: `holder:${auth.account.username}`,
      certificateId: auth.certificate.id,
    });
    context.logger.info({ certificateId: auth.certificate.id, endedSessions }, 'portal password changed');
    return { endedSessions };
  });
}
