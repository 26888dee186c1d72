/**
 * A minimal DER reader and writer for the few structures that are built byte by byte because the
 * ASN.1 libraries are too slow for them: the entry list of a large CRL and the hot path of OCSP.
 * Only single-byte tags occur in those structures.
 */

/** Thrown when bytes are not the DER the caller expects. */
export class DerError extends Error {
  override name = 'DerError';
}

export const derTags = {
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  objectIdentifier: 0x06,
  enumerated: 0x0a,
  sequence: 0x30,
  utcTime: 0x17,
  generalizedTime: 0x18,
} as const;

export function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** Encodes one element: tag, definite length, then the concatenated contents. */
export function tlv(tag: number, ...contents: Uint8Array[]): Buffer<ArrayBuffer> {
  const length = contents.reduce((sum, part) => sum + part.length, 0);
  // Buffer.concat always allocates a plain ArrayBuffer; the declared type is wider.
  return Buffer.concat([Uint8Array.of(tag), encodeLength(length), ...contents]) as Buffer<ArrayBuffer>;
}

/** Encodes a non-negative INTEGER from big-endian magnitude bytes (leading zeros allowed). */
export function encodeUnsignedInteger(magnitude: Uint8Array): Buffer<ArrayBuffer> {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start += 1;
  const trimmed = magnitude.subarray(start);
  const needsPad = trimmed.length === 0 || (trimmed[0]! & 0x80) !== 0;
  return tlv(derTags.integer, needsPad ? Uint8Array.of(0) : new Uint8Array(0), trimmed.length === 0 ? new Uint8Array(0) : trimmed);
}

export function encodeIntegerFromHex(hex: string): Buffer<ArrayBuffer> {
  const even = hex.length % 2 === 0 ? hex : `0${hex}`;
  return encodeUnsignedInteger(Buffer.from(even, 'hex'));
}

export function encodeBigInteger(value: bigint): Buffer<ArrayBuffer> {
  if (value < 0n) throw new RangeError('Only non-negative integers are encoded here.');
  return encodeIntegerFromHex(value.toString(16));
}

const pad2 = (value: number) => String(value).padStart(2, '0');

/** GeneralizedTime in whole seconds, as RFC 5280 and RFC 6960 require (YYYYMMDDHHMMSSZ). */
export function encodeGeneralizedTime(date: Date): Buffer<ArrayBuffer> {
  const text = `${date.getUTCFullYear()}${pad2(date.getUTCMonth() + 1)}${pad2(date.getUTCDate())}${pad2(date.getUTCHours())}${pad2(date.getUTCMinutes())}${pad2(date.getUTCSeconds())}Z`;
  return tlv(derTags.generalizedTime, Buffer.from(text, 'ascii'));
}

/** RFC 5280 Time: UTCTime for the years 1950 to 2049, GeneralizedTime otherwise. */
export function encodeTime(date: Date): Buffer<ArrayBuffer> {
  const year = date.getUTCFullYear();
  if (year < 1950 || year > 2049) return encodeGeneralizedTime(date);
  const text = `${pad2(year % 100)}${pad2(date.getUTCMonth() + 1)}${pad2(date.getUTCDate())}${pad2(date.getUTCHours())}${pad2(date.getUTCMinutes())}${pad2(date.getUTCSeconds())}Z`;
  return tlv(derTags.utcTime, Buffer.from(text, 'ascii'));
}

/** Computes the size of a DER element (tag, length, content) whose content has `contentLength` bytes. */
export function elementSize(contentLength: number): number {
  if (contentLength < 0x80) return contentLength + 2;
  if (contentLength < 0x100) return contentLength + 3;
  if (contentLength < 0x10000) return contentLength + 4;
  if (contentLength < 0x1000000) return contentLength + 5;
  throw new RangeError(`DER content of ${contentLength} bytes is too large: elementSize supports less than 16 MiB.`);
}

/**
 * Writes DER into one buffer of a size the caller computed with `elementSize`. The OCSP responder
 * writes each response this way instead of nesting `tlv` calls, which copied the content once per
 * level and left the garbage collector many small buffers per request.
 */
export class DerWriter {
  readonly bytes: Buffer;
  #offset = 0;

  constructor(size: number) {
    // Unpooled buffers would cost an allocation each; responses are small and live until sent.
    this.bytes = Buffer.allocUnsafe(size);
  }

  /** Writes a tag and the definite length of `contentLength` content bytes, which follow. */
  header(tag: number, contentLength: number): this {
    const bytes = this.bytes;
    let offset = this.#offset;
    bytes[offset++] = tag;
    if (contentLength < 0x80) {
      bytes[offset++] = contentLength;
    } else {
      const count = elementSize(contentLength) - contentLength - 2;
      bytes[offset++] = 0x80 | count;
      for (let shift = (count - 1) * 8; shift >= 0; shift -= 8) bytes[offset++] = (contentLength >>> shift) & 0xff;
    }
    this.#offset = offset;
    return this;
  }

  /** Copies encoded bytes. */
  raw(part: Uint8Array): this {
    this.bytes.set(part, this.#offset);
    this.#offset += part.length;
    return this;
  }

  /** Returns the written bytes. Throws when they do not fill the buffer, because then a size was computed wrong. */
  finish(): Buffer {
    if (this.#offset !== this.bytes.length) throw new DerError(`Wrote ${this.#offset} of ${this.bytes.length} DER bytes.`);
    return this.bytes;
  }
}

export interface DerElement {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  contentStart: number;
  /** Offset just past the element. */
  end: number;
}

/** Reads the element at `offset`, checking that it fits inside `limit`. */
export function readElement(bytes: Uint8Array, offset: number, limit = bytes.length): DerElement {
  if (offset + 2 > limit) throw new DerError('Truncated DER element.');
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('Multi-byte DER tags are not supported.');

  let length = bytes[offset + 1]!;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    // Four length bytes already allow 4 GiB; anything longer, or the indefinite form, is not DER here.
    if (count === 0 || count > 4) throw new DerError('Unsupported DER length form.');
    if (contentStart + count > limit) throw new DerError('Truncated DER length.');
    length = 0;
    for (let index = 0; index < count; index += 1) length = length * 256 + bytes[contentStart + index]!;
    if (length < 0x80 || bytes[contentStart] === 0) throw new DerError('Non-minimal DER length.');
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) throw new DerError('DER element runs past its container.');
  return { tag, start: offset, contentStart, end };
}

/** Lists the elements inside a constructed element. */
export function readChildren(bytes: Uint8Array, parent: DerElement): DerElement[] {
  const children: DerElement[] = [];
  for (let offset = parent.contentStart; offset < parent.end; ) {
    const child = readElement(bytes, offset, parent.end);
    children.push(child);
    offset = child.end;
  }
  return children;
}

export function contentOf(bytes: Uint8Array, element: DerElement): Uint8Array {
  return bytes.subarray(element.contentStart, element.end);
}

export function bytesOf(bytes: Uint8Array, element: DerElement): Uint8Array {
  return bytes.subarray(element.start, element.end);
}

/** Converts a WebCrypto ECDSA signature (r ‖ s, fixed width) to the DER Ecdsa-Sig-Value of X.509. */
export function ecdsaSignatureToDer(raw: Uint8Array): Buffer<ArrayBuffer> {
  const half = raw.length / 2;
  return tlv(derTags.sequence, encodeUnsignedInteger(raw.subarray(0, half)), encodeUnsignedInteger(raw.subarray(half)));
}
