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
  TOO_MANY_ATTEMPTS: { status: 429, message: 'Too many failed attempts. Wait a moment and try again.' },
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
  NOT_FOUND: { status: 404, message: 'The requested resource was not found.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'This method is not allowed here.' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'The service cannot be reached. Try again later.' },
  INTERNAL_ERROR: { status: 500, message: 'Something went wrong on our side. Try again later.' },
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

  constructor(code: ErrorCode, options: { fields?: FieldError[]; retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(errorCatalogue[code].message, { cause: options.cause });
    this.name = 'EidError';
    this.code = code;
    this.fields = options.fields;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get status(): number {
    return errorCatalogue[this.code].status;
  }

  toBody(): ErrorBody {
    const error: ErrorBody['error'] = { code: this.code, message: this.message };
    if (this.fields && this.fields.length > 0) error.fields = this.fields;
    if (this.retryAfterSeconds !== undefined) error.retryAfterSeconds = this.retryAfterSeconds;
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
  });
}
