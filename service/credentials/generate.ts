import { randomInt } from 'node:crypto';

import { checkPin, isWeakPuk, pukLength } from '../../common/domain';

/** Generators for the certificate information handed over at enrollment. */

const passwordAlphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
// Crockford's base32 letters: no I, L, O or U, so an ERC read aloud or copied by hand stays exact.
const ercAlphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function randomString(alphabet: string, length: number): string {
  let result = '';
  for (let index = 0; index < length; index += 1) result += alphabet[randomInt(alphabet.length)];
  return result;
}

function randomDigits(length: number): string {
  return randomString('0123456789', length);
}

export function generatePassword(): string {
  return randomString(passwordAlphabet, 16);
}

/** Generates an ERC of 80 random bits as four groups of four: `7KQ2-M9XD-4TPA-ZB3F`. */
export function generateErc(): string {
  return Array.from({ length: 4 }, () => randomString(ercAlphabet, 4)).join('-');
}

/** Normalises a typed ERC: upper case, no spaces or dashes, and the letters people confuse with digits. */
export function normaliseErc(erc: string): string {
  return erc.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
}

export function generatePuk(): string {
  for (;;) {
    const puk = randomDigits(pukLength);
    if (!isWeakPuk(puk)) return puk;
  }
}

export function generatePin(personalNumber: string): string {
  for (;;) {
    const pin = randomDigits(6);
    if (checkPin(pin, personalNumber) === null) return pin;
  }
}

/** Folds a name to lower-case ASCII letters for a user name: "Çelaj-Đukić" becomes "celajdukic". */
export function foldToAscii(name: string): string {
  return name
    .replace(/[Đđ]/g, 'd')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

/** Generates a user name candidate such as `arber.celajdukic.4821`; the caller retries on a collision. */
export function generateUsername(givenName: string, surname: string): string {
  const given = foldToAscii(givenName).slice(0, 16) || 'holder';
  const family = foldToAscii(surname).slice(0, 24) || 'eid';
  return `${given}.${family}.${randomDigits(4)}`;
}
