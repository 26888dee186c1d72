import type { CertificateKind } from '../../common/domain';
import type { RecoveryWant } from '../../common/api/recovery';
import type { SqliteStore } from '../store/sqlite-store';
import type { AuditEventInput } from '../store/store';

export type RecoveryStatus = 'pending' | 'verified' | 'completed' | 'failed' | 'replaced';

export interface RecoveryRequestRecord {
  id: string;
  /** Null when no holder matched the personal number and email. */
  holderId: number | null;
  want: RecoveryWant;
  codeHash: Buffer;
  triesLeft: number;
  status: RecoveryStatus;
  address: string;
  createdAt: string;
  expiresAt: string;
  verifiedAt: string | null;
  grantHash: Buffer | null;
  grantExpiresAt: string | null;
  completedAt: string | null;
  certificateId: number | null;
}

/** One active certificate of a holder with its account, as the recovery steps need it. */
export interface HolderCertificate {
  holderId: number;
  certificateId: number;
  accountId: number;
  serialNumber: string;
  kind: CertificateKind;
  username: string;
  businessName: string | null;
  businessNumber: string | null;
  notAfter: string;
  sealedErc: Buffer;
}

export interface HolderContact {
  email: string;
  name: string;
  language: string;
}

export interface NewRecoveryRequest {
  id: string;
  holderId: number | null;
  want: RecoveryWant;
  codeHash: Buffer;
  triesLeft: number;
  address: string;
  createdAt: string;
  expiresAt: string;
}

/**
 * The persistence of account recovery. Every method that changes a request checks its status in
 * the same statement, so two concurrent calls cannot both use one code or one grant.
 */
export interface RecoveryStore {
  /** Replaces the holder's open requests, inserts the new one and audits, in one transaction. */
  createRequest(request: NewRecoveryRequest, audit: AuditEventInput): void;
  getRequest(id: string): RecoveryRequestRecord | null;
  /**
   * Takes one try from a pending request and audits; the last try fails the request.
   * @returns the tries left, or null when the request was no longer pending.
   */
  useTry(id: string, audit: AuditEventInput): number | null;
  /**
   * Moves a pending, unexpired request to `verified` (with a grant) or `completed` (without one)
   * and audits. @returns false when the request was no longer pending or had expired.
   */
  markVerified(id: string, at: string, grant: { hash: Buffer; expiresAt: string } | null, audit: AuditEventInput): boolean;
  listHolderCertificates(holderId: number): HolderCertificate[];
  /** The address, name and language the holder's emails use. */
  getHolderContact(holderId: number): HolderContact | null;
  findActiveCertificateByUsername(username: string): HolderCertificate | null;
  /** Completes a verified request for one certificate and audits. @returns false when it was no longer verified. */
  completeWithCertificate(id: string, certificateId: number, at: string, audit: AuditEventInput): boolean;
  /**
   * Completes a verified request (when `requestId` is given), sets the account's password, ends
   * every session of the account and audits, in one transaction.
   * @returns the number of ended sessions, or null when the request was no longer verified.
   */
  resetPassword(requestId: string | null, certificate: HolderCertificate, passwordHash: string, at: string, audit: AuditEventInput): number | null;
}

type Row = Record<string, unknown>;

function requestFromRow(row: Row): RecoveryRequestRecord {
  return {
    id: row.id as string,
    holderId: (row.holder_id as number | null) ?? null,
    want: row.want as RecoveryWant,
    codeHash: row.code_hash as Buffer,
    triesLeft: row.tries_left as number,
    status: row.status as RecoveryStatus,
    address: row.address as string,
    createdAt: row.created_at as string,
    expiresAt: row.expires_at as string,
    verifiedAt: (row.verified_at as string | null) ?? null,
    grantHash: (row.grant_hash as Buffer | null) ?? null,
    grantExpiresAt: (row.grant_expires_at as string | null) ?? null,
    completedAt: (row.completed_at as string | null) ?? null,
    certificateId: (row.certificate_id as number | null) ?? null,
  };
}

function certificateFromRow(row: Row): HolderCertificate {
  return {
    holderId: row.holder_id as number,
    certificateId: row.certificate_id as number,
    accountId: row.account_id as number,
    serialNumber: row.serial_number as string,
    kind: row.kind as CertificateKind,
    username: row.username as string,
    businessName: (row.business_name as string | null) ?? null,
    businessNumber: (row.business_number as string | null) ?? null,
    notAfter: row.not_after as string,
    sealedErc: row.sealed_erc as Buffer,
  };
}

const holderCertificateQuery = `
  SELECT c.holder_id, c.id AS certificate_id, a.id AS account_id, c.serial_number, c.kind, a.username, c.business_name,
         c.business_number, c.not_after, cr.sealed_erc
  FROM certificates c
  JOIN accounts a ON a.certificate_id = c.id
  JOIN credentials cr ON cr.certificate_id = c.id
  WHERE c.status = 'active'`;

