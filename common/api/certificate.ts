import { z } from 'zod';

import { certificateKinds, certificateStatuses, personalNumberPattern } from '../domain';
import type { ApiRoute } from './core-routes';

/**
 * Identity management: the signed-in holder's certificate, its downloads and its revocation,
 * including the emergency revocation that needs no session.
 */

/** The RFC 5280 CRLReason values a holder may choose, with their codes. */
export const revocationReasonCodes = {
  unspecified: 0,
  keyCompromise: 1,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
} as const;
export type RevocationReason = keyof typeof revocationReasonCodes;
export const revocationReasons = Object.keys(revocationReasonCodes) as [RevocationReason, ...RevocationReason[]];

/**
 * The word a holder types to confirm a revocation, one per portal language. The service accepts
 * any of them, so the API does not depend on the language of the page, but only as shown, in
 * capitals: the typing is the holder's deliberate act for a step that cannot be undone.
 */
export const revocationConfirmationWords = { sq: 'REVOKO', 'sr-Latn': 'OPOZOVI', en: 'REVOKE' } as const;

export function isRevocationConfirmation(value: string): boolean {
  const typed = value.trim();
  return Object.values(revocationConfirmationWords).some((word) => word === typed);
}

export const certificateDownloadFormats = ['pem', 'der', 'chain-pem', 'p7b'] as const;
export type CertificateDownloadFormat = (typeof certificateDownloadFormats)[number];

export const RevocationReasonSchema = z.enum(revocationReasons, { error: 'INVALID_REVOCATION_REASON' });

export const CertificateInfoSchema = z
  .object({
    kind: z.enum(certificateKinds),
    status: z.enum(certificateStatuses),
    /** Lower-case hex, as in the profile. */
    serialNumber: z.string(),
    notBefore: z.string(),
    notAfter: z.string(),
    /** RFC 4514 text. */
    issuer: z.string(),
    subject: z.string(),
    revokedAt: z.string().nullable(),
    revocationReason: RevocationReasonSchema.nullable(),
  })
  .meta({ id: 'CertificateInfo' });
export type CertificateInfo = z.infer<typeof CertificateInfoSchema>;

export const CertificateDownloadQuerySchema = z
  .object({ format: z.enum(certificateDownloadFormats, { error: 'UNSUPPORTED_DOWNLOAD_FORMAT' }) })
  .strict()
  .meta({ id: 'CertificateDownloadQuery' });

export const RevocationRequestSchema = z
  .object({
    reason: RevocationReasonSchema,
    erc: z.string().min(1).max(64),
    /** One of `revocationConfirmationWords`. */
    confirmation: z.string({ error: 'REVOCATION_NOT_CONFIRMED' }).max(64).refine(isRevocationConfirmation, 'REVOCATION_NOT_CONFIRMED'),
  })
  .strict()
  .meta({ id: 'RevocationRequest' });
export type RevocationRequest = z.input<typeof RevocationRequestSchema>;

export const RevocationResultSchema = z
  .object({
    serialNumber: z.string(),
    revokedAt: z.string(),
    revocationReason: RevocationReasonSchema,
  })
  .meta({ id: 'RevocationResult' });
export type RevocationResult = z.infer<typeof RevocationResultSchema>;

export const EmergencyRevocationRequestSchema = z
  .object({
    personalNumber: z.string().regex(personalNumberPattern, 'INVALID_PERSONAL_NUMBER'),
    username: z.string().min(1).max(128),
    erc: z.string().min(1).max(64),
    reason: RevocationReasonSchema.default('keyCompromise'),
  })
  .strict()
  .meta({ id: 'EmergencyRevocationRequest' });
export type EmergencyRevocationRequest = z.input<typeof EmergencyRevocationRequestSchema>;

export const EmergencyRevocationResponseSchema = z
  .object({
    /** Always `received`: the answer does not tell whether the details matched a certificate. */
    status: z.literal('received'),
  })
  .meta({ id: 'EmergencyRevocationResponse' });

export const certificateRoutes = {
  getCertificate: {
    method: 'GET',
    path: '/api/v1/certificate',
    summary: "Read the signed-in certificate's status, serial number, validity, issuer and subject",
    authenticated: true,
    response: CertificateInfoSchema,
    successStatus: 200,
  },
  downloadCertificate: {
    method: 'GET',
    path: '/api/v1/certificate/download',
    summary: 'Download the signed-in certificate as PEM, DER, a PEM chain or a PKCS#7 (.p7b) bundle',
    authenticated: true,
    query: CertificateDownloadQuerySchema,
    response: 'binary',
    successStatus: 200,
  },
  revokeCertificate: {
    method: 'POST',
    path: '/api/v1/certificate/revocation',
    summary: 'Revoke the signed-in certificate for good; the ERC authorises it',
    authenticated: true,
    body: RevocationRequestSchema,
    response: RevocationResultSchema,
    successStatus: 200,
  },
  getRevocationReceipt: {
    method: 'GET',
    path: '/api/v1/certificate/revocation/receipt',
    summary: 'Download the revocation receipt (PDF) of the signed-in, revoked certificate',
    authenticated: true,
    response: 'binary',
    successStatus: 200,
  },
  emergencyRevocation: {
    method: 'POST',
    path: '/api/v1/certificate/emergency-revocation',
    summary: 'Revoke a digital ID without signing in (lost phone): personal number, user name and ERC',
    authenticated: false,
    body: EmergencyRevocationRequestSchema,
    response: EmergencyRevocationResponseSchema,
    successStatus: 202,
  },
} as const satisfies Record<string, ApiRoute>;
