import * as asn1js from 'asn1js';
import { createHash, type KeyObject, sign } from 'node:crypto';
import * as pkijs from 'pkijs';

import { bytesOf, contentOf, derTags, DerWriter, elementSize, encodeGeneralizedTime, readChildren, readElement, tlv, type DerElement } from '../ca/der';
import type { OcspResponderIdentity } from '../ca/ocsp-responder';
import { OcspResponseCache } from './ocsp-response-cache';
import type * as x509 from '../ca/x509';
import type { CertificateStatusRecord } from './status-store';

/**
 * An OCSP responder (RFC 6960) for the certificates of one issuing CA. Requests of the common
 * shape are read directly from the DER, and all others with pkijs. Responses are encoded here,
 * because their layout is fixed and a response to a request with a nonce is signed anew every time.
 */

/** OCSPResponseStatus values (RFC 6960 section 4.2.1). */
export const ocspResponseStatus = { successful: 0, malformedRequest: 1, internalError: 2, tryLater: 3, sigRequired: 5, unauthorized: 6 } as const;

/** The largest request accepted; real requests for a few certificates take a few hundred bytes. */
export const maxOcspRequestBytes = 4096;
/** The maximum number of CertIDs in one request. */
export const maxOcspRequestCertificates = 16;
/** RFC 8954 section 2.1: a nonce has 1 to 32 octets. */
export const maxNonceBytes = 32;
/** How long a relying party may keep a response: the nextUpdate distance from thisUpdate. */
export const ocspValiditySeconds = 60 * 60;

const nonceOid = '1.3.6.1.5.5.7.48.1.2';
const nonceOidDer = Buffer.from([0x06, 0x09, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x02]);
const basicResponseOidDer = Buffer.from([0x06, 0x09, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01]);
// ecdsa-with-SHA256 without parameters (RFC 5758 section 3.2).
const ecdsaWithSha256Der = Buffer.from([0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]);

/** CertID hash algorithms by OID, with their node:crypto names. */
const hashAlgorithms: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** Encodes an OCSPResponse without responseBytes, for every status but successful. */
export function ocspErrorResponse(status: Exclude<(typeof ocspResponseStatus)[keyof typeof ocspResponseStatus], 0>): Uint8Array {
  return new Uint8Array(tlv(derTags.sequence, tlv(derTags.enumerated, Uint8Array.of(status))));
}

/** Thrown for a request that is not a well-formed OCSP request, which gets a malformedRequest response. */
export class MalformedOcspRequestError extends Error {
  override name = 'MalformedOcspRequestError';
}

interface ParsedCertId {
  /** The CertID exactly as the request encoded it, echoed in the response. */
  der: Uint8Array;
  hashName: string | undefined;
  issuerNameHash: Uint8Array;
  issuerKeyHash: Uint8Array;
  /** Lower-case hex without leading zero bytes, or null for a negative serial number. */
  serialNumberHex: string | null;
}

export interface ParsedOcspRequest {
  certIds: ParsedCertId[];
  /** The content of the nonce extension's extnValue, echoed as is, or null without a nonce. */
  nonce: Uint8Array | null;
}

/** Parses a DER OCSPRequest. @throws MalformedOcspRequestError */
export function parseOcspRequest(der: Uint8Array): ParsedOcspRequest {
  if (der.length === 0 || der.length > maxOcspRequestBytes) throw new MalformedOcspRequestError('The request is empty or too large.');
  return parseCommonOcspRequest(der) ?? parseOcspRequestWithPkijs(der);
}

/** The content octets of the CertID hash algorithm OIDs, by node:crypto name. */
const hashOidContents = new Map<string, string>(
  Object.entries({ '2b0e03021a': 'sha1', '608648016503040201': 'sha256', '608648016503040202': 'sha384', '608648016503040203': 'sha512' }),
);
const nonceOidContent = Buffer.from('2b0601050507300102', 'hex');

