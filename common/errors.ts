/**
 * The one catalogue of error codes. The service answers every failure with one of these codes,
 * the HTTP client and the desktop bridge pass the code on unchanged, and the renderer shows the
 * text stored under `errors.<CODE>` in the user's language. The message here is the safe English
 * text for API consumers and logs; it never carries user data.
 */
export const errorCatalogue = {
  VALIDATION_FAILED: { status: 400, message: 'The request is invalid: check the marked fields.' },
  MALFORMED_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body must be JSON (Content-Type: application/json).' },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  INVALID_PERSONAL_NUMBER: { status: 400, message: 'The personal number must have exactly 10 digits.' },
  INVALID_PHONE_NUMBER: { status: 400, message: 'The phone number must be in international format, for example +38344123456.' },
  INVALID_EMAIL: { status: 400, message: 'The email address is invalid.' },
  INVALID_PIN: { status: 400, message: 'The PIN does not meet the PIN policy.' },
  INVALID_CREDENTIALS: { status: 401, message: 'The user name or password is wrong.' },
  TOO_MANY_ATTEMPTS: { status: 429, message: 'Too many attempts. Wait a moment and try again.' },
  UNAUTHENTICATED: { status: 401, message: 'Sign in to continue.' },
  SESSION_EXPIRED: { status: 401, message: 'The session has ended. Sign in again.' },
  FORBIDDEN_ORIGIN: { status: 403, message: 'The request came from a page that is not allowed to make it.' },
  WRONG_CURRENT_PASSWORD: { status: 400, message: 'The current password is wrong.' },
  PASSWORD_TOO_SHORT: { status: 400, message: 'The new password is too short.' },
  PASSWORD_TOO_LONG: { status: 400, message: 'The new password is too long.' },
  PASSWORD_TOO_COMMON: { status: 400, message: 'The new password is too common. Choose another one.' },
  PASSWORD_CONTAINS_USERNAME: { status: 400, message: 'The new password must not contain the user name.' },
  PASSWORD_UNCHANGED: { status: 400, message: 'The new password must differ from the current one.' },
  DUPLICATE_DIGITAL_ID: { status: 409, message: 'This personal number already has an active digital ID.' },
  INVALID_BUSINESS_NUMBER: { status: 400, message: 'The business number must be the 9-digit number of the business in the ARBK register.' },
  DUPLICATE_DIGITAL_SEAL: { status: 409, message: 'This business number already has an active digital seal.' },
  HOLDER_DATA_MISMATCH: { status: 409, message: 'The personal data differ from those of the holder already registered with this personal number.' },
  RECOVERY_NOT_FOUND: { status: 404, message: 'The recovery request was not found. Start a new one.' },
  INVALID_RECOVERY_CODE: { status: 400, message: 'The code must have exactly 8 digits, as in the email.' },
  RECOVERY_CODE_WRONG: { status: 400, message: 'The code is wrong. Check the email and try again.' },
  RECOVERY_CODE_EXPIRED: { status: 410, message: 'The code has expired. Start a new recovery request.' },
  RECOVERY_REQUEST_CLOSED: {
    status: 410,
    message: 'This recovery request can no longer be used: its code was used, a newer request replaced it, or too many wrong codes were entered. Start a new one.',
  },
  RECOVERY_STEP_NOT_ALLOWED: { status: 403, message: 'This recovery step is not allowed: enter the emailed code first, or start a new request.' },
  INVALID_USERNAME_OR_ERC: { status: 400, message: 'The user name or ERC is wrong.' },
  INVALID_REVOCATION_REASON: { status: 400, message: 'The revocation reason must be one of: unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation.' },
  REVOCATION_NOT_CONFIRMED: { status: 400, message: 'The confirmation text is missing or does not match. Type it exactly as shown.' },
  WRONG_ERC: { status: 400, message: 'The Emergency Recovery Code (ERC) is wrong.' },
  CERTIFICATE_ALREADY_REVOKED: { status: 409, message: 'This certificate is already revoked.' },
  CERTIFICATE_NOT_REVOKED: { status: 409, message: 'This certificate is not revoked, so there is no revocation receipt.' },
  UNSUPPORTED_DOWNLOAD_FORMAT: { status: 400, message: 'The download format must be one of: pem, der, chain-pem, p7b.' },
  OCSP_REQUEST_TOO_LARGE: { status: 413, message: 'The OCSP request is too large.' },
  UNSUPPORTED_OCSP_MEDIA_TYPE: { status: 415, message: 'An OCSP request must be sent with Content-Type: application/ocsp-request.' },
  INVALID_PUK: { status: 400, message: 'The PUK must have exactly 8 digits.' },
  WEAK_PIN: { status: 400, message: 'The new PIN is too easy to guess: it must not be one digit repeated, an ascending or descending run, or a part of the personal number.' },
  PIN_UNCHANGED: { status: 400, message: 'The new PIN must differ from the current one.' },
  WEAK_PUK: { status: 400, message: 'The new PUK is too easy to guess: it must not be one digit repeated or an ascending or descending run.' },
  PUK_UNCHANGED: { status: 400, message: 'The new PUK must differ from the current one.' },
  WRONG_PIN: { status: 400, message: 'The PIN is wrong.' },
  WRONG_PUK: { status: 400, message: 'The PUK is wrong.' },
  PIN_LOCKED: { status: 423, message: 'The PIN is locked after too many wrong tries. Unlock it with the PUK.' },
  PUK_BLOCKED: { status: 423, message: 'The PUK is blocked after too many wrong tries, so this certificate can no longer sign. Revoke it and enroll again at an office.' },
  CERTIFICATE_REVOKED: { status: 409, message: 'This certificate is revoked: it can no longer sign, and its PIN and PUK can no longer be changed.' },
  CREDENTIAL_CHANGED: { status: 409, message: 'The PIN or PUK was changed by another request at the same time. Reload and try again.' },
  WALLET_NOT_CONNECTED: { status: 409, message: 'No wallet is connected to this certificate. Connect one in the portal.' },
  WALLET_DEVICE_REPLACED: { status: 403, message: 'This device is no longer the wallet of this certificate: another device was connected in its place.' },
  INVALID_DEVICE_KEY: { status: 400, message: 'The device public key must be an ECDSA P-256 public key (SubjectPublicKeyInfo as PEM or base64 DER).' },
  INVALID_DEVICE_SIGNATURE: { status: 401, message: 'The device signature does not verify with the wallet device key of this certificate.' },
  CHALLENGE_INVALID: { status: 400, message: 'The challenge is unknown, already used or expired. Ask for a new one.' },
  WRONG_ACTIVATION_CODE: { status: 400, message: 'The activation code is wrong.' },
  ACTIVATION_EXPIRED: { status: 410, message: 'The wallet activation has expired, was used, or was replaced by a newer one. Start a new one in the portal.' },
  ACTIVATION_TRIES_EXHAUSTED: { status: 423, message: 'Too many wrong activation codes: this activation is closed. Start a new one in the portal.' },
  PHONE_NUMBER_MISMATCH: { status: 400, message: 'The phone number is not the one given at enrollment. The wallet must use the enrollment phone number, which cannot be changed.' },
  NOT_FOUND: { status: 404, message: 'The requested resource was not found.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'This method is not allowed here.' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'The service cannot be reached. Try again later.' },
  INTERNAL_ERROR: { status: 500, message: 'Something went wrong on our side. Try again later.' },
  PKCS11_MODULE_NOT_FOUND: { status: 400, message: 'The PKCS#11 module file was not found. Check the module path in the settings.' },
  PKCS11_MODULE_INVALID: { status: 400, message: 'The file is not a PKCS#11 module. Choose the library your token vendor installed.' },
  PKCS11_MODULE_MISCONFIGURED: { status: 500, message: 'The PKCS#11 module could not start. Check its configuration file.' },
  TOKEN_NOT_PRESENT: { status: 404, message: 'The token is not present. Insert it and try again.' },
  TOKEN_PIN_INCORRECT: { status: 400, message: 'The token PIN is wrong.' },
  TOKEN_PIN_COUNT_LOW: { status: 400, message: 'The token PIN is wrong, and only a few tries are left before it locks.' },
  TOKEN_PIN_FINAL_TRY: { status: 400, message: 'The token PIN is wrong. One try is left before it locks.' },
  TOKEN_PIN_LOCKED: { status: 423, message: 'The token PIN is locked. Reset it with the PUK (SO PIN).' },
  TOKEN_PIN_EXPIRED: { status: 400, message: 'The token PIN has expired. Set a new PIN.' },
  TOKEN_PIN_LENGTH: { status: 400, message: 'The PIN length is outside the range the token accepts.' },
  TOKEN_PIN_INVALID: { status: 400, message: 'The PIN contains characters the token does not accept.' },
  TOKEN_PIN_NOT_INITIALIZED: { status: 400, message: 'The token has no user PIN yet. Set one with the PUK (SO PIN).' },
  TOKEN_PUK_INCORRECT: { status: 400, message: 'The PUK (SO PIN) of the token is wrong.' },
  TOKEN_PUK_FINAL_TRY: { status: 400, message: 'The PUK (SO PIN) of the token is wrong. One try is left before it locks.' },
  TOKEN_PUK_LOCKED: { status: 423, message: 'The PUK (SO PIN) of the token is locked. Ask the issuing office for a new token.' },
  TOKEN_WRITE_PROTECTED: { status: 400, message: 'The token is write-protected.' },
  TOKEN_FULL: { status: 507, message: 'The token has no free memory left.' },
  TOKEN_KEY_NOT_FOUND: { status: 404, message: 'The token has no key that matches this certificate.' },
  TOKEN_CERTIFICATE_INVALID: { status: 400, message: 'The file is not an X.509 certificate.' },
  TOKEN_OPERATION_CANCELLED: { status: 400, message: 'The operation was cancelled on the token reader.' },
  TOKEN_OPERATION_FAILED: { status: 502, message: 'The token reported an error. Remove it, insert it again and retry.' },
  SETTINGS_INVALID: { status: 400, message: 'The settings are invalid: check the marked fields.' },
  OFFLINE_READ_ONLY: { status: 503, message: 'The service cannot be reached, so the app shows saved data and cannot make changes.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

export const errorCodes = Object.keys(errorCatalogue) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCatalogue, value);
}

/** A field-level problem inside a VALIDATION_FAILED error; `code` is a catalogue code when one fits. */
export interface FieldError {
  path: string;
  code: ErrorCode;
}

/** The body of every error response of the service API. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    fields?: FieldError[];
    retryAfterSeconds?: number;
    /** Tries left before a PIN, PUK or code locks, for errors that count a wrong try. */
    triesLeft?: number;
  };
}

