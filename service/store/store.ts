import type { CertificateKind, CertificateStatus, Gender } from '../../common/domain';
import type { NewWalletDevice } from '../wallet/wallet-store';
import type { NewContract } from '../contracts/contracts-store';
import type { SealedSigningKey } from '../credentials/signing-key';

/**
 * The service's persistence, as domain operations. Each method that writes more than one row is
 * one transaction. The methods are async so that a PostgreSQL implementation can fill the same
 * interface; the SQLite one runs synchronously underneath.
 */

export interface HolderRecord {
  id: number;
  personalNumber: string;
  givenName: string;
  surname: string;
  gender: Gender | null;
  birthDate: string | null;
  birthCountry: string | null;
  birthCity: string | null;
  email: string;
  phoneNumber: string;
  language: string;
  createdAt: string;
}

export interface CertificateRecord {
  id: number;
  holderId: number;
  kind: CertificateKind;
  serialNumber: string;
  der: Uint8Array;
  notBefore: string;
  notAfter: string;
  status: CertificateStatus;
  revokedAt: string | null;
  revocationReason: string | null;
  createdAt: string;
  /** The business a digital seal is issued for; null for a digital ID. */
  businessName: string | null;
  /** The 9-digit ARBK business number of a digital seal; null for a digital ID. */
  businessNumber: string | null;
}

export interface AccountRecord {
  id: number;
  certificateId: number;
  username: string;
  passwordHash: string;
  passwordChangedAt: string;
  createdAt: string;
}

export interface CredentialRecord extends SealedSigningKey {
  certificateId: number;
  pinTriesLeft: number;
  pukTriesLeft: number;
  sealedErc: Buffer;
  updatedAt: string;
}

export interface SessionRecord {
  id: number;
  tokenHash: string;
  accountId: number;
  client: 'browser' | 'desktop';
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  endedAt: string | null;
}

export interface ThrottleRecord {
  key: string;
  failures: number;
  lastFailureAt: string;
  blockedUntil: string | null;
}

export interface AuditEventInput {
  at: string;
  event: string;
  /** Who acted: `holder:<username>`, `staff:<name>`, `system` or `cli`. */
  actor: string;
  certificateId?: number | null;
  details?: Record<string, unknown>;
}

export interface AuditRecord extends Required<Omit<AuditEventInput, 'details'>> {
  id: number;
  details: Record<string, unknown>;
  previousHash: string;
  hash: string;
}

/** The holder's account as sign-in and the profile need it. */
export interface AccountContext {
  account: AccountRecord;
  certificate: CertificateRecord;
  holder: HolderRecord;
}

export interface NewEnrollment {
  holder: Omit<HolderRecord, 'id'>;
  certificate: Omit<CertificateRecord, 'id' | 'holderId' | 'status' | 'revokedAt' | 'revocationReason' | 'businessName' | 'businessNumber'> &
    Partial<Pick<CertificateRecord, 'businessName' | 'businessNumber'>>;
  account: Omit<AccountRecord, 'id' | 'certificateId'>;
  credential: Omit<CredentialRecord, 'certificateId'>;
  audit: AuditEventInput;
  /** The contract signed with the new certificate, written in the same transaction. */
  contract?: NewContract;
  /** The wallet device to bind at enrollment (`eid-service enroll --wallet-device-key`). */
  walletDevice?: NewWalletDevice;
}

export interface Store {
  getSetting(key: string): Promise<string | null>;
  setSetting(key: string, value: string): Promise<void>;

  countHolders(): Promise<number>;
  hasActiveDigitalId(personalNumber: string): Promise<boolean>;
  hasActiveDigitalSeal(businessNumber: string): Promise<boolean>;
  findHolderByPersonalNumber(personalNumber: string): Promise<HolderRecord | null>;
  usernameExists(username: string): Promise<boolean>;
  /**
   * Writes a holder (or reuses the one with the same personal number), the certificate, the
   * account, the credential and the audit event in one transaction.
   * @throws EidError DUPLICATE_DIGITAL_ID when the person already has an active digital ID,
   *   DUPLICATE_DIGITAL_SEAL when the business already has an active digital seal.
   */
  insertEnrollment(enrollment: NewEnrollment): Promise<AccountContext>;

  findAccountByUsername(username: string): Promise<AccountContext | null>;
  getAccountContext(accountId: number): Promise<AccountContext | null>;
  getCredential(certificateId: number): Promise<CredentialRecord | null>;

  /** Sets the password hash, ends every other session of the account and audits; returns how many sessions ended. */
  changePassword(accountId: number, passwordHash: string, keepSessionId: number | null, audit: AuditEventInput): Promise<number>;

  insertSession(session: Omit<SessionRecord, 'id' | 'endedAt'>): Promise<SessionRecord>;
  findSessionByTokenHash(tokenHash: string): Promise<SessionRecord | null>;
  touchSession(sessionId: number, lastSeenAt: string): Promise<void>;
  endSession(sessionId: number, endedAt: string): Promise<void>;

  getThrottle(key: string): Promise<ThrottleRecord | null>;
  putThrottle(record: ThrottleRecord): Promise<void>;
  clearThrottle(key: string): Promise<void>;

  appendAudit(event: AuditEventInput): Promise<AuditRecord>;
  listAudit(certificateId: number, limit: number): Promise<AuditRecord[]>;
  /** Recomputes the hash chain; returns the id of the first broken entry, or null when intact. */
  verifyAuditChain(): Promise<number | null>;

  close(): Promise<void>;
}