/**
 * Reads the common shape of a request (unsigned, no requestorName, CertIDs with optional per-CertID
 * extensions, request extensions) straight from the DER, because pkijs takes about 0.4 ms per
 * request. Returns null for anything else, which then goes through pkijs; a malformed nonce or
 * an unknown critical extension throws as in the pkijs path.
 */
export function parseCommonOcspRequest(der: Uint8Array): ParsedOcspRequest | null {
  try {
    const outer = readElement(der, 0);
    if (outer.tag !== derTags.sequence || outer.end !== der.length) return null;
    const top = readChildren(der, outer);
    if (top.length !== 1 || top[0]!.tag !== derTags.sequence) return null;

    const fields = readChildren(der, top[0]!);
    let index = 0;
    if (fields[index]?.tag === 0xa0) index += 1;
    const requestList = fields[index];
    if (!requestList || requestList.tag !== derTags.sequence) return null;
    const extensionsField = fields[index + 1];
    if (fields.length > index + 2 || (extensionsField && extensionsField.tag !== 0xa2)) return null;

    const requests = readChildren(der, requestList);
    if (requests.length === 0 || requests.length > maxOcspRequestCertificates) throw new MalformedOcspRequestError('The request must name 1 to 16 certificates.');

    const certIds: ParsedCertId[] = [];
    for (const entry of requests) {
      if (entry.tag !== derTags.sequence) return null;
      const [certId, singleExtensions, ...rest] = readChildren(der, entry);
      if (!certId || certId.tag !== derTags.sequence || rest.length > 0 || (singleExtensions && singleExtensions.tag !== 0xa0)) return null;

      const parts = readChildren(der, certId);
      if (parts.length !== 4) return null;
      const [algorithm, nameHash, keyHash, serial] = parts as [DerElement, DerElement, DerElement, DerElement];
      if (algorithm.tag !== derTags.sequence || nameHash.tag !== derTags.octetString || keyHash.tag !== derTags.octetString || serial.tag !== derTags.integer) return null;
      const algorithmParts = readChildren(der, algorithm);
      if (algorithmParts[0]?.tag !== derTags.objectIdentifier || algorithmParts.length > 2) return null;

      const serialBytes = Buffer.from(contentOf(der, serial));
      if (serialBytes.length === 0) return null;
      certIds.push({
        der: bytesOf(der, certId),
        hashName: hashOidContents.get(Buffer.from(contentOf(der, algorithmParts[0])).toString('hex')),
        issuerNameHash: contentOf(der, nameHash),
        issuerKeyHash: contentOf(der, keyHash),
        serialNumberHex: (serialBytes[0]! & 0x80) !== 0 ? null : stripLeadingZeros(serialBytes.toString('hex')),
      });
    }

    let nonce: Uint8Array | null = null;
    if (extensionsField) {
      const list = readChildren(der, extensionsField);
      if (list.length !== 1 || list[0]!.tag !== derTags.sequence) return null;
      for (const extension of readChildren(der, list[0]!)) {
        const parts = extension.tag === derTags.sequence ? readChildren(der, extension) : [];
        const oid = parts[0];
        const value = parts[parts.length - 1];
        if (parts.length < 2 || parts.length > 3 || oid?.tag !== derTags.objectIdentifier || value?.tag !== derTags.octetString) return null;
        const critical = parts.length === 3 && parts[1]!.tag === 0x01 && der[parts[1]!.contentStart] !== 0;

        if (nonceOidContent.equals(contentOf(der, oid))) {
          nonce = contentOf(der, value);
          checkNonce(nonce);
        } else if (critical) {
          throw new MalformedOcspRequestError('Unsupported critical request extension.');
        }
      }
    }
    return { certIds, nonce };
  } catch (error) {
    if (error instanceof MalformedOcspRequestError) throw error;
    // Not DER this reader understands: pkijs decides.
    return null;
  }
}

/** Checks the nonce length, counting the octets inside the OCTET STRING that RFC 8954 puts there. */
function checkNonce(extensionValue: Uint8Array): void {
  let octets = extensionValue.length;
  try {
    const inner = readElement(extensionValue, 0);
    if (inner.tag === derTags.octetString && inner.end === extensionValue.length) octets = inner.end - inner.contentStart;
  } catch {
    // A bare nonce without the OCTET STRING wrapper, as some older clients send it.
  }
  if (octets === 0 || octets > maxNonceBytes) throw new MalformedOcspRequestError('The nonce must have 1 to 32 octets.');
}

