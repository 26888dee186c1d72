import { SignPdf } from '@signpdf/signpdf';
import { ANNOTATION_FLAGS, DEFAULT_BYTE_RANGE_PLACEHOLDER, SIG_FLAGS, Signer, SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import { createHash, webcrypto } from 'node:crypto';
import { PDFArray, PDFDict, PDFHexString, PDFInvalidObject, PDFName, PDFNumber, PDFString } from 'pdf-lib';

import { buildDetachedCms } from './cms';
import { renderContract, type ContractParties, type RenderedContract } from './generate';

/** Bytes reserved for the CMS in /Contents: the signature, two certificates and the attributes fit in under half. */
const signatureLength = 8192;

class CadesSigner extends Signer {
  constructor(
    private readonly privateKey: webcrypto.CryptoKey,
    private readonly certificateDer: Uint8Array,
    private readonly chainDer: Uint8Array[],
  ) {
    super();
  }

  override async sign(content: Buffer): Promise<Buffer> {
    return buildDetachedCms({ content, privateKey: this.privateKey, certificateDer: this.certificateDer, chainDer: this.chainDer });
  }
}

/**
 * Adds the signature field, its widget over the visible signature block and the signature
 * dictionary with an empty /Contents. Follows @signpdf/placeholder-pdf-lib, but writes /Name,
 * /Reason and /Location as UTF-16 text strings: that package writes them as PDFDocEncoding
 * literals, which truncates letters such as č and đ to one byte.
 */
function addSignaturePlaceholder(rendered: RenderedContract, signingTime: Date): void {
  const { document, signaturePage, signatureRect, template, holderName } = rendered;
  const context = document.context;

  const byteRange = PDFArray.withContext(context);
  byteRange.push(PDFNumber.of(0));
  for (let index = 0; index < 3; index += 1) byteRange.push(PDFName.of(DEFAULT_BYTE_RANGE_PLACEHOLDER));

  // @signpdf/signpdf finds /ByteRange first and then the next /Contents, so the order matters.
  const signatureDictionary = context.obj({
    Type: 'Sig',
    Filter: 'Adobe.PPKLite',
    SubFilter: SUBFILTER_ETSI_CADES_DETACHED,
    ByteRange: byteRange,
    Contents: PDFHexString.of('00'.repeat(signatureLength)),
    M: PDFString.fromDate(signingTime),
    Name: PDFHexString.fromText(holderName),
    Reason: PDFHexString.fromText(template.signatureReason),
    Location: PDFHexString.fromText(template.signatureLocation),
    Prop_Build: { Filter: { Name: 'Adobe.PPKLite' }, App: { Name: 'eID Self-Service' } },
  });
  // Written as raw bytes so that pdf-lib never moves it into an object stream, where the
  // byte offsets that the signature covers would not exist.
  const raw = new Uint8Array(signatureDictionary.sizeInBytes());
  signatureDictionary.copyBytesInto(raw, 0);
  const signatureReference = context.register(PDFInvalidObject.of(raw));

  const [x1, y1, x2, y2] = signatureRect;
  const appearance = context.formXObject([], { BBox: [0, 0, x2 - x1, y2 - y1], Resources: {} });
  const widget = context.register(
    context.obj({
      Type: 'Annot',
      Subtype: 'Widget',
      FT: 'Sig',
      Rect: [x1, y1, x2, y2],
      V: signatureReference,
      T: PDFHexString.fromText('Signature1'),
      F: ANNOTATION_FLAGS.PRINT,
      P: signaturePage.ref,
      AP: { N: context.register(appearance) },
    }),
  );

  const annotations = signaturePage.node.lookupMaybe(PDFName.of('Annots'), PDFArray) ?? context.obj([]);
  annotations.push(widget);
  signaturePage.node.set(PDFName.of('Annots'), annotations);

  const acroForm = context.obj({ SigFlags: SIG_FLAGS.SIGNATURES_EXIST | SIG_FLAGS.APPEND_ONLY, Fields: [widget] }) as PDFDict;
  document.catalog.set(PDFName.of('AcroForm'), context.register(acroForm));
}

export interface SignedContract {
  pdf: Buffer;
  /** Hex SHA-256 of `pdf`. */
  sha256: string;
  holderName: string;
}

/**
 * Generates the contract and signs it as PAdES baseline B with the holder's certificate key.
 * @param pkcs8 the holder's private key (ECDSA P-256, PKCS#8 DER); the caller wipes it afterwards.
 */
export async function createSignedContract(options: {
  parties: ContractParties;
  pkcs8: Uint8Array;
  certificateDer: Uint8Array;
  chainDer: Uint8Array[];
  signingTime: Date;
}): Promise<SignedContract> {
  const rendered = await renderContract(options.parties);
  addSignaturePlaceholder(rendered, options.signingTime);
  const unsigned = Buffer.from(await rendered.document.save({ useObjectStreams: false }));

  const privateKey = await webcrypto.subtle.importKey('pkcs8', options.pkcs8, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const pdf = await new SignPdf().sign(unsigned, new CadesSigner(privateKey, options.certificateDer, options.chainDer), options.signingTime);
  return { pdf, sha256: createHash('sha256').update(pdf).digest('hex'), holderName: rendered.holderName };
}
