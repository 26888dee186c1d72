import * as asn1js from 'asn1js';

import { nameAttributeOids } from './oids';

// The short names of RFC 4514 section 3 where it has one, otherwise the X.520 or PKCS #9 name.
// Surname is written out, not as RFC 4519's "sn", because "SN" reads as serial number to many.
const attributeNames: Record<string, string> = {
  [nameAttributeOids.commonName]: 'CN',
  [nameAttributeOids.surname]: 'surname',
  [nameAttributeOids.serialNumber]: 'serialNumber',
  [nameAttributeOids.countryName]: 'C',
  [nameAttributeOids.localityName]: 'L',
  [nameAttributeOids.stateOrProvinceName]: 'ST',
  [nameAttributeOids.organizationName]: 'O',
  [nameAttributeOids.organizationalUnitName]: 'OU',
  [nameAttributeOids.title]: 'title',
  [nameAttributeOids.givenName]: 'givenName',
  [nameAttributeOids.organizationIdentifier]: 'organizationIdentifier',
  [nameAttributeOids.emailAddress]: 'emailAddress',
  [nameAttributeOids.domainComponent]: 'DC',
};

/** One attribute of a distinguished name. */
export interface NameAttribute {
  oid: string;
  value: string;
}

/**
 * Parses a DER Name into its relative distinguished names, in DER order. String values of any
 * ASN.1 string type are decoded to text.
 */
export function parseName(der: BufferSource): NameAttribute[][] {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1 || !(parsed.result instanceof asn1js.Sequence)) {
    throw new Error('Invalid distinguished name: expected a DER SEQUENCE.');
  }

  return parsed.result.valueBlock.value.map((rdn) => {
    if (!(rdn instanceof asn1js.Set)) throw new Error('Invalid distinguished name: a relative distinguished name is not a SET.');
    return rdn.valueBlock.value.map((attribute) => {
      const [type, value] = attribute instanceof asn1js.Sequence ? attribute.valueBlock.value : [];
      if (!(type instanceof asn1js.ObjectIdentifier) || !(value instanceof asn1js.BaseStringBlock)) {
        throw new Error('Invalid distinguished name: an attribute is not an OID with a string value.');
      }
      return { oid: type.getValue(), value: value.getValue() };
    });
  });
}

/**
 * Formats a Name as RFC 4514 text, with the relative distinguished names in reverse DER order,
 * joined by ", ". Known attribute types get their names, and an unknown type keeps its dotted
 * OID as RFC 4514 requires. Non-ASCII text stays as is, which RFC 4514 allows.
 */
export function formatName(rdns: NameAttribute[][]): string {
  return [...rdns]
    .reverse()
    .map((rdn) => rdn.map((attribute) => `${attributeNames[attribute.oid] ?? attribute.oid}=${escapeValue(attribute.value)}`).join('+'))
    .join(', ');
}

/** Returns the values of one attribute type, in DER order. */
export function nameValues(rdns: NameAttribute[][], oid: string): string[] {
  return rdns.flat().filter((attribute) => attribute.oid === oid).map((attribute) => attribute.value);
}

// RFC 4514 section 2.4: escape the special characters, a leading space or "#", a trailing space
// and NUL.
function escapeValue(value: string): string {
  return value
    .replace(/[,+"\\<>;]/g, (character) => `\\${character}`)
    .replace(/^[ #]/, (character) => `\\${character}`)
    .replace(/ $/, '\\ ')
    .replaceAll('\u0000', '\\00');
}
