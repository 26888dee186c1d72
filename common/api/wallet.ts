import { z } from 'zod';

import type { ApiRoute } from './core-routes';
import { PhoneNumberSchema } from './schemas';
import { PinSchema } from './security';

/**
 * The wallet: the holder's phone app, whose device key authorises remote signatures with the
 * certificate's key. The portal routes (`/api/v1/wallet...`, in the session) show the wallet and
 * start a connection or migration. The phone calls the wallet routes (`/wallet/v1/...`, no
 * session), which follow the Cloud Signature Consortium API (credentialID, hashes, signatures).
 */

/** OID of SHA-256, the only hash algorithm the signature endpoint accepts. */
export const sha256Oid = '2.16.840.1.101.3.4.2.1';
/** OID of ecdsa-with-SHA256, the algorithm of the returned signatures. */
export const ecdsaWithSha256Oid = '1.2.840.10045.4.3.2';

export const maxHashesPerRequest = 50;
export const activationCodeLength = { min: 6, max: 8 } as const;

/** A certificate serial number in lower-case hex, as the service prints it. */
export const CredentialIdSchema = z.string().regex(/^[0-9a-f]{2,64}$/, 'VALIDATION_FAILED');

const Base64Schema = z.string().max(4096).regex(/^[A-Za-z0-9+/]+={0,2}$/, 'VALIDATION_FAILED');
/** A SHA-256 digest, base64: 44 characters ending in one `=`. */
const Sha256Base64Schema = z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'VALIDATION_FAILED');

/**
 * Builds the text a wallet signs with its device key for one signature request. It binds the
 * challenge to the credential and to the exact hashes, so a captured proof cannot be replayed
 * for other documents.
 */
export function deviceProofMessage(request: { credentialID: string; challengeId: string; challenge: string; hashes: readonly string[] }): string {
  return ['eid-wallet-signature-v1', request.credentialID, request.challengeId, request.challenge, ...request.hashes].join('\n');
}

export const WalletDeviceSchema = z.object({
  label: z.string(),
  activatedAt: z.string(),
  /** Base64url SHA-256 of the device public key (SubjectPublicKeyInfo DER). */
  keyId: z.string(),
});

export const WalletStateSchema = z
  .object({
    state: z.enum(['none', 'active']),
    device: WalletDeviceSchema.nullable(),
    /** The enrollment phone number, masked; the SMS code goes there and it cannot be changed. */
    phoneNumberMasked: z.string(),
    certificateRevoked: z.boolean(),
    pendingActivation: z.object({ activationId: z.string(), expiresAt: z.string() }).nullable(),
  })
  .meta({ id: 'WalletState' });
export type WalletState = z.infer<typeof WalletStateSchema>;

export const WalletActivationSchema = z
  .object({
    activationId: z.string(),
    /** The text of the QR code the wallet scans: `eid-wallet:activate?service=...&activation=...`. */
    qrPayload: z.string(),
    expiresAt: z.string(),
    phoneNumberMasked: z.string(),
    /** Whether completing it replaces a connected device. */
    migration: z.boolean(),
  })
  .meta({ id: 'WalletActivation' });
export type WalletActivation = z.infer<typeof WalletActivationSchema>;

export const ActivationParamsSchema = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'NOT_FOUND') });

export const CompleteActivationRequestSchema = z
  .object({
    code: z.string().regex(new RegExp(`^\\d{${activationCodeLength.min},${activationCodeLength.max}}$`), 'VALIDATION_FAILED'),
    phoneNumber: PhoneNumberSchema,
    /** ECDSA P-256 SubjectPublicKeyInfo, PEM or base64 DER. */
    devicePublicKey: z.string().min(1).max(4096),
    deviceLabel: z.string().trim().min(1).max(64).optional(),
  })
  .strict()
  .meta({ id: 'CompleteActivationRequest' });
export type CompleteActivationRequest = z.infer<typeof CompleteActivationRequestSchema>;

