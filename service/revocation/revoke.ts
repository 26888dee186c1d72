import { createHash, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { revocationReasonCodes, type RevocationReason, type RevocationResult } from '../../common/api/certificate';
import { EidError } from '../../common/errors';
import type { ThrottlePolicy } from '../auth/throttle';
import type { ServiceContext } from '../context';
import { open } from '../credentials/aead';
import { normaliseErc } from '../credentials/generate';
import { ercAssociatedData } from '../enrollment/enroll';
import { securityStore } from '../security/credential-guard';
import { notifyHolder } from '../security/emails';
import { statusServiceFor } from '../status/status-service';
import type { CertificateRecord } from '../store/store';
import { SqliteRevocationStore, type RevocationStep } from './revocation-store';

/**
 * A wrong ERC blocks further revocation attempts of the certificate from the 3rd failure on, for
 * a doubling time capped at an hour: 80 random bits cannot be guessed at that rate.
 */
export const ercThrottle: ThrottlePolicy = { freeFailures: 3, maxDelaySeconds: 60 * 60, windowSeconds: 24 * 60 * 60 };
/** Every emergency attempt counts, matched or not, so the throttle itself tells nothing. */
export const emergencyPersonalNumberThrottle: ThrottlePolicy = { freeFailures: 3, maxDelaySeconds: 60 * 60, windowSeconds: 24 * 60 * 60 };
export const emergencyAddressThrottle: ThrottlePolicy = { freeFailures: 10, maxDelaySeconds: 60 * 60, windowSeconds: 24 * 60 * 60 };
/**
 * An emergency revocation answers no sooner than this after it arrived, so the time does not
 * tell a match (which writes and signs) from a mismatch.
 */
export const emergencyResponseMs = 600;

export function ercThrottleKey(certificateId: number): string {
  return `revocation-erc:${certificateId}`;
}

export function emergencyThrottleKeys(personalNumber: string, address: string): [string, string] {
  return [`emergency-revocation:${personalNumber}`, `emergency-revocation-address:${address}`];
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Compares a typed ERC with the certificate's sealed ERC in constant time. */
export async function ercMatches(context: ServiceContext, certificate: Pick<CertificateRecord, 'id' | 'serialNumber'>, typed: string): Promise<boolean> {
  const credential = await context.store.getCredential(certificate.id);
  const stored = credential ? open(context.secrets.ercKey, credential.sealedErc, ercAssociatedData(certificate.serialNumber)) : null;
  const expected = digest(stored ? normaliseErc(stored.toString('utf8')) : 'no ERC stored');
  return timingSafeEqual(expected, digest(normaliseErc(typed))) && stored !== null;
}

export interface RevokeOptions {
  certificate: CertificateRecord;
  reason: RevocationReason;
  /** Who asked, for the audit log: `holder:<username>` or `emergency:<username>`. */
  actor: string;
  /** Runs after each step inside the transaction; an exception rolls the revocation back. */
  afterStep?: (step: RevocationStep) => void;
}

/**
 * Revokes a certificate for good: one transaction for the certificate, the CRL and OCSP state
 * and the wallet device, then the audit event. The caller publishes the new CRL.
 * @throws EidError CERTIFICATE_ALREADY_REVOKED
 */
export async function revokeCertificate(context: ServiceContext, options: RevokeOptions): Promise<RevocationResult> {
  const { certificate, reason } = options;
  // CRL and OCSP times are whole seconds, so the stored time is too, and all three agree.
  const revokedAt = new Date(Math.floor(context.now().getTime() / 1000) * 1000).toISOString();

  const outcome = new SqliteRevocationStore(context.store).revoke(
    { certificateId: certificate.id, serialNumber: certificate.serialNumber, revokedAt, reason, reasonCode: revocationReasonCodes[reason] },
    options.afterStep,
  );
  statusServiceFor(context).certificateStatusChanged();

  await context.store.appendAudit({
    at: revokedAt,
    event: 'certificate-revoked',
    actor: options.actor,
    certificateId: certificate.id,
    details: { serialNumber: certificate.serialNumber, reason, deactivatedWalletDevices: outcome.deactivatedDevices },
  });
  context.logger.info({ serialNumber: certificate.serialNumber, reason, actor: options.actor }, 'certificate revoked');
  return { serialNumber: certificate.serialNumber, revokedAt, revocationReason: reason };
}

/** Publishes a CRL with the new entry; a failure is logged and the status timer publishes later. */
export async function publishRevocation(context: ServiceContext): Promise<void> {
  try {
    await statusServiceFor(context).publishCrl();
  } catch (error) {
    context.logger.error({ err: error }, 'publishing the CRL after a revocation failed; the status timer retries');
  }
}

/** Emails the holder that the certificate was revoked. A failure is logged, not raised, because the revocation has committed. */
export async function notifyRevocation(context: ServiceContext, certificateId: number): Promise<void> {
  try {
    const owner = await securityStore(context).findOwnerByCertificateId(certificateId);
    if (owner) await notifyHolder(context, owner, 'certificate-revoked');
  } catch (error) {
    context.logger.error({ err: error, certificateId }, 'the revocation email was not sent');
  }
}

export interface EmergencyRevocationInput {
  personalNumber: string;
  username: string;
  erc: string;
  reason: RevocationReason;
  address: string;
}

/**
 * Revokes a digital ID without a session when the personal number, the user name and the ERC
 * all belong to it. The caller gets the same answer, after about the same time, either way.
 * @throws EidError TOO_MANY_ATTEMPTS while the personal number or the address is throttled.
 */
export async function emergencyRevocation(context: ServiceContext, input: EmergencyRevocationInput): Promise<void> {
  const started = Date.now();
  const keys = emergencyThrottleKeys(input.personalNumber, input.address);
  await context.throttle.assertAllowed(keys);
  await context.throttle.recordFailure(keys[0], emergencyPersonalNumberThrottle);
  await context.throttle.recordFailure(keys[1], emergencyAddressThrottle);

  const account = await context.store.findAccountByUsername(input.username);
  const certificate = account?.certificate ?? { id: -1, serialNumber: '' };
  // The ERC check runs for an unknown user name too, so the work is the same.
  const ercValid = await ercMatches(context, certificate, input.erc);
  const matched = account !== null && account.holder.personalNumber === input.personalNumber && account.certificate.kind === 'digital-id' && ercValid;

  let revokedCertificateId: number | null = null;
  if (matched && account.certificate.status === 'active') {
    try {
      await revokeCertificate(context, { certificate: account.certificate, reason: input.reason, actor: `emergency:${account.account.username}` });
      revokedCertificateId = account.certificate.id;
    } catch (error) {
      if (!(error instanceof EidError && error.code === 'CERTIFICATE_ALREADY_REVOKED')) throw error;
    }
  }
  if (revokedCertificateId === null) {
    await context.store.appendAudit({
      at: context.now().toISOString(),
      event: 'emergency-revocation-rejected',
      actor: 'anonymous',
      certificateId: account?.certificate.id ?? null,
      details: { address: input.address },
    });
  }

  // Published and emailed in the background: signing a large CRL or waiting for the mail server
  // would make a match slower than a mismatch.
  if (revokedCertificateId !== null) {
    void publishRevocation(context);
    void notifyRevocation(context, revokedCertificateId);
  }
  const remaining = emergencyResponseMs - (Date.now() - started);
  if (remaining > 0) await sleep(remaining);
}
