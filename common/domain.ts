/** Domain rules shared by the service, the desktop main process and the renderer. */

export const certificateKinds = ['digital-id', 'digital-seal'] as const;
export type CertificateKind = (typeof certificateKinds)[number];

export const certificateStatuses = ['active', 'revoked'] as const;
export type CertificateStatus = (typeof certificateStatuses)[number];

export const genders = ['F', 'M'] as const;
export type Gender = (typeof genders)[number];

/** A Kosovo personal number has exactly 10 digits. */
export const personalNumberPattern = /^\d{10}$/;

/**
 * An ARBK business number: the 9-digit unique identification number of a business in the Kosovo
 * Business Registration Agency register. Only the length and the digits are checked, because
 * ARBK publishes no check-digit rule.
 */
export const businessNumberPattern = /^\d{9}$/;

/** E.164: a plus sign, a country code that does not start with 0, 8 to 15 digits in all. */
export const phoneNumberPattern = /^\+[1-9]\d{7,14}$/;

/**
 * A pragmatic email check: one @, no spaces, a dot in the domain. The real proof of an address
 * is the code that later work sends to it.
 */
export const emailPattern = /^[^\s@]{1,64}@[^\s@.]+(?:\.[^\s@.]+)+$/;

export const passwordPolicy = { minLength: 10, maxLength: 128 } as const;

export const pinPolicy = { minLength: 6, maxLength: 8 } as const;
export const pukLength = 8;

/**
 * Checks a new PUK beyond its 8 digits: like a PIN, it must not be one digit repeated or an
 * ascending or descending run, because it unlocks the PIN and so guards the signing key too.
 */
export function isWeakPuk(puk: string): boolean {
  const problem = checkPin(puk.slice(0, pinPolicy.maxLength));
  return problem === 'one-digit' || problem === 'sequence';
}

/** The reasons a PIN fails the policy; each maps to a sentence in the locale files. */
export type PinProblem = 'not-digits' | 'length' | 'one-digit' | 'sequence' | 'part-of-personal-number';

/**
 * Checks a PIN against the policy: 6 to 8 digits, not one digit repeated, not an ascending or
 * descending run (012345, 98765432), and not a part of the holder's personal number.
 */
export function checkPin(pin: string, personalNumber?: string): PinProblem | null {
  if (!/^\d+$/.test(pin)) return 'not-digits';
  if (pin.length < pinPolicy.minLength || pin.length > pinPolicy.maxLength) return 'length';
  if (/^(\d)\1+$/.test(pin)) return 'one-digit';

  const digits = [...pin].map(Number);
  const steps = digits.slice(1).map((digit, index) => (digit - digits[index]! + 10) % 10);
  if (steps.every((step) => step === 1) || steps.every((step) => step === 9)) return 'sequence';

  if (personalNumber && personalNumber.includes(pin)) return 'part-of-personal-number';
  return null;
}

/**
 * Masks a phone number the way the live portal shows it: the first four characters, five stars,
 * the last two digits (`+383*****56`).
 */
export function maskPhoneNumber(phoneNumber: string): string {
  if (phoneNumber.length < 7) return '*****';
  return `${phoneNumber.slice(0, 4)}*****${phoneNumber.slice(-2)}`;
}

/** The ETSI EN 319 412-1 semantics identifier for a natural person's Kosovo personal number. */
export function personalNumberIdentifier(personalNumber: string): string {
  return `PNOXK-${personalNumber}`;
}

/** The ETSI EN 319 412-1 semantics identifier for a business in the Kosovo national trade register (ARBK). */
export function businessIdentifier(businessNumber: string): string {
  return `NTRXK-${businessNumber}`;
}