/** The SQLite recovery store, on the core store's connection. */
export class SqliteRecoveryStore implements RecoveryStore {
  readonly #store: SqliteStore;

  constructor(store: SqliteStore) {
    this.#store = store;
  }

  get #db() {
    return this.#store.database;
  }

  createRequest(request: NewRecoveryRequest, audit: AuditEventInput): void {
    this.#store.transaction(() => {
      // Runs for unmatched requests too (holder_id NULL matches no row), so both cost the same.
      this.#db
        .prepare(`UPDATE recovery_requests SET status = 'replaced' WHERE holder_id = ? AND status IN ('pending', 'verified')`)
        .run(request.holderId);
      this.#db
        .prepare(
          `INSERT INTO recovery_requests (id, holder_id, want, code_hash, tries_left, status, address, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
        )
        .run(request.id, request.holderId, request.want, request.codeHash, request.triesLeft, request.address, request.createdAt, request.expiresAt);
      this.#store.appendAuditInTransaction(audit);
    });
  }

  getRequest(id: string): RecoveryRequestRecord | null {
    const row = this.#db.prepare('SELECT * FROM recovery_requests WHERE id = ?').get(id) as Row | undefined;
    return row ? requestFromRow(row) : null;
  }

  useTry(id: string, audit: AuditEventInput): number | null {
    return this.#store.transaction(() => {
      const row = this.#db
        .prepare(
          `UPDATE recovery_requests SET tries_left = tries_left - 1
           WHERE id = ? AND status = 'pending' AND tries_left > 0 RETURNING tries_left`,
        )
        .get(id) as Row | undefined;
      if (!row) return null;

      const triesLeft = row.tries_left as number;
      if (triesLeft === 0) this.#db.prepare(`UPDATE recovery_requests SET status = 'failed' WHERE id = ?`).run(id);
      this.#store.appendAuditInTransaction({ ...audit, details: { ...audit.details, triesLeft } });
      return triesLeft;
    });
  }

  markVerified(id: string, at: string, grant: { hash: Buffer; expiresAt: string } | null, audit: AuditEventInput): boolean {
    return this.#store.transaction(() => {
      const changed = this.#db
        .prepare(
          `UPDATE recovery_requests
           SET status = ?, verified_at = ?, grant_hash = ?, grant_expires_at = ?, completed_at = ?
           WHERE id = ? AND status = 'pending' AND tries_left > 0 AND expires_at > ?`,
        )
        .run(grant ? 'verified' : 'completed', at, grant?.hash ?? null, grant?.expiresAt ?? null, grant ? null : at, id, at).changes;
      if (changed === 0) return false;
      this.#store.appendAuditInTransaction(audit);
      return true;
    });
  }

  listHolderCertificates(holderId: number): HolderCertificate[] {
    const rows = this.#db.prepare(`${holderCertificateQuery} AND c.holder_id = ? ORDER BY c.kind, c.id`).all(holderId) as Row[];
    return rows.map(certificateFromRow);
  }

  getHolderContact(holderId: number): HolderContact | null {
    const row = this.#db.prepare('SELECT email, given_name, surname, language FROM holders WHERE id = ?').get(holderId) as Row | undefined;
    if (!row) return null;
    return { email: row.email as string, name: `${row.given_name as string} ${row.surname as string}`, language: row.language as string };
  }

  findActiveCertificateByUsername(username: string): HolderCertificate | null {
    const row = this.#db.prepare(`${holderCertificateQuery} AND a.username = ?`).get(username) as Row | undefined;
    return row ? certificateFromRow(row) : null;
  }

  completeWithCertificate(id: string, certificateId: number, at: string, audit: AuditEventInput): boolean {
    return this.#store.transaction(() => {
      const changed = this.#completeVerified(id, certificateId, at);
      if (!changed) return false;
      this.#store.appendAuditInTransaction(audit);
      return true;
    });
  }

  resetPassword(requestId: string | null, certificate: HolderCertificate, passwordHash: string, at: string, audit: AuditEventInput): number | null {
    return this.#store.transaction(() => {
      if (requestId !== null && !this.#completeVerified(requestId, certificate.certificateId, at)) return null;

      this.#db.prepare('UPDATE accounts SET password_hash = ?, password_changed_at = ? WHERE id = ?').run(passwordHash, at, certificate.accountId);
      const ended = this.#db.prepare('UPDATE sessions SET ended_at = ? WHERE account_id = ? AND ended_at IS NULL').run(at, certificate.accountId).changes;
      this.#store.appendAuditInTransaction({ ...audit, details: { ...audit.details, endedSessions: ended } });
      return ended;
    });
  }

  #completeVerified(id: string, certificateId: number, at: string): boolean {
    const changed = this.#db
      .prepare(
        `UPDATE recovery_requests SET status = 'completed', completed_at = ?, certificate_id = ?
         WHERE id = ? AND status = 'verified' AND grant_expires_at > ?`,
      )
      .run(at, certificateId, id, at).changes;
    return changed > 0;
  }
}
