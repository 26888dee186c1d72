import Database from 'better-sqlite3';

import { EidError } from '../../common/errors';
import { insertContractRow } from '../contracts/contracts-store';
import { insertWalletDeviceRow } from '../wallet/wallet-store';
import { auditHash, genesisHash } from './audit-chain';
import { migrations } from './migrations';
import type {
  AccountContext,
  AccountRecord,
  AuditEventInput,
  AuditRecord,
  CertificateRecord,
  CredentialRecord,
  HolderRecord,
  NewEnrollment,
  SessionRecord,
  Store,
  ThrottleRecord,
} from './store';

type Row = Record<string, unknown>;

function holderFromRow(row: Row, prefix = ''): HolderRecord {
  return {
    id: row[`${prefix}id`] as number,
    personalNumber: row[`${prefix}personal_number`] as string,
    givenName: row[`${prefix}given_name`] as string,
    surname: row[`${prefix}surname`] as string,
    gender: (row[`${prefix}gender`] as HolderRecord['gender']) ?? null,
    birthDate: (row[`${prefix}birth_date`] as string | null) ?? null,
    birthCountry: (row[`${prefix}birth_country`] as string | null) ?? null,
    birthCity: (row[`${prefix}birth_city`] as string | null) ?? null,
    email: row[`${prefix}email`] as string,
    phoneNumber: row[`${prefix}phone_number`] as string,
    language: row[`${prefix}language`] as string,
    createdAt: row[`${prefix}created_at`] as string,
  };
}

function certificateFromRow(row: Row): CertificateRecord {
  return {
    id: row.id as number,
    holderId: row.holder_id as number,
    kind: row.kind as CertificateRecord['kind'],
    serialNumber: row.serial_number as string,
    der: new Uint8Array(row.der as Buffer),
    notBefore: row.not_before as string,
    notAfter: row.not_after as string,
    status: row.status as CertificateRecord['status'],
    revokedAt: (row.revoked_at as string | null) ?? null,
    revocationReason: (row.revocation_reason as string | null) ?? null,
    createdAt: row.created_at as string,
    businessName: (row.business_name as string | null) ?? null,
    businessNumber: (row.business_number as string | null) ?? null,
  };
}

function accountFromRow(row: Row): AccountRecord {
  return {
    id: row.id as number,
    certificateId: row.certificate_id as number,
    username: row.username as string,
    passwordHash: row.password_hash as string,
    passwordChangedAt: row.password_changed_at as string,
    createdAt: row.created_at as string,
  };
}

function credentialFromRow(row: Row): CredentialRecord {
  return {
    certificateId: row.certificate_id as number,
    sealedPrivateKey: row.sealed_private_key as Buffer,
    pinSalt: row.pin_salt as Buffer,
    pinWrappedKey: row.pin_wrapped_key as Buffer,
    pukSalt: row.puk_salt as Buffer,
    pukWrappedKey: row.puk_wrapped_key as Buffer,
    pinTriesLeft: row.pin_tries_left as number,
    pukTriesLeft: row.puk_tries_left as number,
    sealedErc: row.sealed_erc as Buffer,
    updatedAt: row.updated_at as string,
  };
}

function sessionFromRow(row: Row): SessionRecord {
  return {
    id: row.id as number,
    tokenHash: row.token_hash as string,
    accountId: row.account_id as number,
    client: row.client as SessionRecord['client'],
    createdAt: row.created_at as string,
    lastSeenAt: row.last_seen_at as string,
    expiresAt: row.expires_at as string,
    endedAt: (row.ended_at as string | null) ?? null,
  };
}

function auditFromRow(row: Row): AuditRecord {
  return {
    id: row.id as number,
    at: row.at as string,
    event: row.event as string,
    actor: row.actor as string,
    certificateId: (row.certificate_id as number | null) ?? null,
    details: JSON.parse(row.details as string) as Record<string, unknown>,
    previousHash: row.previous_hash as string,
    hash: row.hash as string,
  };
}

