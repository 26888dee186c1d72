import { InvalidCertificateRequestError, normalizeHolder, type DigitalIdHolder } from './holder';
import { certificateToPem } from './pem';
import { holderExtensions, holderSubject, signingCertificateExtensions } from './profile';
import { normalizeBusiness, sealSubject, type DigitalSealBusiness } from './seal';
import { generateSerialNumberHex } from './serial-number';
import { certificateValidity } from './validity';
import * as x509 from './x509';

/** The validity of a digital ID certificate in years. */
export const digitalIdValidityYears = 2;

export interface DigitalIdRequest {
  /** The holder's ECDSA P-256 public key, a key of Node's webcrypto (`globalThis.crypto`). */
  subjectPublicKey: CryptoKey;
  holder: DigitalIdHolder;
}

export interface DigitalSealRequest {
  /** The seal's ECDSA P-256 public key, a key of Node's webcrypto (`globalThis.crypto`). */
  subjectPublicKey: CryptoKey;
  business: DigitalSealBusiness;
}

export interface IssuedCertificate {
  der: Uint8Array;
  pem: string;
  /** Lower-case hex without leading zero bytes. */
  serialNumberHex: string;
  notBefore: Date;
  notAfter: Date;
}

/** The issuing CA of digital ID certificates, with the certificates of its chain. */
export interface CertificateAuthority {
  readonly rootCertificateDer: Uint8Array;
  readonly issuingCertificateDer: Uint8Array;
  readonly rootCertificatePem: string;
  readonly issuingCertificatePem: string;
  issueDigitalId(request: DigitalIdRequest): Promise<IssuedCertificate>;
  /** Issues a digital seal certificate: the subject names the business, with the same validity, key usage and URLs as a digital ID. */
  issueDigitalSeal(request: DigitalSealRequest): Promise<IssuedCertificate>;
}

export interface SigningAuthorityParams {
  rootCertificate: x509.X509Certificate;
  issuingCertificate: x509.X509Certificate;
  /**
   * The issuing CA's private key. Any ECDSA P-256 key that `crypto` can sign with works, so a
   * webcrypto provider for an HSM can replace the key file.
   */
  signingKey: CryptoKey;
  crypto: Crypto;
  /** The base URL under which the service publishes /pki/crl, /pki/ocsp and /pki/issuing.crt. */
  publicUrl: string;
  now?: () => Date;
}

/** Creates a CA that signs with the given issuing key. */
export function createCertificateAuthority(params: SigningAuthorityParams): CertificateAuthority {
  const publicUrl = normalizePublicUrl(params.publicUrl);
  const now = params.now ?? (() => new Date());
  const { rootCertificate, issuingCertificate, signingKey, crypto } = params;
  const rootCertificateDer = new Uint8Array(rootCertificate.rawData);
  const issuingCertificateDer = new Uint8Array(issuingCertificate.rawData);

  async function issueDigitalId(request: DigitalIdRequest): Promise<IssuedCertificate> {
    const holder = normalizeHolder(request.holder);
    const subjectPublicKeySpki = await exportHolderPublicKey(request.subjectPublicKey);
    const extensions = await holderExtensions({ holder, subjectPublicKey: subjectPublicKeySpki, issuingCertificate, publicUrl, crypto });
    return issue(holderSubject(holder), subjectPublicKeySpki, extensions);
  }

  async function issueDigitalSeal(request: DigitalSealRequest): Promise<IssuedCertificate> {
    const business = normalizeBusiness(request.business);
    const subjectPublicKeySpki = await exportHolderPublicKey(request.subjectPublicKey);
    const extensions = await signingCertificateExtensions({ subjectPublicKey: subjectPublicKeySpki, issuingCertificate, publicUrl, crypto });
    return issue(sealSubject(business), subjectPublicKeySpki, extensions);
  }

  async function issue(subject: x509.Name, subjectPublicKeySpki: Uint8Array<ArrayBuffer>, extensions: x509.Extension[]): Promise<IssuedCertificate> {
    const issuedAt = now();
    if (issuedAt < issuingCertificate.notBefore || issuedAt > issuingCertificate.notAfter) {
      throw new Error(`Cannot issue a certificate at ${issuedAt.toISOString()}: the issuing CA certificate is valid from ${issuingCertificate.notBefore.toISOString()} to ${issuingCertificate.notAfter.toISOString()}.`);
    }

    const certificate = await x509.X509CertificateGenerator.create(
      {
        serialNumber: generateSerialNumberHex(crypto),
        subject,
        // The issuer's own encoded subject, so the names match byte for byte in path building.
        issuer: issuingCertificate.subjectName,
        ...certificateValidity(issuedAt, digitalIdValidityYears, issuingCertificate),
        publicKey: subjectPublicKeySpki,
        signingKey,
        extensions,
      },
      crypto,
    );

    const der = new Uint8Array(certificate.rawData);
    return {
      der,
      pem: certificateToPem(der),
      serialNumberHex: certificate.serialNumber.toLowerCase(),
      notBefore: certificate.notBefore,
      notAfter: certificate.notAfter,
    };
  }

  return {
    rootCertificateDer,
    issuingCertificateDer,
    rootCertificatePem: certificateToPem(rootCertificateDer),
    issuingCertificatePem: certificateToPem(issuingCertificateDer),
    issueDigitalId,
    issueDigitalSeal,
  };
}

/** Validates that `publicUrl` is an absolute http(s) URL and returns it without trailing slashes. */
export function normalizePublicUrl(publicUrl: string): string {
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new Error(`Invalid publicUrl "${publicUrl}": expected an absolute URL such as https://eid.example.org.`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '') {
    throw new Error(`Invalid publicUrl "${publicUrl}": expected an http or https URL without query or fragment.`);
  }
  return url.href.replace(/\/+$/, '');
}

// Exported with Node's webcrypto, which created the key, rather than with the CA's provider, so
// that an HSM provider never has to handle holder keys.
async function exportHolderPublicKey(key: CryptoKey): Promise<Uint8Array<ArrayBuffer>> {
  const algorithm = key.algorithm as EcKeyAlgorithm;
  if (key.type !== 'public' || algorithm.name !== 'ECDSA' || algorithm.namedCurve !== 'P-256') {
    throw new InvalidCertificateRequestError(`Invalid subjectPublicKey: expected an ECDSA P-256 public key, got a ${key.type} key with algorithm ${JSON.stringify(key.algorithm)}.`);
  }
  return new Uint8Array(await globalThis.crypto.subtle.exportKey('spki', key));
}
