import type { CertificateKind, CertificateStatus } from '../../common/domain';
import type { SealedSigningKey, Secret } from '../credentials/signing-key';
import type { SqliteStore } from '../store/sqlite-store';
import type { AuditEventInput, HolderRecord } from '../store/store';

/**
 * The PIN and PUK counters and the wrapped data keys of a certificate's signing credential. The
 * counters are decremented before the PIN or PUK is checked, in one conditional UPDATE, so that
 * concurrent requests can never check more values than there are tries left.
 */

export interface CredentialLimits {
  pinTries: number;
  pukTries: number;
}

/** The certificate, its holder and its credential counters, as the security and wallet routes need them. */
export interface CredentialOwner {
  certificateId: number;
  serialNumber: string;
  status: CertificateStatus;
  kind: CertificateKind;
  /** The business of a digital seal; null for a digital ID. */
  businessName: string | null;
  holder: Pick<HolderRecord, 'givenName' | 'surname' | 'email' | 'phoneNumber' | 'language' | 'personalNumber'>;
  pinTriesLeft: number;
  pukTriesLeft: number;
}

/** The catalogue code of the reason a credential cannot be used at all right now. */
export type CredentialRefusal = 'CERTIFICATE_REVOKED' | 'PUK_BLOCKED' | 'PIN_LOCKED';

export type Reservation =
  | { ok: true; sealed: SealedSigningKey; triesLeftIfWrong: number }
  | { ok: false; refusal: CredentialRefusal };

export interface CredentialUpdate {
  /** The secret the caller proved, and the wrapped key it opened: the update applies only if that wrap is still current. */
  verifiedWith: Secret;
  verifiedWrappedKey: Buffer;
  newPin?: { salt: Buffer; wrappedKey: Buffer };
  newPuk?: { salt: Buffer; wrappedKey: Buffer };
  resetPinTries?: boolean;
  resetPukTries?: boolean;
  /** Apply only while this wallet device is the active one. */
  requireActiveDeviceId?: number;
  at: string;
  audit?: AuditEventInput;
}

/** The outcome of an update: done, or the reason it did not apply (revoked, device replaced, PIN or PUK changed meanwhile). */
export type UpdateOutcome = 'done' | 'CERTIFICATE_REVOKED' | 'WALLET_DEVICE_REPLACED' | 'CREDENTIAL_CHANGED';

export interface SecurityStore {
  findOwnerByCertificateId(certificateId: number): Promise<CredentialOwner | null>;
  findOwnerBySerial(serialNumber: string): Promise<CredentialOwner | null>;
  /** Takes one try of `secret` if the certificate is active and the secret is not locked; returns the sealed key to check it against. */
  reserveTry(certificateId: number, secret: Secret): Promise<Reservation>;
  applyUpdate(certificateId: number, update: CredentialUpdate): Promise<UpdateOutcome>;
  getSealedErc(certificateId: number): Promise<Buffer | null>;
}

type Row = Record<string, unknown>;

function refusalOf(row: Row | undefined, secret: Secret): CredentialRefusal {
  if (!row || row.status !== 'active') return 'CERTIFICATE_REVOKED';
  if ((row.puk_tries_left as number) <= 0) return 'PUK_BLOCKED';
  // Only a PIN try can be refused for a locked PIN; the PUK unlocks it.
  return secret === 'pin' ? 'PIN_LOCKED' : 'PUK_BLOCKED';
}

export class SqliteSecurityStore implements SecurityStore {
  readonly #store: SqliteStore;
  readonly #limits: CredentialLimits;

  constructor(store: SqliteStore, limits: CredentialLimits) {
    this.#store = store;
    this.#limits = limits;
  }

