import { createHash, X509Certificate as NodeX509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';

import pkcs11js from 'pkcs11js';
import type { Logger } from 'pino';

import { EidError } from '../../common/errors';
import type {
  ChangeTokenPinPayload,
  ImportTokenCertificatePayload,
  ResetTokenPinPayload,
  TokenCertificate,
  TokenModuleReport,
  TokenSummary,
} from '../../common/ipc/desktop-types';
import { formatName, parseName } from '../../service/ca/distinguished-name';
import * as x509 from '../../service/ca/x509';
import { tokenErrorOf, pkcs11ReturnName } from './errors';
import { decodeTokenFlags } from './flags';

export interface TokenServiceOptions {
  logger: Logger;
}

type Handle = Buffer;

/** The most objects one search returns; a token holds a few dozen at most. */
const maxObjectsPerSearch = 256;

/**
 * PKCS#11 operations on the tokens of the configured modules, over pkcs11js. Each operation
 * loads the module, runs C_Initialize, works and runs C_Finalize, so a token inserted or removed
 * in between is seen, and a module that fails leaves nothing behind. The pkcs11js calls used
 * here are synchronous, so two operations never interleave in one process.
 */
export class TokenService {
  readonly #logger: Logger;

  constructor(options: TokenServiceOptions) {
    this.#logger = options.logger.child({ component: 'tokens' });
  }

  /** Lists the tokens of each module. A module that cannot be used reports its error code instead of failing the whole list. */
  listModules(modulePaths: readonly string[]): TokenModuleReport[] {
    return modulePaths.map((modulePath) => {
      try {
        return this.#withModule(modulePath, (module) => {
          const info = module.C_GetInfo();
          const tokens = module.C_GetSlotList(true).flatMap((slot) => this.#describeToken(module, slot));
          return { path: modulePath, library: { description: info.libraryDescription.trim(), manufacturer: info.manufacturerID.trim() }, tokens };
        });
      } catch (error) {
        const eidError = tokenErrorOf(error);
        return { path: modulePath, tokens: [], errorCode: eidError.code };
      }
    });
  }

  /** Changes the user PIN with C_SetPIN while logged in as the user. */
  changePin(payload: ChangeTokenPinPayload): null {
    this.#withToken(payload.modulePath, payload.tokenSerial, (module, slot, limits) => {
      checkPinLength(payload.currentPin, limits);
      checkPinLength(payload.newPin, limits);
      this.#withSession(module, slot, (session) => {
        this.#login(module, slot, session, pkcs11js.CKU_USER, payload.currentPin, 'user');
        try {
          module.C_SetPIN(session, payload.currentPin, payload.newPin);
        } catch (error) {
          throw tokenErrorOf(error, { pinOwner: 'user', readFlags: () => readFlags(module, slot) });
        }
      });
    });
    this.#logger.info({ tokenSerial: payload.tokenSerial }, 'Changed the user PIN of a token.');
    return null;
  }

  /** Sets a new user PIN after logging in with the SO PIN (the PUK), which also unlocks a locked user PIN. */
  resetPin(payload: ResetTokenPinPayload): null {
    this.#withToken(payload.modulePath, payload.tokenSerial, (module, slot, limits) => {
      checkPinLength(payload.soPin, limits);
      checkPinLength(payload.newPin, limits);
      this.#withSession(module, slot, (session) => {
        this.#login(module, slot, session, pkcs11js.CKU_SO, payload.soPin, 'so');
        try {
          module.C_InitPIN(session, payload.newPin);
        } catch (error) {
          throw tokenErrorOf(error);
        }
      });
    });
    this.#logger.info({ tokenSerial: payload.tokenSerial }, 'Reset the user PIN of a token with the SO PIN.');
    return null;
  }

  /**
   * Stores a certificate on the token next to its private key: the certificate object gets the
   * CKA_ID of the key pair whose public key the certificate carries. A certificate that is
   * already on the token is returned as it is.
   */
  importCertificate(payload: ImportTokenCertificatePayload): TokenCertificate {
    const der = decodeCertificateText(payload.certificate);
    const publicKey = certificatePublicKey(der);

    const imported = this.#withToken(payload.modulePath, payload.tokenSerial, (module, slot, limits) => {
      checkPinLength(payload.pin, limits);
      return this.#withSession(module, slot, (session) => {
        this.#login(module, slot, session, pkcs11js.CKU_USER, payload.pin, 'user');
        try {
          const existing = findObjects(module, session, [
            { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
            { type: pkcs11js.CKA_VALUE, value: der },
          ]);
          if (existing[0]) return describeCertificate(module, session, existing[0]);

          const keyId = findMatchingKeyId(module, session, publicKey);
          if (keyId === undefined) throw new EidError('TOKEN_KEY_NOT_FOUND');

          const certificate = new x509.X509Certificate(new Uint8Array(der));
          const label = payload.label ?? keyLabel(module, session, keyId) ?? commonNameOf(certificate) ?? 'Certificate';
          const handle = module.C_CreateObject(session, [
            { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
            { type: pkcs11js.CKA_CERTIFICATE_TYPE, value: pkcs11js.CKC_X_509 },
            { type: pkcs11js.CKA_TOKEN, value: true },
            { type: pkcs11js.CKA_PRIVATE, value: false },
            { type: pkcs11js.CKA_MODIFIABLE, value: true },
            { type: pkcs11js.CKA_LABEL, value: label },
            { type: pkcs11js.CKA_ID, value: keyId },
            { type: pkcs11js.CKA_SUBJECT, value: Buffer.from(certificate.subjectName.toArrayBuffer()) },
            { type: pkcs11js.CKA_ISSUER, value: Buffer.from(certificate.issuerName.toArrayBuffer()) },
            { type: pkcs11js.CKA_SERIAL_NUMBER, value: derInteger(certificate.serialNumber) },
            { type: pkcs11js.CKA_VALUE, value: der },
          ]);
          return describeCertificate(module, session, handle);
        } catch (error) {
          throw tokenErrorOf(error);
        }
      });
    });
    this.#logger.info({ tokenSerial: payload.tokenSerial, keyId: imported.id }, 'Imported a certificate onto a token.');
    return imported;
  }

  /** Loads and initialises a module, runs `work`, then finalises and unloads it whatever happens. */
  #withModule<T>(modulePath: string, work: (module: pkcs11js.PKCS11) => T): T {
    if (!path.isAbsolute(modulePath) || !existsSync(modulePath)) {
      throw new EidError('PKCS11_MODULE_NOT_FOUND');
    }

    const module = new pkcs11js.PKCS11();
    try {
      module.load(modulePath);
    } catch (error) {
      this.#logger.warn({ modulePath, err: error }, 'Loading a PKCS#11 module failed.');
      throw new EidError('PKCS11_MODULE_INVALID', { cause: error });
    }

    let initialized = false;
    try {
      try {
        module.C_Initialize();
        initialized = true;
      } catch (error) {
        if (pkcs11ReturnName(error) !== 'CKR_CRYPTOKI_ALREADY_INITIALIZED') {
          this.#logger.warn({ modulePath, err: error }, 'Initialising a PKCS#11 module failed; its configuration is probably missing or unreadable.');
          throw new EidError('PKCS11_MODULE_MISCONFIGURED', { cause: error });
        }
      }
      return work(module);
    } finally {
      if (initialized) {
        try {
          module.C_Finalize();
        } catch (error) {
          this.#logger.warn({ modulePath, err: error }, 'Finalising a PKCS#11 module failed.');
        }
      }
      module.close();
    }
  }

  /** Finds the token with the serial number among the module's slots and runs `work` on its slot. */
  #withToken<T>(modulePath: string, tokenSerial: string, work: (module: pkcs11js.PKCS11, slot: Handle, limits: PinLimits) => T): T {
    return this.#withModule(modulePath, (module) => {
      let slots: Handle[];
      try {
        slots = module.C_GetSlotList(true);
      } catch (error) {
        throw tokenErrorOf(error);
      }
      for (const slot of slots) {
        let info: pkcs11js.TokenInfo;
        try {
          info = module.C_GetTokenInfo(slot);
        } catch {
          continue;
        }
        if (info.serialNumber.trim() === tokenSerial) return work(module, slot, { min: info.minPinLen, max: info.maxPinLen });
      }
      throw new EidError('TOKEN_NOT_PRESENT');
    });
  }

  #withSession<T>(module: pkcs11js.PKCS11, slot: Handle, work: (session: Handle) => T): T {
    let session: Handle;
    try {
      session = module.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    } catch (error) {
      throw tokenErrorOf(error);
    }
    try {
      return work(session);
    } finally {
      try {
        module.C_CloseSession(session);
      } catch {
        // The token may have been removed; there is nothing left to close then.
      }
    }
  }

  #login(module: pkcs11js.PKCS11, slot: Handle, session: Handle, userType: number, pin: string, pinOwner: 'user' | 'so'): void {
    try {
      module.C_Login(session, userType, pin);
    } catch (error) {
      if (pkcs11ReturnName(error) === 'CKR_USER_ALREADY_LOGGED_IN') return;
      throw tokenErrorOf(error, { pinOwner, readFlags: () => readFlags(module, slot) });
    }
  }

  #describeToken(module: pkcs11js.PKCS11, slot: Handle): TokenSummary[] {
    let info: pkcs11js.TokenInfo;
    let slotDescription = '';
    try {
      info = module.C_GetTokenInfo(slot);
      slotDescription = module.C_GetSlotInfo(slot).slotDescription.trim();
    } catch (error) {
      this.#logger.info({ err: error }, 'Skipped a slot whose token could not be read.');
      return [];
    }

    let certificates: TokenCertificate[] = [];
    try {
      certificates = this.#withSession(module, slot, (session) =>
        findObjects(module, session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE }]).flatMap((handle) => {
          try {
            return [describeCertificate(module, session, handle)];
          } catch {
            return [];
          }
        }),
      );
    } catch (error) {
      this.#logger.info({ err: error }, 'Listing the certificates of a token failed.');
    }

    return [
      {
        slotId: slot.toString('hex'),
        slotDescription,
        label: info.label.trim(),
        manufacturer: info.manufacturerID.trim(),
        model: info.model.trim(),
        serialNumber: info.serialNumber.trim(),
        flags: decodeTokenFlags(info.flags),
        minPinLength: info.minPinLen,
        maxPinLength: info.maxPinLen,
        certificates,
      },
    ];
  }
}

