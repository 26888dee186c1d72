import { personalNumberPattern, type Gender } from '../../common/domain';

/** The natural person a digital ID certificate is issued to. */
export interface DigitalIdHolder {
  givenName: string;
  surname: string;
  /** The 10-digit Kosovo personal number. */
  personalNumber: string;
  gender?: Gender;
  /** YYYY-MM-DD. */
  birthDate?: string;
  /** ISO 3166-1 alpha-2 code, XK for Kosovo. */
  birthCountry?: string;
  birthCity?: string;
}

/**
 * Thrown when a certificate request is invalid. Messages name the field but not its value,
 * because they may reach logs and the values are personal data.
 */
export class InvalidCertificateRequestError extends Error {
  override name = 'InvalidCertificateRequestError';
}

/**
 * RFC 5280 appendix A limits commonName to 64 characters (ub-common-name). The other name
 * attributes allow far more, so this limit binds first, on CN = "given name + space + surname".
 */
export const maxCommonNameLength = 64;

// C0 and C1 control characters never belong in a name and would confuse display and parsing.
const controlCharacters = /\p{Cc}/u;

/**
 * Checks holder data and returns it trimmed and in Unicode NFC, so that "ë" is always the one
 * code point U+00EB and equal names give byte-equal certificates whatever the input method.
 */
export function normalizeHolder(holder: DigitalIdHolder): DigitalIdHolder {
  const normalized: DigitalIdHolder = {
    givenName: normalizeText(holder.givenName, 'givenName'),
    surname: normalizeText(holder.surname, 'surname'),
    personalNumber: holder.personalNumber,
  };

  if (!personalNumberPattern.test(holder.personalNumber)) {
    throw new InvalidCertificateRequestError('Invalid personalNumber: expected exactly 10 digits.');
  }

  const commonNameLength = [...`${normalized.givenName} ${normalized.surname}`].length;
  if (commonNameLength > maxCommonNameLength) {
    throw new InvalidCertificateRequestError(`Invalid name: givenName and surname make a common name of ${commonNameLength} characters, but at most ${maxCommonNameLength} are allowed.`);
  }

  if (holder.gender !== undefined) {
    if (holder.gender !== 'F' && holder.gender !== 'M') {
      throw new InvalidCertificateRequestError('Invalid gender: expected F or M.');
    }
    normalized.gender = holder.gender;
  }

  if (holder.birthDate !== undefined) {
    if (!isCalendarDate(holder.birthDate)) {
      throw new InvalidCertificateRequestError('Invalid birthDate: expected a date as YYYY-MM-DD.');
    }
    normalized.birthDate = holder.birthDate;
  }

  if (holder.birthCountry !== undefined) {
    if (!/^[A-Z]{2}$/.test(holder.birthCountry)) {
      throw new InvalidCertificateRequestError('Invalid birthCountry: expected an ISO 3166-1 alpha-2 code such as XK.');
    }
    normalized.birthCountry = holder.birthCountry;
  }

  if (holder.birthCity !== undefined) normalized.birthCity = normalizeText(holder.birthCity, 'birthCity');
  return normalized;
}

function normalizeText(value: string, field: string): string {
  const text = value.normalize('NFC').trim();
  if (text.length === 0) throw new InvalidCertificateRequestError(`Invalid ${field}: it must not be empty.`);
  if (controlCharacters.test(text)) throw new InvalidCertificateRequestError(`Invalid ${field}: it contains a control character.`);
  return text;
}

function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().startsWith(value);
}