export const CompleteActivationResponseSchema = z
  .object({
    credentialID: z.string(),
    deviceKeyId: z.string(),
    activatedAt: z.string(),
    /** True when another device was connected before and no longer works. */
    replacedDevice: z.boolean(),
  })
  .meta({ id: 'CompleteActivationResponse' });
export type CompleteActivationResponse = z.infer<typeof CompleteActivationResponseSchema>;

export const ChallengeRequestSchema = z
  .object({
    credentialID: CredentialIdSchema,
    /** The wallet's own key id, so that a replaced device gets WALLET_DEVICE_REPLACED at once. */
    deviceKeyId: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'VALIDATION_FAILED').optional(),
  })
  .strict()
  .meta({ id: 'ChallengeRequest' });
export type ChallengeRequest = z.infer<typeof ChallengeRequestSchema>;

export const ChallengeResponseSchema = z
  .object({
    challengeId: z.string(),
    /** 32 random bytes, base64. */
    challenge: z.string(),
    expiresAt: z.string(),
  })
  .meta({ id: 'ChallengeResponse' });
export type ChallengeResponse = z.infer<typeof ChallengeResponseSchema>;

export const SignaturesRequestSchema = z
  .object({
    credentialID: CredentialIdSchema,
    /** SHA-256 digests of the data to sign, base64. */
    hashes: z.array(Sha256Base64Schema).min(1).max(maxHashesPerRequest),
    hashAlgorithmOID: z.literal(sha256Oid).default(sha256Oid),
    signAlgo: z.literal(ecdsaWithSha256Oid).default(ecdsaWithSha256Oid),
    pin: PinSchema,
    challengeId: z.string().min(1).max(64),
    /** ECDSA P-256 with SHA-256 over deviceProofMessage(...), DER, base64. */
    deviceSignature: Base64Schema,
  })
  .strict()
  .meta({ id: 'SignaturesRequest' });
export type SignaturesRequest = z.input<typeof SignaturesRequestSchema>;

export const SignaturesResponseSchema = z
  .object({
    /** One DER-encoded ECDSA signature per hash, base64, in the order of `hashes`. */
    signatures: z.array(z.string()),
    signAlgo: z.string(),
  })
  .meta({ id: 'SignaturesResponse' });
export type SignaturesResponse = z.infer<typeof SignaturesResponseSchema>;

export const walletRoutes = {
  getWallet: {
    method: 'GET',
    path: '/api/v1/wallet',
    summary: 'Read the connected wallet device, if any, and any pending activation',
    authenticated: true,
    response: WalletStateSchema,
    successStatus: 200,
  },
  startWalletActivation: {
    method: 'POST',
    path: '/api/v1/wallet/activations',
    summary: 'Start connecting or migrating the wallet: sends a code by SMS to the enrollment phone number',
    authenticated: true,
    response: WalletActivationSchema,
    successStatus: 201,
  },
  completeWalletActivation: {
    method: 'POST',
    path: '/wallet/v1/activations/:id',
    summary: 'Complete a wallet activation from the phone; the new device becomes the only active one',
    authenticated: false,
    params: ActivationParamsSchema,
    body: CompleteActivationRequestSchema,
    response: CompleteActivationResponseSchema,
    successStatus: 200,
  },
  createWalletChallenge: {
    method: 'POST',
    path: '/wallet/v1/challenges',
    summary: 'Issue a single-use challenge that the wallet signs with its device key',
    authenticated: false,
    body: ChallengeRequestSchema,
    response: ChallengeResponseSchema,
    successStatus: 201,
  },
  walletSignatures: {
    method: 'POST',
    path: '/wallet/v1/signatures',
    summary: 'Sign SHA-256 hashes with the certificate key, authorised by the device proof and the PIN',
    authenticated: false,
    body: SignaturesRequestSchema,
    response: SignaturesResponseSchema,
    successStatus: 200,
  },
} as const satisfies Record<string, ApiRoute>;
