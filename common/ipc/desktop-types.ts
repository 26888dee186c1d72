import { z } from 'zod';

import { certificateKinds, certificateStatuses } from '../domain';

/**
 * Payload schemas and result types of the desktop-only IPC channels: PKCS#11 tokens, settings,
 * the offline cache, several signed-in certificates and file saving.
 */

/** The token flags of CK_TOKEN_INFO (PKCS#11 v2.40, section 3.2) that the Tokens screen names. */
export const tokenFlagNames = [
  'CKF_RNG',
  'CKF_WRITE_PROTECTED',
  'CKF_LOGIN_REQUIRED',
  'CKF_USER_PIN_INITIALIZED',
  'CKF_RESTORE_KEY_NOT_NEEDED',
  'CKF_CLOCK_ON_TOKEN',
  'CKF_PROTECTED_AUTHENTICATION_PATH',
  'CKF_DUAL_CRYPTO_OPERATIONS',
  'CKF_TOKEN_INITIALIZED',
  'CKF_SECONDARY_AUTHENTICATION',
  'CKF_USER_PIN_COUNT_LOW',
  'CKF_USER_PIN_FINAL_TRY',
  'CKF_USER_PIN_LOCKED',
  'CKF_USER_PIN_TO_BE_CHANGED',
  'CKF_SO_PIN_COUNT_LOW',
  'CKF_SO_PIN_FINAL_TRY',
  'CKF_SO_PIN_LOCKED',
  'CKF_SO_PIN_TO_BE_CHANGED',
  'CKF_ERROR_STATE',
] as const;
export type TokenFlagName = (typeof tokenFlagNames)[number];

/** The PKCS#11 limit on CK_UTF8CHAR PIN buffers that tokens commonly accept; the token's own ulMaxPinLen is checked as well. */
export const maxTokenPinBytes = 255;

/** Longest PKCS#11 module path accepted in the settings, in characters. */
export const maxModulePathLength = 4096;

/**
 * A PIN or SO PIN as typed by the user. It is sent to the token as UTF-8 bytes, so the byte
 * length is what the token's limits apply to. Control characters cannot be typed on a PIN pad
 * and are rejected.
 */
export const TokenPinSchema = z
  .string()
  .min(1, 'TOKEN_PIN_LENGTH')
  .refine((pin) => new TextEncoder().encode(pin).length <= maxTokenPinBytes, 'TOKEN_PIN_LENGTH')
  // eslint-disable-next-line no-control-regex
  .refine((pin) => !/[\u0000-\u001f\u007f]/.test(pin), 'TOKEN_PIN_INVALID');

const ModulePathSchema = z.string().min(1).max(maxModulePathLength);

/** Identifies one token: the module that reaches it and its serial number, which, unlike the slot id, stays the same. */
const TokenRefShape = {
  modulePath: ModulePathSchema,
  tokenSerial: z.string().min(1).max(64),
};

export const ChangeTokenPinPayloadSchema = z.object({ ...TokenRefShape, currentPin: TokenPinSchema, newPin: TokenPinSchema }).strict();
export const ResetTokenPinPayloadSchema = z.object({ ...TokenRefShape, soPin: TokenPinSchema, newPin: TokenPinSchema }).strict();

/** The largest certificate file accepted for import, in characters of PEM or base64 DER. */
export const maxCertificateTextLength = 64 * 1024;

export const ImportTokenCertificatePayloadSchema = z
  .object({
    ...TokenRefShape,
    pin: TokenPinSchema,
    /** The certificate as PEM, or DER encoded in base64. */
    certificate: z.string().min(1).max(maxCertificateTextLength),
    label: z.string().min(1).max(128).optional(),
  })
  .strict();

export type ChangeTokenPinPayload = z.infer<typeof ChangeTokenPinPayloadSchema>;
export type ResetTokenPinPayload = z.infer<typeof ResetTokenPinPayloadSchema>;
export type ImportTokenCertificatePayload = z.infer<typeof ImportTokenCertificatePayloadSchema>;