interface PinLimits {
  min: number;
  max: number;
}

/** Checks a PIN's UTF-8 byte length against the token's ulMinPinLen and ulMaxPinLen before the token counts a try. */
function checkPinLength(pin: string, limits: PinLimits): void {
  const length = Buffer.byteLength(pin, 'utf8');
  // Some tokens report 0 or an all-ones value when they have no limit.
  const max = limits.max > 0 && limits.max < 0xffff ? limits.max : Number.MAX_SAFE_INTEGER;
  if (length < limits.min || length > max) throw new EidError('TOKEN_PIN_LENGTH');
}

function readFlags(module: pkcs11js.PKCS11, slot: Handle): number | undefined {
  try {
    return module.C_GetTokenInfo(slot).flags;
  } catch {
    return undefined;
  }
}

function findObjects(module: pkcs11js.PKCS11, session: Handle, template: pkcs11js.Template): Handle[] {
  module.C_FindObjectsInit(session, template);
  try {
    return module.C_FindObjects(session, maxObjectsPerSearch);
  } finally {
    module.C_FindObjectsFinal(session);
  }
}

/** Reads one attribute, or undefined when the object does not have it or keeps it secret. */
function readAttribute(module: pkcs11js.PKCS11, session: Handle, handle: Handle, type: number): Buffer | undefined {
  try {
    const [attribute] = module.C_GetAttributeValue(session, handle, [{ type }]);
    return Buffer.isBuffer(attribute?.value) ? attribute.value : undefined;
  } catch {
    return undefined;
  }
}

