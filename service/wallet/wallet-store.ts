import type { SqliteStore } from '../store/sqlite-store';
import type { AuditEventInput } from '../store/store';

/** Wallet devices, the challenges they sign and the activations that connect them. */

export interface WalletDeviceRecord {
  id: number;
  certificateId: number;
  publicKeySpki: Buffer;
  label: string;
  activatedAt: string;
  deactivatedAt: string | null;
  deactivationReason: string | null;
}

export interface ChallengeRecord {
  id: string;
  certificateId: number;
  deviceId: number;
  nonce: Buffer;
  createdAt: string;
  expiresAt: string;
}

export interface ActivationRecord {
  id: string;
  certificateId: number;
  codeHash: Buffer;
  triesLeft: number;
  status: 'pending' | 'completed' | 'replaced' | 'failed';
  createdAt: string;
  expiresAt: string;
}

export type ActivationTry =
  | { ok: true; activation: ActivationRecord; triesLeftIfWrong: number }
  | { ok: false; reason: 'NOT_FOUND' | 'ACTIVATION_EXPIRED' | 'ACTIVATION_TRIES_EXHAUSTED' };

export interface WalletStore {
  activeDevice(certificateId: number): Promise<WalletDeviceRecord | null>;
  findDevice(deviceId: number): Promise<WalletDeviceRecord | null>;
  /** Whether `publicKeySpki` was a device of the certificate that has since been replaced. */
  isReplacedDevice(certificateId: number, keyId: (spki: Buffer) => string, deviceKeyId: string): Promise<boolean>;

  /** Stores a challenge unless the certificate already has `maxOpen` unexpired unused ones; drops expired ones. */
  insertChallenge(challenge: ChallengeRecord, maxOpen: number, now: string): Promise<boolean>;
  /** Marks a challenge used and returns it, if it is the certificate's, unused and unexpired. */
  consumeChallenge(challengeId: string, certificateId: number, now: string): Promise<ChallengeRecord | null>;

  /** Stores a pending activation, replacing any pending one of the same certificate, and audits. */
  insertActivation(activation: ActivationRecord, audit: AuditEventInput): Promise<void>;
  markActivationFailed(activationId: string): Promise<void>;
  pendingActivation(certificateId: number, now: string): Promise<ActivationRecord | null>;
  /** Takes one try of a pending, unexpired activation. */
  reserveActivationTry(activationId: string, now: string): Promise<ActivationTry>;
  /**
   * Completes an activation: the new device becomes the only active one, the old device's open
   * challenges are cancelled, and the audit event is written, all in one transaction.
   * Returns null when the activation is no longer pending (completed or replaced meanwhile).
   */
  completeActivation(
    activationId: string,
    device: { publicKeySpki: Buffer; label: string },
    at: string,
    audit: (replacedDeviceId: number | null) => AuditEventInput,
  ): Promise<{ deviceId: number; replacedDeviceId: number | null } | null>;
}

type Row = Record<string, unknown>;

function deviceFromRow(row: Row): WalletDeviceRecord {
  return {
    id: row.id as number,
    certificateId: row.certificate_id as number,
    publicKeySpki: row.public_key_spki as Buffer,
    label: row.label as string,
    activatedAt: row.activated_at as string,
    deactivatedAt: (row.deactivated_at as string | null) ?? null,
    deactivationReason: (row.deactivation_reason as string | null) ?? null,
  };
}

function activationFromRow(row: Row): ActivationRecord {
  return {
    id: row.id as string,
    certificateId: row.certificate_id as number,
    codeHash: row.code_hash as Buffer,
    triesLeft: row.tries_left as number,
    status: row.status as ActivationRecord['status'],
    createdAt: row.created_at as string,
    expiresAt: row.expires_at as string,
  };
}

export class SqliteWalletStore implements WalletStore {
  readonly #store: SqliteStore;

  constructor(store: SqliteStore) {
    this.#store = store;
  }

