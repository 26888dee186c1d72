import { describe, expect, it } from 'vitest';

import { tokenFlagNames } from '../../common/ipc/desktop-types';
import { tokenErrorOf } from '../../main/tokens/errors';
import { decodeTokenFlags, pinTriesState, tokenFlagBits } from '../../main/tokens/flags';

/** An error shaped as pkcs11js raises it: the message is the CKR_ name. */
function pkcs11Error(name: string): Error {
  return Object.assign(new Error(name), { name: 'Pkcs11Error' });
}

const triesBits = {
  user: { locked: tokenFlagBits.CKF_USER_PIN_LOCKED, finalTry: tokenFlagBits.CKF_USER_PIN_FINAL_TRY, countLow: tokenFlagBits.CKF_USER_PIN_COUNT_LOW },
  so: { locked: tokenFlagBits.CKF_SO_PIN_LOCKED, finalTry: tokenFlagBits.CKF_SO_PIN_FINAL_TRY, countLow: tokenFlagBits.CKF_SO_PIN_COUNT_LOW },
} as const;

describe('decodeTokenFlags', () => {
  it('names every combination of the known flags', () => {
    const count = tokenFlagNames.length;
    let checked = 0;
    for (let combination = 0; combination < 2 ** count; combination += 1) {
      const expected = tokenFlagNames.filter((_name, index) => (combination >> index) & 1);
      const flags = expected.reduce((sum, name) => sum | tokenFlagBits[name], 0);

      const decoded = decodeTokenFlags(flags);
      if (decoded.length !== expected.length || decoded.some((name, index) => name !== expected[index])) {
        expect(decoded, `flags 0x${flags.toString(16)}`).toEqual(expected);
      }
      checked += 1;
    }
    expect(checked).toBe(2 ** 19);
  });

  it('has one distinct bit per flag', () => {
    const bits = tokenFlagNames.map((name) => tokenFlagBits[name]);

    expect(new Set(bits).size).toBe(bits.length);
    for (const bit of bits) expect(bit & (bit - 1)).toBe(0);
  });

  it('ignores bits PKCS#11 does not define', () => {
    expect(decodeTokenFlags(0x0000_0010 | 0x0000_0080 | 0x8000_0000)).toEqual([]);
  });
});

describe('PIN tries from flags', () => {
  it.each(['user', 'so'] as const)('reads every combination of the %s PIN flags', (owner) => {
    const bits = triesBits[owner];
    for (let combination = 0; combination < 8; combination += 1) {
      const locked = (combination & 1) !== 0;
      const finalTry = (combination & 2) !== 0;
      const countLow = (combination & 4) !== 0;
      const flags = (locked ? bits.locked : 0) | (finalTry ? bits.finalTry : 0) | (countLow ? bits.countLow : 0);
      // The other owner's flags must not leak into this owner's state.
      const otherBits = triesBits[owner === 'user' ? 'so' : 'user'];
      const noise = otherBits.locked | otherBits.finalTry | otherBits.countLow;

      const expected = locked ? 'locked' : finalTry ? 'final-try' : countLow ? 'count-low' : 'unknown';
      expect(pinTriesState(flags, owner), `combination ${combination}`).toBe(expected);
      expect(pinTriesState(flags | noise, owner), `combination ${combination} with noise`).toBe(expected);
    }
  });

  it('maps a wrong user PIN to the code of each flag state', () => {
    const cases = [
      [0, 'TOKEN_PIN_INCORRECT'],
      [tokenFlagBits.CKF_USER_PIN_COUNT_LOW, 'TOKEN_PIN_COUNT_LOW'],
      [tokenFlagBits.CKF_USER_PIN_COUNT_LOW | tokenFlagBits.CKF_USER_PIN_FINAL_TRY, 'TOKEN_PIN_FINAL_TRY'],
      [tokenFlagBits.CKF_USER_PIN_LOCKED, 'TOKEN_PIN_LOCKED'],
    ] as const;
    for (const [flags, code] of cases) {
      expect(tokenErrorOf(pkcs11Error('CKR_PIN_INCORRECT'), { pinOwner: 'user', readFlags: () => flags }).code).toBe(code);
    }
    expect(tokenErrorOf(pkcs11Error('CKR_PIN_INCORRECT'), { pinOwner: 'user', readFlags: () => undefined }).code).toBe('TOKEN_PIN_INCORRECT');
  });

  it('maps a wrong SO PIN to the PUK codes', () => {
    const cases = [
      [0, 'TOKEN_PUK_INCORRECT'],
      [tokenFlagBits.CKF_SO_PIN_COUNT_LOW, 'TOKEN_PUK_INCORRECT'],
      [tokenFlagBits.CKF_SO_PIN_FINAL_TRY, 'TOKEN_PUK_FINAL_TRY'],
      [tokenFlagBits.CKF_SO_PIN_LOCKED, 'TOKEN_PUK_LOCKED'],
      [tokenFlagBits.CKF_USER_PIN_LOCKED, 'TOKEN_PUK_INCORRECT'],
    ] as const;
    for (const [flags, code] of cases) {
      expect(tokenErrorOf(pkcs11Error('CKR_PIN_INCORRECT'), { pinOwner: 'so', readFlags: () => flags }).code).toBe(code);
    }
    expect(tokenErrorOf(pkcs11Error('CKR_PIN_LOCKED'), { pinOwner: 'so', readFlags: () => 0 }).code).toBe('TOKEN_PUK_LOCKED');
  });

  it('maps the return values a user can meet', () => {
    const cases = {
      CKR_PIN_LOCKED: 'TOKEN_PIN_LOCKED',
      CKR_PIN_LEN_RANGE: 'TOKEN_PIN_LENGTH',
      CKR_PIN_INVALID: 'TOKEN_PIN_INVALID',
      CKR_PIN_EXPIRED: 'TOKEN_PIN_EXPIRED',
      CKR_USER_PIN_NOT_INITIALIZED: 'TOKEN_PIN_NOT_INITIALIZED',
      CKR_TOKEN_NOT_PRESENT: 'TOKEN_NOT_PRESENT',
      CKR_DEVICE_REMOVED: 'TOKEN_NOT_PRESENT',
      CKR_TOKEN_NOT_RECOGNIZED: 'TOKEN_NOT_PRESENT',
      CKR_TOKEN_WRITE_PROTECTED: 'TOKEN_WRITE_PROTECTED',
      CKR_DEVICE_MEMORY: 'TOKEN_FULL',
      CKR_FUNCTION_CANCELED: 'TOKEN_OPERATION_CANCELLED',
      CKR_DEVICE_ERROR: 'TOKEN_OPERATION_FAILED',
    } as const;
    for (const [name, code] of Object.entries(cases)) {
      expect(tokenErrorOf(pkcs11Error(name), { pinOwner: 'user', readFlags: () => 0 }).code, name).toBe(code);
    }
    expect(tokenErrorOf(new TypeError('Argument 2 has wrong type')).code).toBe('TOKEN_OPERATION_FAILED');
  });
});