function describeCertificate(module: pkcs11js.PKCS11, session: Handle, handle: Handle): TokenCertificate {
  const der = readAttribute(module, session, handle, pkcs11js.CKA_VALUE);
  if (!der) throw new EidError('TOKEN_CERTIFICATE_INVALID');
  const certificate = new x509.X509Certificate(new Uint8Array(der));
  return {
    id: (readAttribute(module, session, handle, pkcs11js.CKA_ID) ?? Buffer.alloc(0)).toString('hex'),
    label: (readAttribute(module, session, handle, pkcs11js.CKA_LABEL) ?? Buffer.alloc(0)).toString('utf8'),
    serialNumber: certificate.serialNumber.toLowerCase(),
    subject: formatName(parseName(certificate.subjectName.toArrayBuffer())),
    issuer: formatName(parseName(certificate.issuerName.toArrayBuffer())),
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    fingerprint: createHash('sha256').update(der).digest('hex'),
  };
}

/** The public key of a certificate as the values PKCS#11 stores on key objects. */
type CertificatePublicKey = { kind: 'ec'; point: Buffer } | { kind: 'rsa'; modulus: Buffer };

/** Reads a certificate given as PEM or base64 DER, rejecting anything that is not one X.509 certificate. */
export function decodeCertificateText(text: string): Buffer {
  const pem = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(text);
  const base64 = (pem ? pem[1]! : text).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new EidError('TOKEN_CERTIFICATE_INVALID');
  const der = Buffer.from(base64, 'base64');
  try {
    new NodeX509Certificate(der);
  } catch (error) {
    throw new EidError('TOKEN_CERTIFICATE_INVALID', { cause: error });
  }
  return der;
}