export function parseOcspRequestWithPkijs(der: Uint8Array): ParsedOcspRequest {

  let request: pkijs.OCSPRequest;
  try {
    const asn1 = asn1js.fromBER(der);
    if (asn1.offset === -1 || asn1.offset !== der.length) throw new Error('Not one complete BER element.');
    request = new pkijs.OCSPRequest({ schema: asn1.result });
  } catch (error) {
    throw new MalformedOcspRequestError('The request is not an OCSPRequest.', { cause: error });
  }

  const list = request.tbsRequest.requestList;
  if (list.length === 0 || list.length > maxOcspRequestCertificates) throw new MalformedOcspRequestError('The request must name 1 to 16 certificates.');

  const certIds = list.map((entry): ParsedCertId => {
    const certId = entry.reqCert;
    const serial = Buffer.from(certId.serialNumber.valueBlock.valueHexView);
    const negative = serial.length > 0 && (serial[0]! & 0x80) !== 0;
    return {
      der: new Uint8Array(certId.toSchema().toBER(false)),
      hashName: hashAlgorithms[certId.hashAlgorithm.algorithmId],
      issuerNameHash: certId.issuerNameHash.valueBlock.valueHexView,
      issuerKeyHash: certId.issuerKeyHash.valueBlock.valueHexView,
      serialNumberHex: negative ? null : stripLeadingZeros(serial.toString('hex')),
    };
  });

  let nonce: Uint8Array | null = null;
  for (const extension of request.tbsRequest.requestExtensions ?? []) {
    if (extension.extnID === nonceOid) {
      nonce = new Uint8Array(extension.extnValue.valueBlock.valueHexView);
      checkNonce(nonce);
    } else if (extension.critical) {
      throw new MalformedOcspRequestError(`Unsupported critical request extension ${extension.extnID}.`);
    }
  }
  return { certIds, nonce };
}

function stripLeadingZeros(hex: string): string {
  const stripped = hex.replace(/^(00)+/, '');
  return stripped === '' ? '00' : stripped;
}

/** The issuing CA's name and key hashes for each CertID hash algorithm. */
interface IssuerHashes {
  nameHash: Buffer;
  keyHash: Buffer;
}

/**
 * Computes the issuer hashes over the subject name bytes exactly as the issuing certificate
 * encodes them and over the subjectPublicKey BIT STRING value (RFC 6960 section 4.1.1).
 */
export function issuerHashes(issuingCertificate: x509.X509Certificate): Map<string, IssuerHashes> {
  const der = new Uint8Array(issuingCertificate.rawData);
  const tbs = readChildren(der, readElement(der, 0))[0]!;
  const fields = readChildren(der, tbs);
  const offset = fields[0]!.tag === 0xa0 ? 1 : 0;
  const subject = bytesOf(der, fields[offset + 4]!);
  const spki = readChildren(der, fields[offset + 5]!);
  const publicKey = contentOf(der, spki[1]!).subarray(1);

  const hashes = new Map<string, IssuerHashes>();
  for (const name of Object.values(hashAlgorithms)) {
    hashes.set(name, { nameHash: createHash(name).update(subject).digest(), keyHash: createHash(name).update(publicKey).digest() });
  }
  return hashes;
}

/** SHA-1 of the responder's public key bits, its ResponderID byKey. */
function responderKeyHash(certificate: x509.X509Certificate): Buffer {
  const spki = new Uint8Array(certificate.publicKey.rawData);
  const bitString = readChildren(spki, readElement(spki, 0))[1]!;
  return createHash('sha1').update(contentOf(spki, bitString).subarray(1)).digest();
}