/** The details of a certificate on a token, the same fields the portal shows for a certificate. */
export interface TokenCertificate {
  /** CKA_ID in lower-case hex; the matching key has the same id. */
  id: string;
  label: string;
  serialNumber: string;
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  /** SHA-256 of the DER certificate in lower-case hex. */
  fingerprint: string;
}

export interface TokenSummary {
  slotId: string;
  slotDescription: string;
  label: string;
  manufacturer: string;
  model: string;
  serialNumber: string;
  flags: TokenFlagName[];
  minPinLength: number;
  maxPinLength: number;
  certificates: TokenCertificate[];
}

/** One configured PKCS#11 module and what it reported, or why it could not be used. */
export interface TokenModuleReport {
  path: string;
  /** Set when the module could be loaded. */
  library?: { description: string; manufacturer: string };
  tokens: TokenSummary[];
  /** A catalogue code when the module could not be used, for example PKCS11_MODULE_NOT_FOUND. */
  errorCode?: string;
}

/** The desktop settings. */
export const themes = ['system', 'light', 'dark'] as const;
export const settingsLanguages = ['sq', 'sr-Latn', 'en'] as const;
export const cachePolicies = ['keep', 'none'] as const;

export const maxPkcs11Modules = 16;

/** The partial settings a `settings:update` call may change; main validates the merged result again. */
export const SettingsUpdatePayloadSchema = z
  .object({
    serviceUrl: z.string().max(2048).nullable().optional(),
    language: z.enum(settingsLanguages).optional(),
    theme: z.enum(themes).optional(),
    pkcs11Modules: z.array(ModulePathSchema).max(maxPkcs11Modules).optional(),
    /** `none` is the "keep no data on this computer" setting. */
    cachePolicy: z.enum(cachePolicies).optional(),
  })
  .strict();
export type SettingsUpdatePayload = z.infer<typeof SettingsUpdatePayloadSchema>;

export interface DesktopSettings {
  /** Null means the service that the app starts itself. */
  serviceUrl: string | null;
  language: (typeof settingsLanguages)[number];
  theme: (typeof themes)[number];
  pkcs11Modules: string[];
  cachePolicy: (typeof cachePolicies)[number];
}

export interface SettingsView {
  settings: DesktopSettings;
  /** Setting names whose stored values were invalid and are shown with their defaults; the file keeps the stored values. */
  invalidStored: string[];
  /** Whether a change of `serviceUrl` needs a restart of the app to apply. */
  restartRequired: boolean;
}

/** One signed-in certificate in main. */
export interface SignedInCertificate {
  id: string;
  username: string;
  displayName: string;
  certificateKind: (typeof certificateKinds)[number];
  active: boolean;
  /** True when the service could not be reached on the last call and the data shown comes from the cache. */
  offline: boolean;
}

export const SessionIdPayloadSchema = z.object({ id: z.string().min(1).max(128) }).strict();

export interface SessionsView {
  sessions: SignedInCertificate[];
  activeId: string | null;
  /** Present while the active certificate's data comes from the cache because the service cannot be reached. */
  offline: { lastSyncedAt: string | null } | null;
  /** Set once after the cache file was found corrupt and recreated. */
  cacheRecreated: boolean;
  /** Present when the active certificate expires within the reminder period. */
  expiry: ExpiryReminder | null;
}

export interface ExpiryReminder {
  notAfter: string;
  daysLeft: number;
  status: (typeof certificateStatuses)[number];
}

/** Largest file `files:save` writes, in bytes. */
export const maxSavedFileBytes = 50 * 1024 * 1024;

export const SaveFilePayloadSchema = z
  .object({
    /** The file's bytes in base64, because IPC test transports do not all keep typed arrays. */
    base64: z.string().max(Math.ceil(maxSavedFileBytes / 3) * 4),
    suggestedName: z
      .string()
      .min(1)
      .max(255)
      .refine((name) => !/[/\\]/.test(name) && !name.includes('\u0000') && name !== '.' && name !== '..', 'VALIDATION_FAILED'),
  })
  .strict();
export type SaveFilePayload = z.infer<typeof SaveFilePayloadSchema>;

export interface SaveFileResult {
  saved: boolean;
}
