import { z } from 'zod';

import { certificateKinds } from '../domain';
import type { ApiRoute } from './core-routes';
import { EmailSchema, PersonalNumberSchema } from './schemas';

/**
 * Lost-info recovery: a holder who lost a certificate's user name, ERC or password proves the
 * personal number and the email address given at enrollment with a code sent to that address.
 * A holder who still has the ERC resets the password with the user name and the ERC instead.
 */

export const recoveryWants = ['username', 'erc', 'password'] as const;
export type RecoveryWant = (typeof recoveryWants)[number];

/** Digits of the emailed code. */
export const recoveryCodeLength = 8;

/** A recovery request id: 128 random bits, base64url without padding. */
export const RecoveryRequestIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'RECOVERY_NOT_FOUND');
export const RecoveryParamsSchema = z.object({ id: RecoveryRequestIdSchema }).strict();

/** A certificate serial number as the service writes it: lower-case hex. */
const CertificateSerialSchema = z.string().regex(/^[0-9a-f]{1,40}$/);
/** A grant: 256 random bits, base64url without padding. */
const GrantSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'RECOVERY_STEP_NOT_ALLOWED');

export const StartRecoveryRequestSchema = z
  .object({
    personalNumber: PersonalNumberSchema,
    email: EmailSchema,
    want: z.enum(recoveryWants),
  })
  .strict()
  .meta({ id: 'StartRecoveryRequest' });
export type StartRecoveryRequest = z.infer<typeof StartRecoveryRequestSchema>;

/**
 * The answer to every well-formed recovery request, whether or not a holder matched: only
 * `requestId` differs from one request to the next.
 */
export const StartRecoveryResponseSchema = z
  .object({
    requestId: z.string(),
    /** How long the emailed code stays valid. */
    codeValidSeconds: z.number().int(),
  })
  .meta({ id: 'StartRecoveryResponse' });
export type StartRecoveryResponse = z.infer<typeof StartRecoveryResponseSchema>;

export const VerifyRecoveryRequestSchema = z
  .object({ code: z.string().regex(new RegExp(`^\\d{${recoveryCodeLength}}$`), 'INVALID_RECOVERY_CODE') })
  .strict()
  .meta({ id: 'VerifyRecoveryRequest' });
export type VerifyRecoveryRequest = z.infer<typeof VerifyRecoveryRequestSchema>;

/** One active certificate of the holder, as the recovery flow lists it. */
export const RecoveryCertificateSchema = z
  .object({
    serialNumber: z.string(),
    kind: z.enum(certificateKinds),
    /** Filled only when the user name is what the holder recovers. */
    username: z.string().nullable(),
    businessName: z.string().nullable(),
    businessNumber: z.string().nullable(),
    notAfter: z.string(),
  })
  .meta({ id: 'RecoveryCertificate' });
export type RecoveryCertificate = z.infer<typeof RecoveryCertificateSchema>;

export const VerifyRecoveryResponseSchema = z
  .object({
    want: z.enum(recoveryWants),
    /** The holder's active certificates: the digital ID and each digital seal. */
    certificates: z.array(RecoveryCertificateSchema),
    /**
     * For `erc` and `password`: the secret that authorises the next step for one certificate of
     * the list. Null for `username`, which ends here.
     */
    grant: z.string().nullable(),
    grantExpiresAt: z.string().nullable(),
  })
  .meta({ id: 'VerifyRecoveryResponse' });
export type VerifyRecoveryResponse = z.infer<typeof VerifyRecoveryResponseSchema>;

export const RevealRecoveredErcRequestSchema = z
  .object({ grant: GrantSchema, certificateSerial: CertificateSerialSchema })
  .strict()
  .meta({ id: 'RevealRecoveredErcRequest' });
export type RevealRecoveredErcRequest = z.infer<typeof RevealRecoveredErcRequestSchema>;

export const RevealRecoveredErcResponseSchema = z
  .object({ certificateSerial: z.string(), erc: z.string() })
  .meta({ id: 'RevealRecoveredErcResponse' });
export type RevealRecoveredErcResponse = z.infer<typeof RevealRecoveredErcResponseSchema>;

export const ResetRecoveredPasswordRequestSchema = z
  .object({ grant: GrantSchema, certificateSerial: CertificateSerialSchema, newPassword: z.string().max(1024) })
  .strict()
  .meta({ id: 'ResetRecoveredPasswordRequest' });
export type ResetRecoveredPasswordRequest = z.infer<typeof ResetRecoveredPasswordRequestSchema>;

export const ResetRecoveredPasswordResponseSchema = z
  .object({
    certificateSerial: z.string(),
    /** The user name to sign in with the new password. */
    username: z.string(),
    /** How many sessions of the certificate's account the reset ended. */
    endedSessions: z.number().int(),
  })
  .meta({ id: 'ResetRecoveredPasswordResponse' });
export type ResetRecoveredPasswordResponse = z.infer<typeof ResetRecoveredPasswordResponseSchema>;

export const ResetPasswordWithErcRequestSchema = z
  .object({
    username: z.string().trim().min(1).max(128),
    erc: z.string().min(1).max(64),
    newPassword: z.string().max(1024),
  })
  .strict()
  .meta({ id: 'ResetPasswordWithErcRequest' });
export type ResetPasswordWithErcRequest = z.infer<typeof ResetPasswordWithErcRequestSchema>;

export const ResetPasswordWithErcResponseSchema = z
  .object({ endedSessions: z.number().int() })
  .meta({ id: 'ResetPasswordWithErcResponse' });
export type ResetPasswordWithErcResponse = z.infer<typeof ResetPasswordWithErcResponseSchema>;

export const recoveryRoutes = {
  startRecovery: {
    method: 'POST',
    path: '/api/v1/recovery',
    summary: 'Ask for a code by email to recover a user name, an ERC or a password; the answer is the same whether or not a holder matches',
    authenticated: false,
    body: StartRecoveryRequestSchema,
    response: StartRecoveryResponseSchema,
    successStatus: 202,
  },
  verifyRecovery: {
    method: 'POST',
    path: '/api/v1/recovery/:id/verify',
    summary: 'Check the emailed code; returns the user names, or the certificates to choose from and a grant',
    authenticated: false,
    params: RecoveryParamsSchema,
    body: VerifyRecoveryRequestSchema,
    response: VerifyRecoveryResponseSchema,
    successStatus: 200,
  },
  revealRecoveredErc: {
    method: 'POST',
    path: '/api/v1/recovery/:id/erc',
    summary: 'Show the ERC of the chosen certificate once',
    authenticated: false,
    params: RecoveryParamsSchema,
    body: RevealRecoveredErcRequestSchema,
    response: RevealRecoveredErcResponseSchema,
    successStatus: 200,
  },
  resetRecoveredPassword: {
    method: 'POST',
    path: '/api/v1/recovery/:id/password',
    summary: 'Set a new password for the chosen certificate and end every session of its account',
    authenticated: false,
    params: RecoveryParamsSchema,
    body: ResetRecoveredPasswordRequestSchema,
    response: ResetRecoveredPasswordResponseSchema,
    successStatus: 200,
  },
  resetPasswordWithErc: {
    method: 'POST',
    path: '/api/v1/recovery/password-with-erc',
    summary: 'Set a new password with the user name and the ERC of a certificate, without email',
    authenticated: false,
    body: ResetPasswordWithErcRequestSchema,
    response: ResetPasswordWithErcResponseSchema,
    successStatus: 200,
  },
} as const satisfies Record<string, ApiRoute>;