export interface OcspResponderOptions {
  issuingCertificate: x509.X509Certificate;
  responder: OcspResponderIdentity;
  /** The responder's private key, as a node:crypto key object. */
  signingKey: KeyObject;
  /** The current status of a certificate of the issuing CA, or null when it was never issued. */
  lookup: (serialNumberHex: string) => CertificateStatusRecord | null;
  now: () => Date;
}

interface EncodedTimes {
  second: number;
  producedAt: Uint8Array;
  /** The [0] EXPLICIT nextUpdate field of a SingleResponse. */
  nextUpdate: Uint8Array;
}

const successfulStatusDer = Uint8Array.of(derTags.enumerated, 1, ocspResponseStatus.successful);
const goodStatusDer = Uint8Array.of(0x80, 0);
const unknownStatusDer = Uint8Array.of(0x82, 0);
const unusedBitsNone = Uint8Array.of(0);
/** The malformedRequest response, the same bytes every time. */
export const malformedRequestResponse = ocspErrorResponse(ocspResponseStatus.malformedRequest);

/** Signs OCSP responses about the issuing CA's certificates. */
export class OcspResponder {
  readonly #options: OcspResponderOptions;
  readonly #issuerHashes: Map<string, IssuerHashes>;
  readonly #responderId: Buffer;
  readonly #certs: Buffer;
  #encodedTimes: EncodedTimes | undefined;
  /** The encoded RevokedInfo of each status record the lookup returned; the lookup caches its records. */
  readonly #revokedStatuses = new WeakMap<CertificateStatusRecord, Uint8Array>();
  readonly #responsesWithoutNonce = new OcspResponseCache();

  constructor(options: OcspResponderOptions) {
    this.#options = options;
    this.#issuerHashes = issuerHashes(options.issuingCertificate);
    this.#responderId = tlv(0xa2, tlv(derTags.octetString, responderKeyHash(options.responder.certificate)));
    // The delegated responder's certificate travels with each response, so clients can check it.
    this.#certs = tlv(0xa0, tlv(derTags.sequence, options.responder.certificateDer));
  }

  get responder(): OcspResponderIdentity {
    return this.#options.responder;
  }

