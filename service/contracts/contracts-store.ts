import type Database from 'better-sqlite3';

import type { ContractLanguage } from '../../common/api/contracts';
import type { CertificateKind } from '../../common/domain';
import type { SqliteStore } from '../store/sqlite-store';
import type { CertificateStatusRecord } from './verify';

/** A signed contract as enrollment hands it to the store. */
export interface NewContract {
  language: ContractLanguage;
  /** The signed PDF, stored and served byte for byte. */
  pdf: Uint8Array;
  /** Hex SHA-256 of `pdf`. */
  sha256: string;
  createdAt: string;
  signedAt: string;
}

export interface ContractSummaryRecord {
  id: number;
  certificateId: number;
  certificateKind: CertificateKind;
  certificateSerialNumber: string;
  language: ContractLanguage;
  sha256: string;
  sizeBytes: number;
  createdAt: string;
  signedAt: string;
}

export interface ContractRecord extends ContractSummaryRecord {
  pdf: Buffer;
}

/** The contracts of each certificate; a PostgreSQL version can implement the same interface. */
export interface ContractStore {
  listForCertificate(certificateId: number): Promise<ContractSummaryRecord[]>;
  /** Returns the contract only when it belongs to `certificateId`, so another holder's id reads as not found. */
  getForCertificate(contractId: number, certificateId: number): Promise<ContractRecord | null>;
  certificateStatus(serialNumber: string): Promise<CertificateStatusRecord | null>;
}

/**
 * Inserts a contract row. Synchronous so that SqliteStore.insertEnrollment can call it inside
 * its transaction, which makes the contract part of the enrollment or of nothing.
 */
export function insertContractRow(database: Database.Database, certificateId: number, contract: NewContract): number {
  return Number(
    database
      .prepare('INSERT INTO contracts (certificate_id, language, pdf, sha256, created_at, signed_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(certificateId, contract.language, Buffer.from(contract.pdf), contract.sha256, contract.createdAt, contract.signedAt).lastInsertRowid,
  );
}

type Row = Record<string, unknown>;

const summaryColumns = `ct.id, ct.certificate_id, c.kind, c.serial_number, ct.language, ct.sha256, length(ct.pdf) AS size_bytes,
  ct.created_at, ct.signed_at`;

function summaryFromRow(row: Row): ContractSummaryRecord {
  return {
    id: row.id as number,
    certificateId: row.certificate_id as number,
    certificateKind: row.kind as CertificateKind,
    certificateSerialNumber: row.serial_number as string,
    language: row.language as ContractLanguage,
    sha256: row.sha256 as string,
    sizeBytes: row.size_bytes as number,
    createdAt: row.created_at as string,
    signedAt: row.signed_at as string,
  };
}

export class SqliteContractStore implements ContractStore {
  readonly #database: Database.Database;

  constructor(store: SqliteStore) {
    this.#database = store.database;
  }

  async listForCertificate(certificateId: number): Promise<ContractSummaryRecord[]> {
    const rows = this.#database
      .prepare(`SELECT ${summaryColumns} FROM contracts ct JOIN certificates c ON c.id = ct.certificate_id WHERE ct.certificate_id = ? ORDER BY ct.id`)
      .all(certificateId) as Row[];
    return rows.map(summaryFromRow);
  }

  async getForCertificate(contractId: number, certificateId: number): Promise<ContractRecord | null> {
    const row = this.#database
      .prepare(`SELECT ${summaryColumns}, ct.pdf FROM contracts ct JOIN certificates c ON c.id = ct.certificate_id WHERE ct.id = ? AND ct.certificate_id = ?`)
      .get(contractId, certificateId) as Row | undefined;
    return row ? { ...summaryFromRow(row), pdf: row.pdf as Buffer } : null;
  }

  async certificateStatus(serialNumber: string): Promise<CertificateStatusRecord | null> {
    const row = this.#database.prepare('SELECT status, revoked_at FROM certificates WHERE serial_number = ?').get(serialNumber) as Row | undefined;
    return row ? { status: row.status as CertificateStatusRecord['status'], revokedAt: (row.revoked_at as string | null) ?? null } : null;
  }
}