  get #db() {
    return this.#store.database;
  }

  async activeDevice(certificateId: number): Promise<WalletDeviceRecord | null> {
    const row = this.#db.prepare('SELECT * FROM wallet_devices WHERE certificate_id = ? AND deactivated_at IS NULL').get(certificateId) as Row | undefined;
    return row ? deviceFromRow(row) : null;
  }

  async findDevice(deviceId: number): Promise<WalletDeviceRecord | null> {
    const row = this.#db.prepare('SELECT * FROM wallet_devices WHERE id = ?').get(deviceId) as Row | undefined;
    return row ? deviceFromRow(row) : null;
  }

  async isReplacedDevice(certificateId: number, keyId: (spki: Buffer) => string, deviceKeyId: string): Promise<boolean> {
    const rows = this.#db
      .prepare('SELECT public_key_spki FROM wallet_devices WHERE certificate_id = ? AND deactivated_at IS NOT NULL')
      .all(certificateId) as Row[];
    return rows.some((row) => keyId(row.public_key_spki as Buffer) === deviceKeyId);
  }

  async insertChallenge(challenge: ChallengeRecord, maxOpen: number, now: string): Promise<boolean> {
    return this.#store.transaction(() => {
      this.#db.prepare('DELETE FROM wallet_challenges WHERE certificate_id = ? AND expires_at <= ?').run(challenge.certificateId, now);
      const open = (
        this.#db.prepare('SELECT count(*) AS n FROM wallet_challenges WHERE certificate_id = ? AND used_at IS NULL').get(challenge.certificateId) as Row
      ).n as number;
      if (open >= maxOpen) return false;
      this.#db
        .prepare('INSERT INTO wallet_challenges (id, certificate_id, device_id, nonce, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(challenge.id, challenge.certificateId, challenge.deviceId, challenge.nonce, challenge.createdAt, challenge.expiresAt);
      return true;
    });
  }

  async consumeChallenge(challengeId: string, certificateId: number, now: string): Promise<ChallengeRecord | null> {
    const row = this.#db
      .prepare(
        `UPDATE wallet_challenges SET used_at = ?
         WHERE id = ? AND certificate_id = ? AND used_at IS NULL AND expires_at > ?
         RETURNING id, certificate_id, device_id, nonce, created_at, expires_at`,
      )
      .get(now, challengeId, certificateId, now) as Row | undefined;
    if (!row) return null;
    return {
      id: row.id as string,
      certificateId: row.certificate_id as number,
      deviceId: row.device_id as number,
      nonce: row.nonce as Buffer,
      createdAt: row.created_at as string,
      expiresAt: row.expires_at as string,
    };
  }

  async insertActivation(activation: ActivationRecord, audit: AuditEventInput): Promise<void> {
    this.#store.transaction(() => {
      this.#db.prepare(`UPDATE wallet_activations SET status = 'replaced' WHERE certificate_id = ? AND status = 'pending'`).run(activation.certificateId);
      this.#db
        .prepare(
          `INSERT INTO wallet_activations (id, certificate_id, code_hash, tries_left, status, created_at, expires_at)
           VALUES (?, ?, ?, ?, 'pending', ?, ?)`,
        )
        .run(activation.id, activation.certificateId, activation.codeHash, activation.triesLeft, activation.createdAt, activation.expiresAt);
      this.#store.appendAuditInTransaction(audit);
    });
  }

  async markActivationFailed(activationId: string): Promise<void> {
    this.#db.prepare(`UPDATE wallet_activations SET status = 'failed' WHERE id = ? AND status = 'pending'`).run(activationId);
  }

  async pendingActivation(certificateId: number, now: string): Promise<ActivationRecord | null> {
    const row = this.#db
      .prepare(`SELECT * FROM wallet_activations WHERE certificate_id = ? AND status = 'pending' AND expires_at > ? AND tries_left > 0`)
      .get(certificateId, now) as Row | undefined;
    return row ? activationFromRow(row) : null;
  }

  async reserveActivationTry(activationId: string, now: string): Promise<ActivationTry> {
    const row = this.#db
      .prepare(
        `UPDATE wallet_activations SET tries_left = tries_left - 1
         WHERE id = ? AND status = 'pending' AND expires_at > ? AND tries_left > 0
         RETURNING *`,
      )
      .get(activationId, now) as Row | undefined;
    if (row) return { ok: true, activation: activationFromRow(row), triesLeftIfWrong: row.tries_left as number };

    const existing = this.#db.prepare('SELECT * FROM wallet_activations WHERE id = ?').get(activationId) as Row | undefined;
    if (!existing) return { ok: false, reason: 'NOT_FOUND' };
    const exhausted = existing.status === 'failed' || (existing.status === 'pending' && (existing.tries_left as number) <= 0);
    return { ok: false, reason: exhausted ? 'ACTIVATION_TRIES_EXHAUSTED' : 'ACTIVATION_EXPIRED' };
  }

  async completeActivation(
    activationId: string,
    device: { publicKeySpki: Buffer; label: string },
    at: string,
    audit: (replacedDeviceId: number | null) => AuditEventInput,
  ): Promise<{ deviceId: number; replacedDeviceId: number | null } | null> {
    return this.#store.transaction(() => {
      const activation = this.#db
        .prepare(`UPDATE wallet_activations SET status = 'completed', completed_at = ? WHERE id = ? AND status = 'pending' RETURNING certificate_id`)
        .get(at, activationId) as Row | undefined;
      if (!activation) return null;
      const certificateId = activation.certificate_id as number;

      const replaced = this.#db
        .prepare(
          `UPDATE wallet_devices SET deactivated_at = ?, deactivation_reason = 'migrated'
           WHERE certificate_id = ? AND deactivated_at IS NULL RETURNING id`,
        )
        .get(at, certificateId) as Row | undefined;
      const replacedDeviceId = (replaced?.id as number | undefined) ?? null;
      this.#db.prepare('UPDATE wallet_challenges SET used_at = ? WHERE certificate_id = ? AND used_at IS NULL').run(at, certificateId);

      const deviceId = Number(
        this.#db
          .prepare('INSERT INTO wallet_devices (certificate_id, public_key_spki, label, activated_at) VALUES (?, ?, ?, ?)')
          .run(certificateId, device.publicKeySpki, device.label, at).lastInsertRowid,
      );
      this.#db.prepare('UPDATE wallet_activations SET device_id = ? WHERE id = ?').run(deviceId, activationId);
      this.#store.appendAuditInTransaction(audit(replacedDeviceId));
      return { deviceId, replacedDeviceId };
    });
  }
}

/** The wallet device bound at enrollment, written inside the enrollment transaction. */
export interface NewWalletDevice {
  publicKeySpki: Buffer;
  label: string;
}

/** Inserts the enrollment's wallet device; call only inside the enrollment's transaction. */
export function insertWalletDeviceRow(db: SqliteStore['database'], certificateId: number, device: NewWalletDevice, activatedAt: string): void {
  db.prepare('INSERT INTO wallet_devices (certificate_id, public_key_spki, label, activated_at) VALUES (?, ?, ?, ?)').run(
    certificateId,
    device.publicKeySpki,
    device.label,
    activatedAt,
  );
}