function certificatePublicKey(der: Buffer): CertificatePublicKey {
  const jwk = new NodeX509Certificate(der).publicKey.export({ format: 'jwk' });
  if (jwk.kty === 'EC' && jwk.x && jwk.y) {
    return { kind: 'ec', point: Buffer.concat([Buffer.from([0x04]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]) };
  }
  if (jwk.kty === 'RSA' && jwk.n) return { kind: 'rsa', modulus: stripLeadingZeros(Buffer.from(jwk.n, 'base64url')) };
  throw new EidError('TOKEN_CERTIFICATE_INVALID');
}

/**
 * Returns the CKA_ID of the key pair whose public key is the certificate's, looking at public
 * key objects and, for RSA, at the modulus of private keys. Only an id that a private key also
 * carries counts, so the certificate always lands next to a usable key.
 */
function findMatchingKeyId(module: pkcs11js.PKCS11, session: Handle, publicKey: CertificatePublicKey): Buffer | undefined {
  const privateIds = findObjects(module, session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }])
    .map((handle) => ({ handle, id: readAttribute(module, session, handle, pkcs11js.CKA_ID) }))
    .filter((entry): entry is { handle: Handle; id: Buffer } => entry.id !== undefined && entry.id.length > 0);
  const hasPrivateKey = (id: Buffer) => privateIds.some((entry) => entry.id.equals(id));

  for (const handle of findObjects(module, session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY }])) {
    const id = readAttribute(module, session, handle, pkcs11js.CKA_ID);
    if (!id || !hasPrivateKey(id)) continue;
    if (publicKey.kind === 'ec') {
      const point = readAttribute(module, session, handle, pkcs11js.CKA_EC_POINT);
      if (point && unwrapOctetString(point).equals(publicKey.point)) return id;
    } else {
      const modulus = readAttribute(module, session, handle, pkcs11js.CKA_MODULUS);
      if (modulus && stripLeadingZeros(modulus).equals(publicKey.modulus)) return id;
    }
  }

  if (publicKey.kind === 'rsa') {
    for (const { handle, id } of privateIds) {
      const modulus = readAttribute(module, session, handle, pkcs11js.CKA_MODULUS);
      if (modulus && stripLeadingZeros(modulus).equals(publicKey.modulus)) return id;
    }
  }
  return undefined;
}

function keyLabel(module: pkcs11js.PKCS11, session: Handle, id: Buffer): string | undefined {
  const [handle] = findObjects(module, session, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
    { type: pkcs11js.CKA_ID, value: id },
  ]);
  const label = handle ? readAttribute(module, session, handle, pkcs11js.CKA_LABEL)?.toString('utf8') : undefined;
  return label ? label : undefined;
}

function commonNameOf(certificate: x509.X509Certificate): string | undefined {
  return certificate.subjectName.getField('CN')[0];
}

/**
 * CKA_EC_POINT is a DER OCTET STRING around the point in PKCS#11 v2.40, but some modules store
 * the bare point, so both forms are accepted.
 */
function unwrapOctetString(value: Buffer): Buffer {
  if (value[0] !== 0x04 || value.length < 2) return value;
  let lengthBytes = 0;
  let length = value[1]!;
  if (length & 0x80) {
    lengthBytes = length & 0x7f;
    length = 0;
    for (let index = 0; index < lengthBytes; index += 1) length = length * 256 + value[2 + index]!;
  }
  const start = 2 + lengthBytes;
  return start + length === value.length ? value.subarray(start) : value;
}

function stripLeadingZeros(value: Buffer): Buffer {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start += 1;
  return value.subarray(start);
}

/** Encodes a certificate serial number, given in hex, as the DER INTEGER that CKA_SERIAL_NUMBER holds. */
function derInteger(hex: string): Buffer {
  let bytes = stripLeadingZeros(Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex'));
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  const length = bytes.length < 0x80 ? Buffer.from([bytes.length]) : Buffer.from([0x81, bytes.length]);
  return Buffer.concat([Buffer.from([0x02]), length, bytes]);
}
