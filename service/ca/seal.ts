import { businessIdentifier, businessNumberPattern } from '../../common/domain';
import { formatName, nameValues, parseName } from './distinguished-name';
import { InvalidCertificateRequestError, maxCommonNameLength } from './holder';
import { nameAttributeOids } from './oids';
import { holderCountry } from './profile';
import * as x509 from './x509';

/** The business a digital seal certificate is issued to, as registered with ARBK. */
export interface DigitalSealBusiness {
  businessName: string;
  /** The 9-digit ARBK business number. */
  businessNumber: string;
}

/** The ETSI EN 319 412-1 prefix of a national trade register number in organizationIdentifier. */
const businessIdentifierPrefix = 'NTRXK-';

// C0 and C1 control characters never belong in a name and would confuse display and parsing.
const controlCharacters = /\p{Cc}/u;

/**
 * Checks the business data and returns the name trimmed and in Unicode NFC. The name is both CN
 * and O, so the RFC 5280 limit of 64 characters (ub-common-name, ub-organization-name) applies.
 */
export function normalizeBusiness(business: DigitalSealBusiness): DigitalSealBusiness {
  const businessName = business.businessName.normalize('NFC').trim();
  if (businessName.length === 0) throw new InvalidCertificateRequestError('Invalid businessName: it must not be empty.');
  if (controlCharacters.test(businessName)) throw new InvalidCertificateRequestError('Invalid businessName: it contains a control character.');
  const length = [...businessName].length;
  if (length > maxCommonNameLength) {
    throw new InvalidCertificateRequestError(`Invalid businessName: it has ${length} characters, but at most ${maxCommonNameLength} are allowed.`);
  }
  if (!businessNumberPattern.test(business.businessNumber)) {
    throw new InvalidCertificateRequestError('Invalid businessNumber: expected exactly 9 digits.');
  }
  return { businessName, businessNumber: business.businessNumber };
}

/**
 * Builds the subject of a digital seal certificate, a legal person's certificate after ETSI EN
 * 319 412-3: C, organizationIdentifier, O, CN in DER order, printed by RFC 4514 as "CN=…, O=…,
 * organizationIdentifier=NTRXK-…, C=XK". CN and O are UTF8String for every name (see
 * holderSubject for why), and C and the organizationIdentifier are PrintableString.
 */
export function sealSubject(business: DigitalSealBusiness): x509.Name {
  return new x509.Name([
    { [nameAttributeOids.countryName]: [{ printableString: holderCountry }] },
    { [nameAttributeOids.organizationIdentifier]: [{ printableString: businessIdentifier(business.businessNumber) }] },
    { [nameAttributeOids.organizationName]: [{ utf8String: business.businessName }] },
    { [nameAttributeOids.commonName]: [{ utf8String: business.businessName }] },
  ]);
}

/** The business and certificate data of a digital seal certificate. */
export interface SealCertificateData {
  commonName: string;
  organizationName: string;
  /** The subject's organizationIdentifier as encoded, for example NTRXK-810123456. */
  organizationIdentifier: string;
  businessNumber: string;
  country: string;
  /** Lower-case hex without leading zero bytes. */
  serialNumberHex: string;
  /** RFC 4514 text such as "CN=Drita SH.P.K., O=Drita SH.P.K., organizationIdentifier=NTRXK-810123456, C=XK". */
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
}

/** Thrown when a certificate is not a well-formed digital seal certificate. */
export class NotADigitalSealError extends Error {
  override name = 'NotADigitalSealError';
}

/** Decodes the business data of a DER digital seal certificate. */
export function decodeSealCertificate(der: Uint8Array): SealCertificateData {
  const certificate = new x509.X509Certificate(new Uint8Array(der));
  const subject = parseName(certificate.subjectName.toArrayBuffer());
  const issuer = parseName(certificate.issuerName.toArrayBuffer());

  const single = (oid: string, attributeName: string): string => {
    const values = nameValues(subject, oid);
    if (values.length !== 1) {
      throw new NotADigitalSealError(`Invalid subject: expected exactly one ${attributeName} attribute, found ${values.length}.`);
    }
    return values[0]!;
  };

  const organizationIdentifier = single(nameAttributeOids.organizationIdentifier, 'organizationIdentifier');
  const businessNumber = organizationIdentifier.slice(businessIdentifierPrefix.length);
  if (!organizationIdentifier.startsWith(businessIdentifierPrefix) || !businessNumberPattern.test(businessNumber)) {
    throw new NotADigitalSealError(`Invalid organizationIdentifier: expected ${businessIdentifierPrefix} and 9 digits.`);
  }

  return {
    commonName: single(nameAttributeOids.commonName, 'commonName'),
    organizationName: single(nameAttributeOids.organizationName, 'organizationName'),
    organizationIdentifier,
    businessNumber,
    country: single(nameAttributeOids.countryName, 'countryName'),
    serialNumberHex: certificate.serialNumber.toLowerCase(),
    subject: formatName(subject),
    issuer: formatName(issuer),
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
  };
}
