import * as asn1js from 'asn1js';
import { createHash, webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';

/** Object identifiers of the CMS and CAdES structures the contract signature uses. */
export const oids = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  // RFC 5035 id-aa-signingCertificateV2, required by ETSI EN 319 122-1 for CAdES baseline B.
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
} as const;

function arrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** Builds the RFC 5035 SigningCertificateV2 value: the SHA-256 of the signer's certificate with its issuer and serial. */
function signingCertificateV2(certificate: pkijs.Certificate, certificateDer: Uint8Array): asn1js.Sequence {
  const issuerSerial = new asn1js.Sequence({
    value: [new pkijs.GeneralNames({ names: [new pkijs.GeneralName({ type: 4, value: certificate.issuer })] }).toSchema(), certificate.serialNumber],
  });
  // hashAlgorithm is left out because its DEFAULT is id-sha256, and DER omits default values.
  const essCertIdV2 = new asn1js.Sequence({
    value: [new asn1js.OctetString({ valueHex: arrayBuffer(createHash('sha256').update(certificateDer).digest()) }), issuerSerial],
  });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
}

/**
 * Builds a detached CMS SignedData over `content` for a PAdES baseline B signature
 * (ETSI.CAdES.detached): signed attributes contentType, messageDigest and signingCertificateV2,
 * no signingTime (PAdES puts the claimed time in the signature dictionary's /M instead), ECDSA
 * P-256 with SHA-256. `chainDer` lists the CA certificates to embed so verifiers can build the
 * path; the root may be left out.
 */
export async function buildDetachedCms(options: {
  content: Uint8Array;
  privateKey: webcrypto.CryptoKey;
  certificateDer: Uint8Array;
  chainDer: Uint8Array[];
}): Promise<Buffer> {
  const certificate = pkijs.Certificate.fromBER(arrayBuffer(options.certificateDer));
  const chain = options.chainDer.map((der) => pkijs.Certificate.fromBER(arrayBuffer(der)));
  const digest = createHash('sha256').update(options.content).digest();

  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: certificate.issuer, serialNumber: certificate.serialNumber }),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({
      type: 0,
      attributes: [
        new pkijs.Attribute({ type: oids.contentType, values: [new asn1js.ObjectIdentifier({ value: oids.data })] }),
        new pkijs.Attribute({ type: oids.messageDigest, values: [new asn1js.OctetString({ valueHex: arrayBuffer(digest) })] }),
        new pkijs.Attribute({ type: oids.signingCertificateV2, values: [signingCertificateV2(certificate, options.certificateDer)] }),
      ],
    }),
  });

  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: oids.sha256 })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: oids.data }),
    signerInfos: [signerInfo],
    certificates: [certificate, ...chain],
  });
  await signedData.sign(options.privateKey as CryptoKey, 0, 'SHA-256');

  const contentInfo = new pkijs.ContentInfo({ contentType: oids.signedData, content: signedData.toSchema(true) });
  return Buffer.from(contentInfo.toSchema().toBER(false));
}
