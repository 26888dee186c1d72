import type { ContractLanguage } from '../../common/api/contracts';
import type { CertificateKind } from '../../common/domain';
import type { IssuedCertificate } from '../ca';
import type { ServiceContext } from '../context';
import type { NewContract } from './contracts-store';
import { createSignedContract } from './sign';

/**
 * Generates the contract for a newly issued certificate and signs it with the certificate's own
 * key, for enrollment to store in its transaction. The key is the one enrollment has just sealed
 * under the PIN and PUK that the same enrollment sets.
 */
export async function createEnrollmentContract(
  context: ServiceContext,
  options: {
    language: ContractLanguage;
    kind: CertificateKind;
    holder: { givenName: string; surname: string; personalNumber: string };
    business?: { businessName: string; businessNumber: string };
    issued: IssuedCertificate;
    pkcs8: Uint8Array;
  },
): Promise<NewContract> {
  const createdAt = context.now();
  const signed = await createSignedContract({
    parties: {
      language: options.language,
      holder: options.holder,
      certificate: { kind: options.kind, serialNumber: options.issued.serialNumberHex, notBefore: options.issued.notBefore, notAfter: options.issued.notAfter },
      business: options.business ? { name: options.business.businessName, number: options.business.businessNumber } : null,
      date: createdAt,
    },
    pkcs8: options.pkcs8,
    certificateDer: options.issued.der,
    chainDer: [context.ca.issuingCertificateDer],
    signingTime: createdAt,
  });
  const signedAt = context.now();
  return { language: options.language, pdf: signed.pdf, sha256: signed.sha256, createdAt: createdAt.toISOString(), signedAt: signedAt.toISOString() };
}
