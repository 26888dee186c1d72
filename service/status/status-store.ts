import type Database from 'better-sqlite3';

import type { SqliteStore } from '../store/sqlite-store';

/** A certificate's revocation status as the OCSP responder reports it. */
export interface CertificateStatusRecord {
  status: 'active' | 'revoked';
  revokedAt: string | null;
  /** The RFC 5280 CRLReason code of a revoked certificate. */
  reasonCode: number | null;
}

export interface CrlStateRecord {
  revision: number;
  publishedRevision: number;
  crlNumber: number;
  publishedCrlNumber: number | null;
  thisUpdate: string | null;
  nextUpdate: string | null;
  der: Uint8Array | null;
}

/** The content of a CRL under construction: its number, the state revision it shows and the entries. */
export interface CrlSnapshot {
  crlNumber: number;
  revision: number;
  entries: Array<{ serialNumber: string; revokedAt: string; reasonCode: number }>;
}

/**
 * Persistence of the certificate status services (CRL and OCSP). The revocation itself writes
 * through RevocationStore, in the same transaction as the certificate row.
 */
export interface StatusStore {
  getCrlState(): CrlStateRecord;
  /** Allocates the next CRL number and reads the entries, in one transaction. */
  beginCrl(): CrlSnapshot;
  /** Stores a signed CRL unless a CRL with a higher number is already stored; returns whether it was stored. */
  publishCrl(crl: { crlNumber: number; revision: number; thisUpdate: string; nextUpdate: string; der: Uint8Array }): boolean;
  getOcspGeneration(): number;
  /** Looks up a certificate by its serial number (lower-case hex without leading zero bytes). */
  findCertificateStatus(serialNumberHex: string): CertificateStatusRecord | null;
}

type Row = Record<string, unknown>;
type Statement = Database.Statement<unknown[]>;

export class SqliteStatusStore implements StatusStore {
  readonly #store: SqliteStore;
  // Prepared once: the OCSP responder runs these two for every request.
  #generationStatement: Statement | undefined;
  #statusStatement: Statement | undefined;

  constructor(store: SqliteStore) {
    this.#store = store;
  }

  getCrlState(): CrlStateRecord {
    const row = this.#store.database.prepare('SELECT * FROM crl_state WHERE id = 1').get() as Row;
    return {
      revision: row.revision as number,
      publishedRevision: row.published_revision as number,
      crlNumber: row.crl_number as number,
      publishedCrlNumber: (row.published_crl_number as number | null) ?? null,
      thisUpdate: (row.this_update as string | null) ?? null,
      nextUpdate: (row.next_update as string | null) ?? null,
      der: row.der ? new Uint8Array(row.der as Buffer) : null,
    };
  }

  beginCrl(): CrlSnapshot {
    const database = this.#store.database;
    return this.#store.transaction(() => {
      const state = database.prepare('UPDATE crl_state SET crl_number = crl_number + 1 WHERE id = 1 RETURNING crl_number, revision').get() as Row;
      const entries = database.prepare('SELECT serial_number, revoked_at, reason_code FROM crl_entries ORDER BY certificate_id').raw().all() as Array<[string, string, number]>;
      return {
        crlNumber: state.crl_number as number,
        revision: state.revision as number,
        entries: entries.map(([serialNumber, revokedAt, reasonCode]) => ({ serialNumber, revokedAt, reasonCode })),
      };
    });
  }

  publishCrl(crl: { crlNumber: number; revision: number; thisUpdate: string; nextUpdate: string; der: Uint8Array }): boolean {
    const result = this.#store.database
      .prepare(
        `UPDATE crl_state SET published_crl_number = ?, published_revision = max(published_revision, ?), this_update = ?, next_update = ?, der = ?
         WHERE id = 1 AND (published_crl_number IS NULL OR published_crl_number < ?)`,
      )
      .run(crl.crlNumber, crl.revision, crl.thisUpdate, crl.nextUpdate, Buffer.from(crl.der), crl.crlNumber);
    return result.changes === 1;
  }

  getOcspGeneration(): number {
    this.#generationStatement ??= this.#store.database.prepare('SELECT generation FROM ocsp_state WHERE id = 1');
    return (this.#generationStatement.get() as Row).generation as number;
  }

  findCertificateStatus(serialNumberHex: string): CertificateStatusRecord | null {
    this.#statusStatement ??= this.#store.database.prepare(
      `SELECT c.status, c.revoked_at, e.reason_code FROM certificates c LEFT JOIN crl_entries e ON e.certificate_id = c.id
       WHERE c.serial_number = ?`,
    );
    const row = this.#statusStatement.get(serialNumberHex) as Row | undefined;
    if (!row) return null;
    return {
      status: row.status as CertificateStatusRecord['status'],
      revokedAt: (row.revoked_at as string | null) ?? null,
      reasonCode: (row.reason_code as number | null) ?? null,
    };
  }
}
