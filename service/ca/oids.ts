/**
 * Object identifiers used by the certificate profiles. They are spelled out because short names
 * mislead: @peculiar/x509 and OpenSSL read "SN" as surname (2.5.4.4), which many readers take for
 * serialNumber (2.5.4.5), and @peculiar/x509 has no name at all for serialNumber.
 */

/** X.520 name attribute types (RFC 5280 appendix A, RFC 4519). */
export const nameAttributeOids = {
  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
  countryName: '2.5.4.6',
  localityName: '2.5.4.7',
  stateOrProvinceName: '2.5.4.8',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  title: '2.5.4.12',
  givenName: '2.5.4.42',
  organizationIdentifier: '2.5.4.97',
  emailAddress: '1.2.840.113549.1.9.1',
  domainComponent: '0.9.2342.19200300.100.1.25',
} as const;

/** Personal data attributes of RFC 3739 section 3.2.2, carried in subjectDirectoryAttributes. */
export const personalDataAttributeOids = {
  dateOfBirth: '1.3.6.1.5.5.7.9.1',
  placeOfBirth: '1.3.6.1.5.5.7.9.2',
  gender: '1.3.6.1.5.5.7.9.3',
  countryOfCitizenship: '1.3.6.1.5.5.7.9.4',
} as const;

/** The subjectDirectoryAttributes certificate extension (RFC 5280 section 4.2.1.8). */
export const subjectDirectoryAttributesOid = '2.5.29.9';
