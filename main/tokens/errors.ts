import { EidError, type ErrorCode } from '../../common/errors';
import { pinTriesState } from './flags';

/** The name (CKR_...) of a PKCS#11 return value that pkcs11js raised, or undefined for any other error. */
export function pkcs11ReturnName(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  return /^CKR_[A-Z_]+$/.test(error.message) ? error.message : undefined;
}

/** Return values that mean the token or its reader went away, or never held a usable token. */
const tokenGoneReturns = new Set(['CKR_TOKEN_NOT_PRESENT', 'CKR_DEVICE_REMOVED', 'CKR_SLOT_ID_INVALID', 'CKR_TOKEN_NOT_RECOGNIZED', 'CKR_SESSION_HANDLE_INVALID', 'CKR_SESSION_CLOSED']);

const directCodes: Record<string, ErrorCode> = {
  CKR_PIN_LEN_RANGE: 'TOKEN_PIN_LENGTH',
  CKR_PIN_INVALID: 'TOKEN_PIN_INVALID',
  CKR_PIN_EXPIRED: 'TOKEN_PIN_EXPIRED',
  CKR_USER_PIN_NOT_INITIALIZED: 'TOKEN_PIN_NOT_INITIALIZED',
  CKR_TOKEN_WRITE_PROTECTED: 'TOKEN_WRITE_PROTECTED',
  CKR_DEVICE_MEMORY: 'TOKEN_FULL',
  CKR_FUNCTION_CANCELED: 'TOKEN_OPERATION_CANCELLED',
};

export interface PinErrorContext {
  /** Whose PIN the failed call checked: the user's PIN or the SO PIN (the PUK). */
  pinOwner: 'user' | 'so';
  /** Reads the token flags again after the failure, because the tries flags change with it. Returns undefined when the token cannot be read. */
  readFlags: () => number | undefined;
}

/**
 * Turns an error of a PKCS#11 call into a catalogue error. A wrong PIN reports what the token's
 * flags say about the remaining tries, because PKCS#11 has no exact count.
 */
export function tokenErrorOf(error: unknown, context?: PinErrorContext): EidError {
  if (error instanceof EidError) return error;
  const name = pkcs11ReturnName(error);
  if (name === undefined) return new EidError('TOKEN_OPERATION_FAILED', { cause: error });

  if (tokenGoneReturns.has(name)) return new EidError('TOKEN_NOT_PRESENT', { cause: error });
  const direct = directCodes[name];
  if (direct) return new EidError(direct, { cause: error });

  const so = context?.pinOwner === 'so';
  if (name === 'CKR_PIN_LOCKED') return new EidError(so ? 'TOKEN_PUK_LOCKED' : 'TOKEN_PIN_LOCKED', { cause: error });
  if (name === 'CKR_PIN_INCORRECT') {
    const flags = context?.readFlags();
    const state = flags === undefined ? 'unknown' : pinTriesState(flags, so ? 'so' : 'user');
    if (so) {
      const codes = { locked: 'TOKEN_PUK_LOCKED', 'final-try': 'TOKEN_PUK_FINAL_TRY', 'count-low': 'TOKEN_PUK_INCORRECT', unknown: 'TOKEN_PUK_INCORRECT' } as const;
      return new EidError(codes[state], { cause: error });
    }
    const codes = { locked: 'TOKEN_PIN_LOCKED', 'final-try': 'TOKEN_PIN_FINAL_TRY', 'count-low': 'TOKEN_PIN_COUNT_LOW', unknown: 'TOKEN_PIN_INCORRECT' } as const;
    return new EidError(codes[state], { cause: error });
  }
  return new EidError('TOKEN_OPERATION_FAILED', { cause: error });
}
