import type { Gender } from '../../common/domain';
import { formatName, nameValues, parseName, type NameAttribute } from './distinguished-name';
import { nameAttributeOids, subjectDirectoryAttributesOid } from './oids';
import { decodeSubjectDirectoryAttributes } from './subject-directory-attributes';
import * as x509 from './x509';

/** The ETSI EN 319 412-1 prefix of a Kosovo personal number in the subject serialNumber. */
const personalNumberPrefix = 'PNOXK-';

/** The holder and certificate data of a digital ID certificate. */
export interface HolderCertificateData {
  commonName: string;
  givenName: string;
  surname: string;
  /** The subject's serialNumber attribute as encoded, for example PNOXK-1176001727. */
  subjectSerialNumber: string;
  personalNumber: string;
  country: string;
  gender: Gender | null;
  /** YYYY-MM-DD. */
  birthDate: string | null;
  birthCountry: string | null;
  birthCity: string | null;
  /** Lower-case hex without leading zero bytes. */
  serialNumberHex: string;
  /** RFC 4514 text such as "CN=Arbër Krasniqi, givenName=Arbër, surname=Krasniqi, serialNumber=PNOXK-1176001727, C=XK". */
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
}

/** Thrown when a certificate is not a well-formed digital ID certificate. */
export class NotADigitalIdError extends Error {
  override name = 'NotADigitalIdError';
}

/** Decodes the holder data of a DER digital ID certificate. */
export function decodeHolderCertificate(der: Uint8Array): HolderCertificateData {
  const certificate = new x509.X509Certificate(new Uint8Array(der));
  const subject = parseName(certificate.subjectName.toArrayBuffer());
  const issuer = parseName(certificate.issuerName.toArrayBuffer());

  const subjectSerialNumber = requireSingleValue(subject, nameAttributeOids.serialNumber, 'serialNumber');
  if (!subjectSerialNumber.startsWith(personalNumberPrefix)) {
    throw new NotADigitalIdError(`Invalid subject serialNumber: expected the prefix ${personalNumberPrefix}.`);
  }

  const extension = certificate.getExtension(subjectDirectoryAttributesOid);
  const personalData = extension === null ? null : decodeSubjectDirectoryAttributes(extension.value);

  return {
    commonName: requireSingleValue(subject, nameAttributeOids.commonName, 'commonName'),
    givenName: requireSingleValue(subject, nameAttributeOids.givenName, 'givenName'),
    surname: requireSingleValue(subject, nameAttributeOids.surname, 'surname'),
    subjectSerialNumber,
    personalNumber: subjectSerialNumber.slice(personalNumberPrefix.length),
    country: requireSingleValue(subject, nameAttributeOids.countryName, 'countryName'),
    gender: personalData?.gender ?? null,
    birthDate: personalData?.birthDate ?? null,
    birthCountry: personalData?.birthCountry ?? null,
    birthCity: personalData?.birthCity ?? null,
    serialNumberHex: certificate.serialNumber.toLowerCase(),
    subject: formatName(subject),
    issuer: formatName(issuer),
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
  };
}

function requireSingleValue(name: NameAttribute[][], oid: string, attributeName: string): string {
  const values = nameValues(name, oid);
  if (values.length !== 1) {
    throw new NotADigitalIdError(`Invalid subject: expected exactly one ${attributeName} attribute, found ${values.length}.`);
  }
  return values[0]!;
}