/**
 * An error that carries a catalogue code. Thrown by the service and by both clients, so callers
 * handle one type whatever process they run in.
 */
export class EidError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldError[] | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly triesLeft: number | undefined;

  constructor(code: ErrorCode, options: { fields?: FieldError[]; retryAfterSeconds?: number; triesLeft?: number; cause?: unknown } = {}) {
    super(errorCatalogue[code].message, { cause: options.cause });
    this.name = 'EidError';
    this.code = code;
    this.fields = options.fields;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.triesLeft = options.triesLeft;
  }

  get status(): number {
    return errorCatalogue[this.code].status;
  }

  toBody(): ErrorBody {
    const error: ErrorBody['error'] = { code: this.code, message: this.message };
    if (this.fields && this.fields.length > 0) error.fields = this.fields;
    if (this.retryAfterSeconds !== undefined) error.retryAfterSeconds = this.retryAfterSeconds;
    if (this.triesLeft !== undefined) error.triesLeft = this.triesLeft;
    return { error };
  }
}

/** Rebuilds an EidError from an error body received over HTTP or IPC; unknown shapes become INTERNAL_ERROR. */
export function errorFromBody(body: unknown): EidError {
  const error = (body as Partial<ErrorBody> | null)?.error;
  if (!error || !isErrorCode(error.code)) return new EidError('INTERNAL_ERROR');
  return new EidError(error.code, {
    fields: Array.isArray(error.fields) ? error.fields.filter((field) => isErrorCode(field?.code)) : undefined,
    retryAfterSeconds: typeof error.retryAfterSeconds === 'number' ? error.retryAfterSeconds : undefined,
    triesLeft: typeof error.triesLeft === 'number' ? error.triesLeft : undefined,
  });
}
