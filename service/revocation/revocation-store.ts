import { EidError } from '../../common/errors';
import type { SqliteStore } from '../store/sqlite-store';

/** The steps of a revocation, in the order the transaction runs them. */
export const revocationSteps = ['certificate', 'crl', 'ocsp', 'wallet'] as const;
export type RevocationStep = (typeof revocationSteps)[number];

export interface RevocationInput {
  certificateId: number;
  serialNumber: string;
  /** ISO 8601 in whole seconds, the time the CRL and OCSP report. */
  revokedAt: string;
  reason: string;
  reasonCode: number;
}

export interface RevocationOutcome {
  /** How many wallet devices the revocation deactivated (0 or 1). */
  deactivatedDevices: number;
}

export interface RevocationStore {
  /**
   * Revokes a certificate in one transaction: the certificate row, the CRL entry, the OCSP
   * generation and the active wallet device. `afterStep` runs after each step
   * inside the transaction; an exception from it rolls everything back.
   * @throws EidError CERTIFICATE_ALREADY_REVOKED
   */
  revoke(input: RevocationInput, afterStep?: (step: RevocationStep) => void): RevocationOutcome;
}

export class SqliteRevocationStore implements RevocationStore {
  readonly #store: SqliteStore;

  constructor(store: SqliteStore) {
    this.#store = store;
  }

  revoke(input: RevocationInput, afterStep: (step: RevocationStep) => void = () => undefined): RevocationOutcome {
    const database = this.#store.database;
    return this.#store.transaction(() => {
      const revoked = database
        .prepare(`UPDATE certificates SET status = 'revoked', revoked_at = ?, revocation_reason = ? WHERE id = ? AND status = 'active'`)
        .run(input.revokedAt, input.reason, input.certificateId);
      if (revoked.changes !== 1) throw new EidError('CERTIFICATE_ALREADY_REVOKED');
      afterStep('certificate');

      database
        .prepare('INSERT INTO crl_entries (certificate_id, serial_number, revoked_at, reason_code) VALUES (?, ?, ?, ?)')
        .run(input.certificateId, input.serialNumber, input.revokedAt, input.reasonCode);
      database.prepare('UPDATE crl_state SET revision = revision + 1 WHERE id = 1').run();
      afterStep('crl');

      database.prepare('UPDATE ocsp_state SET generation = generation + 1, changed_at = ? WHERE id = 1').run(input.revokedAt);
      afterStep('ocsp');

      const deactivated = database
        .prepare(`UPDATE wallet_devices SET deactivated_at = ?, deactivation_reason = 'certificate-revoked' WHERE certificate_id = ? AND deactivated_at IS NULL`)
        .run(input.revokedAt, input.certificateId).changes;
      afterStep('wallet');
      return { deactivatedDevices: deactivated };
    });
  }
}

