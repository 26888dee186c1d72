import * as asn1js from 'asn1js';
import { createHash, webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';

import type { ContractCheckFix, ContractCheckReason, ContractVerdict, ContractVerification } from '../../common/api/contracts';
import * as x509 from '../ca/x509';
import { oids } from './cms';

type CheckOutcome = ContractVerification['checks'][keyof ContractVerification['checks']];

/** The certificate's status as the certificates table stores it. */
export interface CertificateStatusRecord {
  status: 'active' | 'revoked';
  revokedAt: string | null;
}

export interface ContractCheckInput {
  pdf: Uint8Array;
  /** The SHA-256 stored with the PDF, hex. */
  storedSha256: string;
  /** When the service stored the signed contract (the enrollment time). */
  storedSignedAt: string;
  /** DER root certificates that a chain must end in. */
  trustedRootsDer: Uint8Array[];
  /** Looks up the status of a certificate by its lower-case hex serial number, or returns null when the certificate is unknown. */
  certificateStatus: (serialNumberHex: string) => Promise<CertificateStatusRecord | null>;
}

/** The check without the fields the route adds (contract id, root URL, time of the check). */
export type ContractCheckResult = Omit<ContractVerification, 'contractId' | 'rootCertificateUrl' | 'checkedAt'>;

/** A failed step: the verdict it leads to and the reason, plus a fix for `unknown`. */
class CheckStop {
  constructor(
    readonly verdict: Exclude<ContractVerdict, 'valid'>,
    readonly reason: ContractCheckReason,
    readonly fix: ContractCheckFix | null = null,
  ) {}
}

const invalid = (reason: ContractCheckReason) => new CheckStop('invalid', reason);

interface SignatureLocation {
  byteRange: [number, number, number, number];
  cms: Uint8Array;
  /** The text of the signature dictionary's object, for the /M entry. */
  dictionary: string;
}

function arrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function sameBytes(left: Uint8Array, right: Uint8Array): boolean {
  return left.byteLength === right.byteLength && Buffer.from(left).equals(Buffer.from(right));
}

/**
 * Finds the last signature of the file. A contract carries exactly one, and an incremental
 * update appended after it shows up as a byte range that does not reach the end of the file.
 */
function locateSignature(pdf: Buffer): SignatureLocation {
  const position = pdf.lastIndexOf('/ByteRange');
  if (position === -1) throw invalid('not-signed');

  const match = /^\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(pdf.subarray(position, position + 100).toString('latin1'));
  if (!match) throw invalid('malformed-signature');
  const byteRange = match.slice(1, 5).map(Number) as [number, number, number, number];
  const [start, firstLength, secondStart, secondLength] = byteRange;
  if (start !== 0 || firstLength <= 0 || secondStart <= firstLength + 1) throw invalid('malformed-signature');
  // A file that ends before or after the second range was cut or extended after signing.
  if (secondStart + secondLength !== pdf.length) throw invalid('content-modified');

  const contents = pdf.subarray(firstLength, secondStart).toString('latin1');
  if (!/^<[0-9A-Fa-f]*>$/.test(contents) || contents.length % 2 !== 0) throw invalid('malformed-signature');
  const cms = Buffer.from(contents.slice(1, -1), 'hex');

  const objectStart = Math.max(0, pdf.lastIndexOf(' obj', position));
  const objectEnd = pdf.indexOf('endobj', secondStart);
  const dictionary = pdf.subarray(objectStart, objectEnd === -1 ? secondStart : objectEnd).toString('latin1');
  return { byteRange, cms, dictionary };
}

/** Parses the /M date, such as D:20261204203936Z or D:20261204213936+01'00', or returns null when it is absent or invalid. */
export function parsePdfDate(dictionary: string): Date | null {
  const match = /\/M\s*\(D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|[+-]\d{2}'?\d{2}'?)?/.exec(dictionary);
  if (!match) return null;
  const [, year, month, day, hour, minute, second, zone] = match;
  let offset = 'Z';
  if (zone && zone !== 'Z') offset = `${zone.slice(0, 3)}:${zone.replaceAll("'", '').slice(3, 5)}`;
  const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}${offset}`);
  return Number.isNaN(date.getTime()) ? null : date;
}

function parseSignedData(cms: Uint8Array): pkijs.SignedData {
  // The hex in /Contents is padded with zeros after the DER structure, and fromBER stops at its end.
  const asn1 = asn1js.fromBER(arrayBuffer(cms));
  if (asn1.offset === -1) throw invalid('malformed-signature');
  try {
    const contentInfo = new pkijs.ContentInfo({ schema: asn1.result });
    if (contentInfo.contentType !== oids.signedData) throw invalid('malformed-signature');
    return new pkijs.SignedData({ schema: contentInfo.content });
  } catch (error) {
    if (error instanceof CheckStop) throw error;
    throw invalid('malformed-signature');
  }
}

function attributeValue(signerInfo: pkijs.SignerInfo, type: string): asn1js.AsnType | null {
  const attribute = signerInfo.signedAttrs?.attributes.find((candidate) => candidate.type === type);
  return attribute?.values.length === 1 ? (attribute.values[0] as asn1js.AsnType) : null;
}

function octets(value: asn1js.AsnType | null | undefined): Uint8Array | null {
  return value instanceof asn1js.OctetString ? value.valueBlock.valueHexView : null;
}

function findSignerCertificate(signedData: pkijs.SignedData, signerInfo: pkijs.SignerInfo): pkijs.Certificate {
  const sid = signerInfo.sid;
  if (!(sid instanceof pkijs.IssuerAndSerialNumber)) throw invalid('malformed-signature');
  const certificate = (signedData.certificates ?? []).find(
    (candidate): candidate is pkijs.Certificate =>
      candidate instanceof pkijs.Certificate && candidate.issuer.isEqual(sid.issuer) && candidate.serialNumber.isEqual(sid.serialNumber),
  );
  if (!certificate) throw invalid('malformed-signature');
  return certificate;
}

async function verifySignerSignature(signerInfo: pkijs.SignerInfo, certificate: pkijs.Certificate): Promise<boolean> {
  // The signature covers the DER of the signed attributes as a SET OF, not as the [0] IMPLICIT
  // field they are stored in (RFC 5652 section 5.4).
  const signedAttributes = new Uint8Array(signerInfo.signedAttrs!.encodedValue.slice(0));
  signedAttributes[0] = 0x31;

  const signature = asn1js.fromBER(arrayBuffer(signerInfo.signature.valueBlock.valueHexView));
  if (signature.offset === -1) return false;
  const rawSignature = pkijs.createECDSASignatureFromCMS(signature.result, 32);
  if (rawSignature.byteLength !== 64) return false;

  try {
    const publicKey = await webcrypto.subtle.importKey('spki', certificate.subjectPublicKeyInfo.toSchema().toBER(false), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    return await webcrypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, publicKey, rawSignature, signedAttributes);
  } catch {
    return false;
  }
}

/** Checks that the signing-certificate-v2 attribute names exactly the certificate that signed. */
function signingCertificateMatches(signerInfo: pkijs.SignerInfo, certificateDer: Uint8Array): boolean {
  const value = attributeValue(signerInfo, oids.signingCertificateV2);
  if (!(value instanceof asn1js.Sequence)) return false;
  const certs = value.valueBlock.value[0];
  const first = certs instanceof asn1js.Sequence ? certs.valueBlock.value[0] : undefined;
  if (!(first instanceof asn1js.Sequence)) return false;

  let fields = first.valueBlock.value;
  // hashAlgorithm is optional and defaults to SHA-256, the only hash this service signs with.
  if (fields[0] instanceof asn1js.Sequence) {
    const algorithm = new pkijs.AlgorithmIdentifier({ schema: fields[0] });
    if (algorithm.algorithmId !== oids.sha256) return false;
    fields = fields.slice(1);
  }
  const certHash = octets(fields[0]);
  return certHash !== null && sameBytes(certHash, createHash('sha256').update(certificateDer).digest());
}

function withinValidity(certificate: x509.X509Certificate, at: Date): boolean {
  return certificate.notBefore <= at && at <= certificate.notAfter;
}

/**
 * Builds the path from the signer to a trusted root through the certificates in the CMS and
 * checks each signature and each validity period at the time of signing.
 */
async function checkChain(signerDer: Uint8Array, embeddedDer: Uint8Array[], trustedRootsDer: Uint8Array[], signingTime: Date): Promise<void> {
  const trusted = trustedRootsDer.map((der) => new x509.X509Certificate(new Uint8Array(der)));
  const candidates = [...embeddedDer.map((der) => new x509.X509Certificate(new Uint8Array(der))), ...trusted];
  let current = new x509.X509Certificate(new Uint8Array(signerDer));

  for (let depth = 0; depth < 8; depth += 1) {
    if (!withinValidity(current, signingTime)) throw invalid('certificate-not-valid-at-signing');
    if (trusted.some((root) => sameBytes(new Uint8Array(root.rawData), new Uint8Array(current.rawData)))) return;

    const issuers = candidates.filter((candidate) => candidate.subject === current.issuer && !sameBytes(new Uint8Array(candidate.rawData), new Uint8Array(current.rawData)));
    const selfSigned = current.subject === current.issuer;
    if (issuers.length === 0) {
      // The path ends in a root (or a CA) that this service does not trust.
      throw new CheckStop('unknown', 'root-not-trusted', 'install-root');
    }

    let issuer: x509.X509Certificate | undefined;
    for (const candidate of issuers) {
      if (await current.verify({ publicKey: candidate, signatureOnly: true })) {
        issuer = candidate;
        break;
      }
    }
    if (!issuer) throw invalid('chain-invalid');
    if (selfSigned) throw new CheckStop('unknown', 'root-not-trusted', 'install-root');
    current = issuer;
  }
  throw invalid('chain-invalid');
}

/**
 * Checks a signed contract in order: the byte ranges the signature covers, the CMS signature and
 * its signing-certificate-v2 binding, and the chain to a trusted root. Then it checks the
 * certificate's revocation status at signing time and now, and finally that the file is the one
 * stored at enrollment.
 * Never throws for a damaged file: every failure becomes a verdict with a reason, and an error
 * from a decoder is passed to `onUnexpectedError` and reported as a malformed signature.
 */
export async function checkContractSignature(input: ContractCheckInput, onUnexpectedError?: (error: unknown) => void): Promise<ContractCheckResult> {
  const pdf = Buffer.from(input.pdf);
  const storedSignedAt = new Date(input.storedSignedAt);
  const checks: ContractCheckResult['checks'] = {
    integrity: 'not-checked',
    signature: 'not-checked',
    chain: 'not-checked',
    revocationAtSigning: 'not-checked',
    revocationNow: 'not-checked',
  };
  const result: ContractCheckResult = {
    verdict: 'valid',
    reason: null,
    fix: null,
    signer: null,
    serial: null,
    signingTime: input.storedSignedAt,
    signingTimeSource: 'stored',
    checks,
    revokedAt: null,
  };
  let step: keyof typeof checks = 'integrity';
  const pass = (next: keyof typeof checks | null, outcome: CheckOutcome = 'passed') => {
    checks[step] = outcome;
    if (next) step = next;
  };

  try {
    const location = locateSignature(pdf);
    const claimed = parsePdfDate(location.dictionary);
    if (claimed) {
      result.signingTime = claimed.toISOString();
      result.signingTimeSource = 'claimed';
    }

    const signedData = parseSignedData(location.cms);
    if (signedData.signerInfos.length !== 1) throw invalid('malformed-signature');
    const signerInfo = signedData.signerInfos[0]!;
    const signerCertificate = findSignerCertificate(signedData, signerInfo);
    const signerDer = new Uint8Array(signerCertificate.toSchema().toBER(false));
    const decodedSigner = new x509.X509Certificate(signerDer);
    result.signer = decodedSigner.subjectName.getField('CN')[0] ?? decodedSigner.subject;
    result.serial = decodedSigner.serialNumber.toLowerCase().replace(/^(?:00)+(?=.)/, '');

    if (signerInfo.digestAlgorithm.algorithmId !== oids.sha256 || signerInfo.signatureAlgorithm.algorithmId !== oids.ecdsaWithSha256) {
      throw invalid('unsupported-signature');
    }
    const contentType = attributeValue(signerInfo, oids.contentType);
    const messageDigest = octets(attributeValue(signerInfo, oids.messageDigest));
    if (!(contentType instanceof asn1js.ObjectIdentifier) || contentType.valueBlock.toString() !== oids.data || messageDigest === null) {
      throw invalid('malformed-signature');
    }

    const [, firstLength, secondStart, secondLength] = location.byteRange;
    const signedDigest = createHash('sha256')
      .update(pdf.subarray(0, firstLength))
      .update(pdf.subarray(secondStart, secondStart + secondLength))
      .digest();
    if (!sameBytes(signedDigest, messageDigest)) throw invalid('content-modified');
    pass('signature');

    if (!(await verifySignerSignature(signerInfo, signerCertificate))) throw invalid('signature-mismatch');
    if (!signingCertificateMatches(signerInfo, signerDer)) throw invalid('signing-certificate-mismatch');
    pass('chain');

    // Validity and revocation are judged at the stored enrollment time: the service wrote it,
    // whereas /M is only what the signer claims.
    const embedded = (signedData.certificates ?? [])
      .filter((candidate): candidate is pkijs.Certificate => candidate instanceof pkijs.Certificate)
      .map((candidate) => new Uint8Array(candidate.toSchema().toBER(false)));
    await checkChain(signerDer, embedded, input.trustedRootsDer, storedSignedAt);
    pass('revocationAtSigning');

    const status = await input.certificateStatus(result.serial);
    if (!status) throw new CheckStop('unknown', 'revocation-status-unavailable', 'contact-support');
    const revokedAt = status.status === 'revoked' ? new Date(status.revokedAt ?? 0) : null;
    result.revokedAt = revokedAt?.toISOString() ?? null;
    if (revokedAt && revokedAt <= storedSignedAt) throw invalid('revoked-before-signing');
    pass('revocationNow');
    // A revocation after signing leaves the signature valid, and the panel reports it separately.
    pass(null, revokedAt ? 'failed' : 'passed');

    if (createHash('sha256').update(pdf).digest('hex') !== input.storedSha256.toLowerCase()) {
      checks.integrity = 'failed';
      throw invalid('stored-copy-altered');
    }
  } catch (error) {
    let stop: CheckStop;
    if (error instanceof CheckStop) {
      stop = error;
    } else {
      // pkijs, asn1js and @peculiar/x509 throw on structures they cannot decode.
      onUnexpectedError?.(error);
      stop = invalid('malformed-signature');
    }
    if (checks[step] === 'not-checked') checks[step] = stop.verdict === 'invalid' ? 'failed' : 'not-checked';
    result.verdict = stop.verdict;
    result.reason = stop.reason;
    result.fix = stop.fix;
  }
  return result;
}