function isUniqueViolation(error: unknown, index: string): boolean {
  return error instanceof Error && (error as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT') === true && error.message.includes(index);
}

/** The SQLite store: one file, WAL journal, foreign keys on, numbered migrations on open. */
export class SqliteStore implements Store {
  readonly #db: Database.Database;

  private constructor(db: Database.Database) {
    this.#db = db;
  }

  /**
   * The connection, for the SQLite implementations of each area's own store (wallet, status,
   * contracts, recovery), so that one transaction can span several areas.
   */
  get database(): Database.Database {
    return this.#db;
  }

  /** Runs `work` in one immediate transaction; `work` must be synchronous (better-sqlite3). */
  transaction<T>(work: () => T): T {
    return this.#db.transaction(work).immediate();
  }

  static open(file: string): SqliteStore {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');

    const applied = db.pragma('user_version', { simple: true }) as number;
    // Sorted, because areas append their reserved numbers to the list in whatever order they land.
    const pending = [...migrations].sort((a, b) => a.version - b.version).filter((candidate) => candidate.version > applied);
    for (const migration of pending) {
      db.transaction(() => {
        db.exec(migration.sql);
        db.pragma(`user_version = ${migration.version}`);
      })();
    }
    return new SqliteStore(db);
  }

  async getSetting(key: string): Promise<string | null> {
    const row = this.#db.prepare('SELECT value FROM service_settings WHERE key = ?').get(key) as Row | undefined;
    return (row?.value as string | undefined) ?? null;
  }

  async setSetting(key: string, value: string): Promise<void> {
    this.#db.prepare('INSERT INTO service_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  async countHolders(): Promise<number> {
    return (this.#db.prepare('SELECT count(*) AS n FROM holders').get() as Row).n as number;
  }

  async hasActiveDigitalId(personalNumber: string): Promise<boolean> {
    return this.#activeDigitalIdExists(personalNumber);
  }

  #activeDigitalIdExists(personalNumber: string): boolean {
    const row = this.#db
      .prepare(
        `SELECT 1 FROM certificates c JOIN holders h ON h.id = c.holder_id
         WHERE h.personal_number = ? AND c.kind = 'digital-id' AND c.status = 'active'`,
      )
      .get(personalNumber);
    return row !== undefined;
  }

  async hasActiveDigitalSeal(businessNumber: string): Promise<boolean> {
    return this.#activeDigitalSealExists(businessNumber);
  }

  #activeDigitalSealExists(businessNumber: string): boolean {
    const row = this.#db
      .prepare(`SELECT 1 FROM certificates WHERE business_number = ? AND kind = 'digital-seal' AND status = 'active'`)
      .get(businessNumber);
    return row !== undefined;
  }

  async findHolderByPersonalNumber(personalNumber: string): Promise<HolderRecord | null> {
    const row = this.#db.prepare('SELECT * FROM holders WHERE personal_number = ?').get(personalNumber) as Row | undefined;
    return row ? holderFromRow(row) : null;
  }

  async usernameExists(username: string): Promise<boolean> {
    return this.#db.prepare('SELECT 1 FROM accounts WHERE username = ?').get(username) !== undefined;
  }

  async insertEnrollment(enrollment: NewEnrollment): Promise<AccountContext> {
    const write = this.#db.transaction((): number => {
      const { holder, certificate, account, credential } = enrollment;
      if (certificate.kind === 'digital-id' && this.#activeDigitalIdExists(holder.personalNumber)) {
        throw new EidError('DUPLICATE_DIGITAL_ID');
      }
      if (certificate.kind === 'digital-seal' && certificate.businessNumber && this.#activeDigitalSealExists(certificate.businessNumber)) {
        throw new EidError('DUPLICATE_DIGITAL_SEAL');
      }

      const existing = this.#db.prepare('SELECT id FROM holders WHERE personal_number = ?').get(holder.personalNumber) as Row | undefined;
      const holderId = existing
        ? (existing.id as number)
        : Number(
            this.#db
              .prepare(
                `INSERT INTO holders (personal_number, given_name, surname, gender, birth_date, birth_country, birth_city,
                   email, phone_number, language, created_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
              )
              .run(
                holder.personalNumber,
                holder.givenName,
                holder.surname,
                holder.gender,
                holder.birthDate,
                holder.birthCountry,
                holder.birthCity,
                holder.email,
                holder.phoneNumber,
                holder.language,
                holder.createdAt,
              ).lastInsertRowid,
          );

      const certificateId = Number(
        this.#db
          .prepare(
            `INSERT INTO certificates (holder_id, kind, serial_number, der, not_before, not_after, created_at, business_name, business_number)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            holderId,
            certificate.kind,
            certificate.serialNumber,
            Buffer.from(certificate.der),
            certificate.notBefore,
            certificate.notAfter,
            certificate.createdAt,
            certificate.businessName ?? null,
            certificate.businessNumber ?? null,
          )
          .lastInsertRowid,
      );

      const accountId = Number(
        this.#db
          .prepare('INSERT INTO accounts (certificate_id, username, password_hash, password_changed_at, created_at) VALUES (?, ?, ?, ?, ?)')
          .run(certificateId, account.username, account.passwordHash, account.passwordChangedAt, account.createdAt).lastInsertRowid,
      );

      this.#db
        .prepare(
          `INSERT INTO credentials (certificate_id, sealed_private_key, pin_salt, pin_wrapped_key, puk_salt, puk_wrapped_key,
             pin_tries_left, puk_tries_left, sealed_erc, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          certificateId,
          credential.sealedPrivateKey,
          credential.pinSalt,
          credential.pinWrappedKey,
          credential.pukSalt,
          credential.pukWrappedKey,
          credential.pinTriesLeft,
          credential.pukTriesLeft,
          credential.sealedErc,
          credential.updatedAt,
        );

      if (enrollment.contract) insertContractRow(this.#db, certificateId, enrollment.contract);
      if (enrollment.walletDevice) insertWalletDeviceRow(this.#db, certificateId, enrollment.walletDevice, account.createdAt);
      this.#appendAudit({ ...enrollment.audit, certificateId });
      return accountId;
    });

    let accountId: number;
    try {
      accountId = write();
    } catch (error) {
      if (isUniqueViolation(error, 'certificates.holder_id')) throw new EidError('DUPLICATE_DIGITAL_ID', { cause: error });
      if (isUniqueViolation(error, 'certificates.business_number')) throw new EidError('DUPLICATE_DIGITAL_SEAL', { cause: error });
      throw error;
    }
    return (await this.getAccountContext(accountId))!;
  }

  #accountContext(where: string, value: unknown): AccountContext | null {
    const account = this.#db.prepare(`SELECT * FROM accounts WHERE ${where}`).get(value) as Row | undefined;
    if (!account) return null;
    const certificate = this.#db.prepare('SELECT * FROM certificates WHERE id = ?').get(account.certificate_id) as Row;
    const holder = this.#db.prepare('SELECT * FROM holders WHERE id = ?').get(certificate.holder_id) as Row;
    return { account: accountFromRow(account), certificate: certificateFromRow(certificate), holder: holderFromRow(holder) };
  }

  async findAccountByUsername(username: string): Promise<AccountContext | null> {
    return this.#accountContext('username = ?', username);
  }

  async getAccountContext(accountId: number): Promise<AccountContext | null> {
    return this.#accountContext('id = ?', accountId);
  }

  async getCredential(certificateId: number): Promise<CredentialRecord | null> {
    const row = this.#db.prepare('SELECT * FROM credentials WHERE certificate_id = ?').get(certificateId) as Row | undefined;
    return row ? credentialFromRow(row) : null;
  }

  async changePassword(accountId: number, passwordHash: string, keepSessionId: number | null, audit: AuditEventInput): Promise<number> {
    return this.#db.transaction(() => {
      this.#db.prepare('UPDATE accounts SET password_hash = ?, password_changed_at = ? WHERE id = ?').run(passwordHash, audit.at, accountId);
      const ended = this.#db
        .prepare('UPDATE sessions SET ended_at = ? WHERE account_id = ? AND ended_at IS NULL AND id IS NOT ?')
        .run(audit.at, accountId, keepSessionId).changes;
      this.#appendAudit({ ...audit, details: { ...audit.details, endedSessions: ended } });
      return ended;
    })();
  }

  async insertSession(session: Omit<SessionRecord, 'id' | 'endedAt'>): Promise<SessionRecord> {
    const id = Number(
      this.#db
        .prepare('INSERT INTO sessions (token_hash, account_id, client, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(session.tokenHash, session.accountId, session.client, session.createdAt, session.lastSeenAt, session.expiresAt).lastInsertRowid,
    );
    return { ...session, id, endedAt: null };
  }

  async findSessionByTokenHash(tokenHash: string): Promise<SessionRecord | null> {
    const row = this.#db.prepare('SELECT * FROM sessions WHERE token_hash = ?').get(tokenHash) as Row | undefined;
    return row ? sessionFromRow(row) : null;
  }

  async touchSession(sessionId: number, lastSeenAt: string): Promise<void> {
    this.#db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id = ?').run(lastSeenAt, sessionId);
  }

  async endSession(sessionId: number, endedAt: string): Promise<void> {
    this.#db.prepare('UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL').run(endedAt, sessionId);
  }

  async getThrottle(key: string): Promise<ThrottleRecord | null> {
    const row = this.#db.prepare('SELECT * FROM sign_in_throttle WHERE key = ?').get(key) as Row | undefined;
    if (!row) return null;
    return {
      key: row.key as string,
      failures: row.failures as number,
      lastFailureAt: row.last_failure_at as string,
      blockedUntil: (row.blocked_until as string | null) ?? null,
    };
  }

  async putThrottle(record: ThrottleRecord): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO sign_in_throttle (key, failures, last_failure_at, blocked_until) VALUES (?, ?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at,
           blocked_until = excluded.blocked_until`,
      )
      .run(record.key, record.failures, record.lastFailureAt, record.blockedUntil);
  }

  async clearThrottle(key: string): Promise<void> {
    this.#db.prepare('DELETE FROM sign_in_throttle WHERE key = ?').run(key);
  }

  #appendAudit(event: AuditEventInput): AuditRecord {
    const last = this.#db.prepare('SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as Row | undefined;
    const previousHash = (last?.hash as string | undefined) ?? genesisHash;
    const entry = {
      at: event.at,
      event: event.event,
      actor: event.actor,
      certificateId: event.certificateId ?? null,
      details: JSON.stringify(event.details ?? {}),
    };
    const hash = auditHash(previousHash, entry);
    const id = Number(
      this.#db
        .prepare('INSERT INTO audit_log (at, event, actor, certificate_id, details, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(entry.at, entry.event, entry.actor, entry.certificateId, entry.details, previousHash, hash).lastInsertRowid,
    );
    return { ...entry, id, details: event.details ?? {}, previousHash, hash };
  }

  /**
   * Appends an audit event synchronously, for area stores that write it inside their own
   * `transaction`, so that the event and the change it records commit or roll back together.
   */
  appendAuditInTransaction(event: AuditEventInput): AuditRecord {
    return this.#appendAudit(event);
  }

  async appendAudit(event: AuditEventInput): Promise<AuditRecord> {
    return this.#db.transaction(() => this.#appendAudit(event)).immediate();
  }

  async listAudit(certificateId: number, limit: number): Promise<AuditRecord[]> {
    const rows = this.#db.prepare('SELECT * FROM audit_log WHERE certificate_id = ? ORDER BY id DESC LIMIT ?').all(certificateId, limit) as Row[];
    return rows.map(auditFromRow);
  }

  async verifyAuditChain(): Promise<number | null> {
    let previousHash = genesisHash;
    for (const row of this.#db.prepare('SELECT * FROM audit_log ORDER BY id').iterate() as Iterable<Row>) {
      const expected = auditHash(previousHash, {
        at: row.at as string,
        event: row.event as string,
        actor: row.actor as string,
        certificateId: (row.certificate_id as number | null) ?? null,
        details: row.details as string,
      });
      if (row.previous_hash !== previousHash || row.hash !== expected) return row.id as number;
      previousHash = expected;
    }
    return null;
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}
