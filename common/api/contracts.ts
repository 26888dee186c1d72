import { z } from 'zod';

import { certificateKinds } from '../domain';
import type { ApiRoute } from './core-routes';

/** The languages a contract template exists in. */
export const contractLanguages = ['sq', 'sr-Latn', 'en'] as const;
export type ContractLanguage = (typeof contractLanguages)[number];

export const ContractIdParamsSchema = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }).strict();

export const ContractSummarySchema = z
  .object({
    id: z.number().int(),
    language: z.enum(contractLanguages),
    certificateKind: z.enum(certificateKinds),
    /** The serial number of the certificate the contract is for and was signed with, lower-case hex. */
    certificateSerialNumber: z.string(),
    /** Hex SHA-256 of the stored PDF bytes. */
    sha256: z.string(),
    sizeBytes: z.number().int(),
    createdAt: z.string(),
    signedAt: z.string(),
    /** The file name that the download suggests. */
    fileName: z.string(),
  })
  .meta({ id: 'ContractSummary' });
export type ContractSummary = z.infer<typeof ContractSummarySchema>;

export const ContractListSchema = z.object({ contracts: z.array(ContractSummarySchema) }).meta({ id: 'ContractList' });
export type ContractList = z.infer<typeof ContractListSchema>;

export const contractVerdicts = ['valid', 'invalid', 'unknown'] as const;
export type ContractVerdict = (typeof contractVerdicts)[number];

/**
 * The reasons a check ends other than valid. With an `invalid` reason the signature does not
 * hold, and with an `unknown` reason the service could not decide.
 */
export const contractCheckReasons = [
  // invalid
  'not-signed',
  'malformed-signature',
  'unsupported-signature',
  'content-modified',
  'signature-mismatch',
  'signing-certificate-mismatch',
  'chain-invalid',
  'certificate-not-valid-at-signing',
  'revoked-before-signing',
  'stored-copy-altered',
  // unknown
  'root-not-trusted',
  'revocation-status-unavailable',
] as const;
export type ContractCheckReason = (typeof contractCheckReasons)[number];

/** The user's remedy for an `unknown` verdict. */
export const contractCheckFixes = ['install-root', 'contact-support'] as const;
export type ContractCheckFix = (typeof contractCheckFixes)[number];

const checkOutcomes = ['passed', 'failed', 'not-checked'] as const;

export const ContractVerificationSchema = z
  .object({
    contractId: z.number().int(),
    verdict: z.enum(contractVerdicts),
    /** The reason for an `invalid` or `unknown` verdict, null when the verdict is valid. */
    reason: z.enum(contractCheckReasons).nullable(),
    /** The remedy, set only for `unknown` verdicts that the user can fix. */
    fix: z.enum(contractCheckFixes).nullable(),
    /** The download path of the root certificate, for the `install-root` fix. */
    rootCertificateUrl: z.string(),
    /** The signer's common name from the signing certificate, null when no certificate could be read. */
    signer: z.string().nullable(),
    /** The signing certificate's serial number, lower-case hex. */
    serial: z.string().nullable(),
    signingTime: z.string(),
    /**
     * `claimed`: the time the signer wrote into the PDF signature dictionary (/M), covered by
     * the signature but not proven by a time stamp. `stored`: the enrollment time the service stored.
     */
    signingTimeSource: z.enum(['claimed', 'stored']),
    checks: z.object({
      integrity: z.enum(checkOutcomes),
      signature: z.enum(checkOutcomes),
      chain: z.enum(checkOutcomes),
      revocationAtSigning: z.enum(checkOutcomes),
      revocationNow: z.enum(checkOutcomes),
    }),
    /** The revocation time, null for an active certificate. A revocation after signing leaves the signature valid. */
    revokedAt: z.string().nullable(),
    checkedAt: z.string(),
  })
  .meta({ id: 'ContractVerification' });
export type ContractVerification = z.infer<typeof ContractVerificationSchema>;

/** The holder's contracts: the list, the signed PDF and its signature check. */
export const contractsRoutes = {
  listContracts: {
    method: 'GET',
    path: '/api/v1/contracts',
    summary: "List the signed-in certificate's contracts",
    authenticated: true,
    response: ContractListSchema,
    successStatus: 200,
  },
  getContractPdf: {
    method: 'GET',
    path: '/api/v1/contracts/:id/pdf',
    summary: 'Download the signed contract exactly as stored (application/pdf)',
    authenticated: true,
    params: ContractIdParamsSchema,
    response: 'binary',
    successStatus: 200,
  },
  getContractVerification: {
    method: 'GET',
    path: '/api/v1/contracts/:id/verification',
    summary: "Check the contract's signature: integrity, CMS signature, chain to the root and revocation",
    authenticated: true,
    params: ContractIdParamsSchema,
    response: ContractVerificationSchema,
    successStatus: 200,
  },
} as const satisfies Record<string, ApiRoute>;
