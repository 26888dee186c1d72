import { personalNumberIdentifier } from '../../common/domain';
import type { DigitalIdHolder } from './holder';
import { nameAttributeOids, subjectDirectoryAttributesOid } from './oids';
import { encodeSubjectDirectoryAttributes } from './subject-directory-attributes';
import * as x509 from './x509';

/** The country of every digital ID holder and of the CA. */
export const holderCountry = 'XK';

/** Returns the URLs under `publicUrl` of the CRL, the OCSP responder and the issuing CA certificate. */
export function publicationUrls(publicUrl: string) {
  return {
    crl: `${publicUrl}/pki/crl`,
    ocsp: `${publicUrl}/pki/ocsp`,
    issuingCertificate: `${publicUrl}/pki/issuing.crt`,
  };
}

/**
 * Builds the subject of a digital ID certificate: C, serialNumber, surname, givenName, CN in
 * DER order, which RFC 4514 prints in reverse as "CN=…, givenName=…, surname=…, serialNumber=…,
 * C=XK". Names are forced to UTF8String because @peculiar/x509 would otherwise pick
 * PrintableString for ASCII-only names and UTF8String for others (ë, Ç, Đ), so the same field
 * would vary in type from holder to holder. C and the serialNumber, which are ASCII by
 * definition, stay PrintableString. The serialNumber is the ETSI EN 319 412-1 semantics
 * identifier PNOXK-<personal number>.
 */
export function holderSubject(holder: DigitalIdHolder): x509.Name {
  return new x509.Name([
    { [nameAttributeOids.countryName]: [{ printableString: holderCountry }] },
    { [nameAttributeOids.serialNumber]: [{ printableString: personalNumberIdentifier(holder.personalNumber) }] },
    { [nameAttributeOids.surname]: [{ utf8String: holder.surname }] },
    { [nameAttributeOids.givenName]: [{ utf8String: holder.givenName }] },
    { [nameAttributeOids.commonName]: [{ utf8String: `${holder.givenName} ${holder.surname}` }] },
  ]);
}

export interface HolderExtensionsParams {
  holder: DigitalIdHolder;
  /** The holder's public key as DER SubjectPublicKeyInfo. */
  subjectPublicKey: Uint8Array<ArrayBuffer>;
  issuingCertificate: x509.X509Certificate;
  publicUrl: string;
  crypto: Crypto;
}

/** Builds the extensions of a digital ID certificate, a signing certificate of a natural person. */
export async function holderExtensions(params: HolderExtensionsParams): Promise<x509.Extension[]> {
  const extensions = await signingCertificateExtensions(params);

  const personalData = encodeSubjectDirectoryAttributes({
    gender: params.holder.gender ?? null,
    birthDate: params.holder.birthDate ?? null,
    birthCountry: params.holder.birthCountry ?? null,
    birthCity: params.holder.birthCity ?? null,
    citizenship: holderCountry,
  });
  if (personalData !== null) {
    // Non-critical, as RFC 5280 section 4.2.1.8 requires.
    extensions.push(new x509.Extension(subjectDirectoryAttributesOid, false, personalData));
  }
  return extensions;
}

/**
 * Builds the extensions that every end-entity signing certificate of this CA carries, the
 * digital ID and the digital seal alike: key usage, key identifiers, CRL and OCSP locations.
 */
export async function signingCertificateExtensions(params: Omit<HolderExtensionsParams, 'holder'>): Promise<x509.Extension[]> {
  const urls = publicationUrls(params.publicUrl);
  const issuingKeyIdentifier = params.issuingCertificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  if (issuingKeyIdentifier === undefined) {
    throw new Error('The issuing CA certificate has no subjectKeyIdentifier extension.');
  }

  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    // digitalSignature for authentication, nonRepudiation (contentCommitment) for document
    // signatures that bind the holder.
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
    await x509.SubjectKeyIdentifierExtension.create(params.subjectPublicKey, false, params.crypto),
    // Copied from the issuer's subjectKeyIdentifier so path building matches the two exactly.
    new x509.AuthorityKeyIdentifierExtension(issuingKeyIdentifier),
    new x509.CRLDistributionPointsExtension([urls.crl]),
    new x509.AuthorityInfoAccessExtension({ ocsp: urls.ocsp, caIssuers: urls.issuingCertificate }),
  ];
}
