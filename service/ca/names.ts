import * as x509 from './x509';
import { nameAttributeOids } from './oids';

/** The demo CA's names. "Demo" in both common names keeps them apart from any real Kosovo CA. */
export const caNames = {
  country: 'XK',
  organization: 'eID Self-Service',
  rootCommonName: 'Kosovo eID Demo Root CA',
  issuingCommonName: 'Kosovo eID Demo Issuing CA',
} as const;

/**
 * Builds a CA distinguished name with C first, the usual X.500 order. Text attributes are
 * UTF8String, one of the two encodings RFC 5280 section 4.1.2.4 allows, and C is a
 * PrintableString because X.520 defines it so.
 */
export function caDistinguishedName(commonName: string): x509.Name {
  return new x509.Name([
    { [nameAttributeOids.countryName]: [{ printableString: caNames.country }] },
    { [nameAttributeOids.organizationName]: [{ utf8String: caNames.organization }] },
    { [nameAttributeOids.commonName]: [{ utf8String: commonName }] },
  ]);
}
