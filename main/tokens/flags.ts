import { tokenFlagNames, type TokenFlagName } from '../../common/ipc/desktop-types';

/** The bit of each CK_TOKEN_INFO flag, from pkcs11t.h of PKCS#11 v2.40. */
export const tokenFlagBits: Record<TokenFlagName, number> = {
  CKF_RNG: 0x0000_0001,
  CKF_WRITE_PROTECTED: 0x0000_0002,
  CKF_LOGIN_REQUIRED: 0x0000_0004,
  CKF_USER_PIN_INITIALIZED: 0x0000_0008,
  CKF_RESTORE_KEY_NOT_NEEDED: 0x0000_0020,
  CKF_CLOCK_ON_TOKEN: 0x0000_0040,
  CKF_PROTECTED_AUTHENTICATION_PATH: 0x0000_0100,
  CKF_DUAL_CRYPTO_OPERATIONS: 0x0000_0200,
  CKF_TOKEN_INITIALIZED: 0x0000_0400,
  CKF_SECONDARY_AUTHENTICATION: 0x0000_0800,
  CKF_USER_PIN_COUNT_LOW: 0x0001_0000,
  CKF_USER_PIN_FINAL_TRY: 0x0002_0000,
  CKF_USER_PIN_LOCKED: 0x0004_0000,
  CKF_USER_PIN_TO_BE_CHANGED: 0x0008_0000,
  CKF_SO_PIN_COUNT_LOW: 0x0010_0000,
  CKF_SO_PIN_FINAL_TRY: 0x0020_0000,
  CKF_SO_PIN_LOCKED: 0x0040_0000,
  CKF_SO_PIN_TO_BE_CHANGED: 0x0080_0000,
  CKF_ERROR_STATE: 0x0100_0000,
};

/** Names the flags set in a CK_TOKEN_INFO flags value, in the order of PKCS#11's header. Unknown bits are ignored. */
export function decodeTokenFlags(flags: number): TokenFlagName[] {
  return tokenFlagNames.filter((name) => (flags & tokenFlagBits[name]) !== 0);
}

/** What the token's flags say about the user PIN's remaining tries. */
export type PinTriesState = 'locked' | 'final-try' | 'count-low' | 'unknown';

/**
 * Reads the tries state of the user PIN or the SO PIN from the token flags. Tokens report no
 * exact count: PKCS#11 only has the locked, final-try and count-low flags.
 */
export function pinTriesState(flags: number, user: 'user' | 'so'): PinTriesState {
  const names = user === 'user'
    ? { locked: 'CKF_USER_PIN_LOCKED', finalTry: 'CKF_USER_PIN_FINAL_TRY', countLow: 'CKF_USER_PIN_COUNT_LOW' } as const
    : { locked: 'CKF_SO_PIN_LOCKED', finalTry: 'CKF_SO_PIN_FINAL_TRY', countLow: 'CKF_SO_PIN_COUNT_LOW' } as const;
  if (flags & tokenFlagBits[names.locked]) return 'locked';
  if (flags & tokenFlagBits[names.finalTry]) return 'final-try';
  if (flags & tokenFlagBits[names.countLow]) return 'count-low';
  return 'unknown';
}
