import * as asn1js from 'asn1js';

import type { Gender } from '../../common/domain';
import { personalDataAttributeOids } from './oids';

/** The RFC 3739 personal data attributes of a holder certificate, each null when absent. */
export interface PersonalData {
  gender: Gender | null;
  /** YYYY-MM-DD. */
  birthDate: string | null;
  birthCountry: string | null;
  birthCity: string | null;
  /** ISO 3166-1 alpha-2 code. */
  citizenship: string | null;
}

/**
 * Encodes the value of a subjectDirectoryAttributes extension, a SEQUENCE of Attribute
 * (RFC 5280 section 4.2.1.8), with the attributes of RFC 3739 section 3.2.2 that are present.
 * Returns null when none is present, because the SEQUENCE must not be empty.
 */
export function encodeSubjectDirectoryAttributes(data: PersonalData): ArrayBuffer | null {
  const attributes: asn1js.Sequence[] = [];

  if (data.birthDate !== null) {
    // RFC 3739 sets the time of dateOfBirth to 12:00:00 GMT, so that a reader converting it to
    // local time keeps the date in every zone from UTC-12 to UTC+11.
    const value = `${data.birthDate.replaceAll('-', '')}120000Z`;
    attributes.push(encodeAttribute(personalDataAttributeOids.dateOfBirth, new asn1js.GeneralizedTime({ value })));
  }

  const placeOfBirth = formatPlaceOfBirth(data.birthCity, data.birthCountry);
  if (placeOfBirth !== null) {
    attributes.push(encodeAttribute(personalDataAttributeOids.placeOfBirth, new asn1js.Utf8String({ value: placeOfBirth })));
  }

  if (data.gender !== null) {
    attributes.push(encodeAttribute(personalDataAttributeOids.gender, new asn1js.PrintableString({ value: data.gender })));
  }

  if (data.citizenship !== null) {
    attributes.push(encodeAttribute(personalDataAttributeOids.countryOfCitizenship, new asn1js.PrintableString({ value: data.citizenship })));
  }

  if (attributes.length === 0) return null;
  return new asn1js.Sequence({ value: attributes }).toBER(false);
}

/** Decodes the value of a subjectDirectoryAttributes extension. Unknown attributes are skipped. */
export function decodeSubjectDirectoryAttributes(der: BufferSource): PersonalData {
  const data: PersonalData = { gender: null, birthDate: null, birthCountry: null, birthCity: null, citizenship: null };

  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1 || !(parsed.result instanceof asn1js.Sequence)) {
    throw new Error('Invalid subjectDirectoryAttributes extension: expected a DER SEQUENCE of attributes.');
  }

  for (const attribute of parsed.result.valueBlock.value) {
    const [type, values] = attribute instanceof asn1js.Sequence ? attribute.valueBlock.value : [];
    if (!(type instanceof asn1js.ObjectIdentifier) || !(values instanceof asn1js.Set)) {
      throw new Error('Invalid subjectDirectoryAttributes extension: an attribute is not a SEQUENCE of type and value set.');
    }

    const value = values.valueBlock.value[0];
    switch (type.getValue()) {
      case personalDataAttributeOids.dateOfBirth:
        data.birthDate = decodeDateOfBirth(value);
        break;
      case personalDataAttributeOids.placeOfBirth: {
        const place = parsePlaceOfBirth(decodeString(value, 'placeOfBirth'));
        data.birthCity = place.city;
        data.birthCountry = place.country;
        break;
      }
      case personalDataAttributeOids.gender:
        data.gender = decodeGender(decodeString(value, 'gender'));
        break;
      case personalDataAttributeOids.countryOfCitizenship:
        data.citizenship = decodeString(value, 'countryOfCitizenship');
        break;
    }
  }
  return data;
}

/**
 * Formats placeOfBirth as "City, XK", or the city or the country code alone. RFC 3739 gives
 * placeOfBirth no inner structure, and there is no attribute for the country of birth alone.
 */
export function formatPlaceOfBirth(city: string | null, country: string | null): string | null {
  if (city !== null && country !== null) return `${city}, ${country}`;
  return city ?? country;
}

/**
 * Splits placeOfBirth into city and country, reversing formatPlaceOfBirth. A trailing ", XX" or
 * a whole value of two capital letters is read as the country code.
 * NOTE: a city named by two capital letters alone, or ending in ", " and two, is misread as
 * containing the country code.
 */
export function parsePlaceOfBirth(text: string): { city: string | null; country: string | null } {
  if (/^[A-Z]{2}$/.test(text)) return { city: null, country: text };
  const match = /^(.+), ([A-Z]{2})$/s.exec(text);
  if (match) return { city: match[1]!, country: match[2]! };
  return { city: text, country: null };
}

function encodeAttribute(type: string, value: asn1js.BaseBlock): asn1js.Sequence {
  return new asn1js.Sequence({
    value: [new asn1js.ObjectIdentifier({ value: type }), new asn1js.Set({ value: [value] })],
  });
}

function decodeDateOfBirth(value: asn1js.AsnType | undefined): string {
  if (!(value instanceof asn1js.GeneralizedTime)) {
    throw new Error('Invalid dateOfBirth attribute: expected a GeneralizedTime.');
  }
  // The UTC date part; at 12:00:00Z the date is the same in UTC as in the issuer's time zone.
  return value.toDate().toISOString().slice(0, 10);
}

function decodeGender(value: string): Gender {
  // RFC 3739 also allows lower case "m" and "f".
  const gender = value.toUpperCase();
  if (gender !== 'F' && gender !== 'M') throw new Error('Invalid gender attribute: expected M or F.');
  return gender;
}

function decodeString(value: asn1js.AsnType | undefined, attributeName: string): string {
  if (!(value instanceof asn1js.BaseStringBlock)) {
    throw new Error(`Invalid ${attributeName} attribute: expected a string.`);
  }
  return value.getValue();
}