  /** Answers a DER request with a DER OCSPResponse; a malformed request gets malformedRequest. */
  respond(der: Uint8Array): Uint8Array {
    let request: ParsedOcspRequest;
    try {
      request = parseOcspRequest(der);
    } catch (error) {
      if (error instanceof MalformedOcspRequestError) return malformedRequestResponse;
      throw error;
    }
    const times = this.#times();
    const statuses = request.certIds.map((certId) => this.#certStatus(certId));
    if (request.nonce !== null) return this.#sign(request, times, statuses);

    const key = request.certIds.map((certId) => Buffer.from(certId.der.buffer, certId.der.byteOffset, certId.der.length).toString('latin1')).join('');
    const cached = this.#responsesWithoutNonce.get(times.second, key, statuses);
    if (cached !== undefined) return cached;
    const response = this.#sign(request, times, statuses);
    this.#responsesWithoutNonce.set(times.second, key, statuses, response);
    return response;
  }

  #sign(request: ParsedOcspRequest, times: EncodedTimes, statuses: readonly Uint8Array[]): Uint8Array {
    const responseData = this.#responseData(request, times, statuses);
    // node:crypto signs synchronously in DER. Signing in a worker thread was tried and measured
    // slower on the benchmark machine, because the messages cost more CPU than the signature they moved.
    const signature = sign('sha256', responseData, { key: this.#options.signingKey, dsaEncoding: 'der' });
    return this.#signedResponse(responseData, signature);
  }

  /** The ResponseData of a response to `request`, the part that is signed. */
  #responseData(request: ParsedOcspRequest, { producedAt, nextUpdate }: EncodedTimes, statuses: readonly Uint8Array[]): Buffer {
    // Sizes first, innermost out, so that each structure is written once into a buffer of its size.
    const singleLengths = request.certIds.map((certId, index) => certId.der.length + statuses[index]!.length + producedAt.length + nextUpdate.length);
    const responsesLength = singleLengths.reduce((sum, length) => sum + elementSize(length), 0);
    const nonce = request.nonce;
    const extensionLength = nonce === null ? 0 : nonceOidDer.length + elementSize(nonce.length);
    const extensionsLength = nonce === null ? 0 : elementSize(elementSize(extensionLength));
    const dataLength = this.#responderId.length + producedAt.length + elementSize(responsesLength) + (nonce === null ? 0 : elementSize(extensionsLength));

    const data = new DerWriter(elementSize(dataLength)).header(derTags.sequence, dataLength).raw(this.#responderId).raw(producedAt);
    data.header(derTags.sequence, responsesLength);
    request.certIds.forEach((certId, index) => {
      data.header(derTags.sequence, singleLengths[index]!).raw(certId.der).raw(statuses[index]!).raw(producedAt).raw(nextUpdate);
    });
    if (nonce !== null) {
      data.header(0xa1, extensionsLength).header(derTags.sequence, elementSize(extensionLength)).header(derTags.sequence, extensionLength);
      data.raw(nonceOidDer).header(derTags.octetString, nonce.length).raw(nonce);
    }
    return data.finish();
  }

  /** The OCSPResponse around signed ResponseData, with the responder's certificate. */
  #signedResponse(responseData: Uint8Array, signature: Uint8Array): Buffer {
    const basicLength = responseData.length + ecdsaWithSha256Der.length + elementSize(signature.length + 1) + this.#certs.length;
    const responseBytesLength = basicResponseOidDer.length + elementSize(elementSize(basicLength));
    const outerLength = successfulStatusDer.length + elementSize(elementSize(responseBytesLength));

    const response = new DerWriter(elementSize(outerLength)).header(derTags.sequence, outerLength).raw(successfulStatusDer);
    response.header(0xa0, elementSize(responseBytesLength)).header(derTags.sequence, responseBytesLength).raw(basicResponseOidDer);
    response.header(derTags.octetString, elementSize(basicLength)).header(derTags.sequence, basicLength).raw(responseData).raw(ecdsaWithSha256Der);
    response.header(derTags.bitString, signature.length + 1).raw(unusedBitsNone).raw(signature).raw(this.#certs);
    return response.finish();
  }

  /**
   * producedAt, thisUpdate and nextUpdate for the current second, encoded once per second. RFC 6960
   * times are GeneralizedTime without fractions, so every time is in whole seconds.
   */
  #times(): EncodedTimes {
    const second = Math.floor(this.#options.now().getTime() / 1000);
    if (this.#encodedTimes?.second !== second) {
      this.#encodedTimes = {
        second,
        producedAt: encodeGeneralizedTime(new Date(second * 1000)),
        nextUpdate: tlv(0xa0, encodeGeneralizedTime(new Date((second + ocspValiditySeconds) * 1000))),
      };
    }
    return this.#encodedTimes;
  }

  #certStatus(certId: ParsedCertId): Uint8Array {
    const hashes = certId.hashName === undefined ? undefined : this.#issuerHashes.get(certId.hashName);
    // Another issuer, or a hash algorithm without precomputed issuer hashes, means an unknown certificate.
    if (!hashes || !hashes.nameHash.equals(certId.issuerNameHash) || !hashes.keyHash.equals(certId.issuerKeyHash) || certId.serialNumberHex === null) {
      return unknownStatusDer;
    }

    const status = this.#options.lookup(certId.serialNumberHex);
    if (status === null) return unknownStatusDer;
    if (status.status === 'active') return goodStatusDer;

    let encoded = this.#revokedStatuses.get(status);
    if (encoded === undefined) {
      const revokedAt = encodeGeneralizedTime(new Date(Math.floor(Date.parse(status.revokedAt ?? '') / 1000) * 1000));
      // Like the CRL entry, the reason is left out when it is unspecified (RFC 5280 section 5.3.1).
      const reason = status.reasonCode === null || status.reasonCode === 0 ? [] : [tlv(0xa0, tlv(derTags.enumerated, Uint8Array.of(status.reasonCode)))];
      encoded = tlv(0xa1, revokedAt, ...reason);
      this.#revokedStatuses.set(status, encoded);
    }
    return encoded;
  }
}