  #owner(where: string, value: unknown): CredentialOwner | null {
    const row = this.#store.database
      .prepare(
        `SELECT c.id AS certificate_id, c.serial_number, c.status, c.kind, c.business_name, h.given_name, h.surname, h.email, h.phone_number, h.language,
           h.personal_number, cr.pin_tries_left, cr.puk_tries_left
         FROM certificates c
         JOIN holders h ON h.id = c.holder_id
         JOIN credentials cr ON cr.certificate_id = c.id
         WHERE ${where}`,
      )
      .get(value) as Row | undefined;
    if (!row) return null;
    return {
      certificateId: row.certificate_id as number,
      serialNumber: row.serial_number as string,
      status: row.status as CertificateStatus,
      kind: row.kind as CertificateKind,
      businessName: (row.business_name as string | null) ?? null,
      holder: {
        givenName: row.given_name as string,
        surname: row.surname as string,
        email: row.email as string,
        phoneNumber: row.phone_number as string,
        language: row.language as string,
        personalNumber: row.personal_number as string,
      },
      pinTriesLeft: row.pin_tries_left as number,
      pukTriesLeft: row.puk_tries_left as number,
    };
  }

  async findOwnerByCertificateId(certificateId: number): Promise<CredentialOwner | null> {
    return this.#owner('c.id = ?', certificateId);
  }

  async findOwnerBySerial(serialNumber: string): Promise<CredentialOwner | null> {
    return this.#owner('c.serial_number = ?', serialNumber);
  }

  async reserveTry(certificateId: number, secret: Secret): Promise<Reservation> {
    const db = this.#store.database;
    // A PIN try needs the PIN and the PUK unlocked; a PUK try only the PUK, since it unlocks the PIN.
    const condition = secret === 'pin' ? 'pin_tries_left > 0 AND puk_tries_left > 0' : 'puk_tries_left > 0';
    const row = db
      .prepare(
        `UPDATE credentials SET ${secret}_tries_left = ${secret}_tries_left - 1
         WHERE certificate_id = ? AND ${condition}
           AND EXISTS (SELECT 1 FROM certificates WHERE id = credentials.certificate_id AND status = 'active')
         RETURNING sealed_private_key, pin_salt, pin_wrapped_key, puk_salt, puk_wrapped_key, ${secret}_tries_left AS tries_left`,
      )
      .get(certificateId) as Row | undefined;

    if (!row) {
      const state = db
        .prepare('SELECT c.status, cr.pin_tries_left, cr.puk_tries_left FROM certificates c JOIN credentials cr ON cr.certificate_id = c.id WHERE c.id = ?')
        .get(certificateId) as Row | undefined;
      return { ok: false, refusal: refusalOf(state, secret) };
    }
    return {
      ok: true,
      triesLeftIfWrong: row.tries_left as number,
      sealed: {
        sealedPrivateKey: row.sealed_private_key as Buffer,
        pinSalt: row.pin_salt as Buffer,
        pinWrappedKey: row.pin_wrapped_key as Buffer,
        pukSalt: row.puk_salt as Buffer,
        pukWrappedKey: row.puk_wrapped_key as Buffer,
      },
    };
  }

  async applyUpdate(certificateId: number, update: CredentialUpdate): Promise<UpdateOutcome> {
    const db = this.#store.database;
    const assignments = ['updated_at = ?'];
    const values: unknown[] = [update.at];
    if (update.newPin) {
      assignments.push('pin_salt = ?', 'pin_wrapped_key = ?');
      values.push(update.newPin.salt, update.newPin.wrappedKey);
    }
    if (update.newPuk) {
      assignments.push('puk_salt = ?', 'puk_wrapped_key = ?');
      values.push(update.newPuk.salt, update.newPuk.wrappedKey);
    }
    if (update.resetPinTries) {
      assignments.push('pin_tries_left = ?');
      values.push(this.#limits.pinTries);
    }
    if (update.resetPukTries) {
      assignments.push('puk_tries_left = ?');
      values.push(this.#limits.pukTries);
    }

    const deviceCondition =
      update.requireActiveDeviceId === undefined
        ? ''
        : 'AND EXISTS (SELECT 1 FROM wallet_devices WHERE id = ? AND certificate_id = credentials.certificate_id AND deactivated_at IS NULL)';
    const conditionValues: unknown[] = [certificateId, update.verifiedWrappedKey];
    if (update.requireActiveDeviceId !== undefined) conditionValues.push(update.requireActiveDeviceId);

    return this.#store.transaction((): UpdateOutcome => {
      const changed = db
        .prepare(
          `UPDATE credentials SET ${assignments.join(', ')}
           WHERE certificate_id = ? AND ${update.verifiedWith}_wrapped_key = ?
             AND EXISTS (SELECT 1 FROM certificates WHERE id = credentials.certificate_id AND status = 'active')
             ${deviceCondition}`,
        )
        .run(...values, ...conditionValues).changes;

      if (changed === 0) {
        const status = (db.prepare('SELECT status FROM certificates WHERE id = ?').get(certificateId) as Row | undefined)?.status;
        if (status !== 'active') return 'CERTIFICATE_REVOKED';
        if (update.requireActiveDeviceId !== undefined) {
          const device = db.prepare('SELECT deactivated_at FROM wallet_devices WHERE id = ?').get(update.requireActiveDeviceId) as Row | undefined;
          if (!device || device.deactivated_at !== null) return 'WALLET_DEVICE_REPLACED';
        }
        return 'CREDENTIAL_CHANGED';
      }
      if (update.audit) this.#store.appendAuditInTransaction(update.audit);
      return 'done';
    });
  }

  async getSealedErc(certificateId: number): Promise<Buffer | null> {
    const row = this.#store.database.prepare('SELECT sealed_erc FROM credentials WHERE certificate_id = ?').get(certificateId) as Row | undefined;
    return (row?.sealed_erc as Buffer | undefined) ?? null;
  }
}
