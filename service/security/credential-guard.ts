import { EidError, type ErrorCode } from '../../common/errors';
import type { ServiceContext } from '../context';
import { openDataKey, type SealedSigningKey, type Secret } from '../credentials/signing-key';
import { pinTries, pukTries } from '../enrollment/enroll';
import { notifyHolder } from './emails';
import { SqliteSecurityStore, type CredentialOwner, type SecurityStore, type UpdateOutcome } from './security-store';

/**
 * Checks a PIN or PUK against the sealed signing key and counts wrong tries. 3 wrong PINs lock
 * the PIN, and 10 wrong PUKs block the credential for good. A try is taken before the value is
 * checked, so concurrent requests get no extra tries.
 */

export function securityStore(context: ServiceContext): SecurityStore {
  return new SqliteSecurityStore(context.store, { pinTries, pukTries });
}

const fieldOf: Record<Secret, string> = { pin: 'pin', puk: 'puk' };

/**
 * Rejects a request on a credential that cannot be used, before any other check, so that the
 * holder learns the state first and no counter changes.
 * @throws EidError CERTIFICATE_REVOKED, PUK_BLOCKED or (for a PIN) PIN_LOCKED.
 */
export function assertUsable(owner: CredentialOwner, secret: Secret): void {
  if (owner.status !== 'active') throw new EidError('CERTIFICATE_REVOKED');
  if (owner.pukTriesLeft <= 0) throw new EidError('PUK_BLOCKED', { triesLeft: 0 });
  if (secret === 'pin' && owner.pinTriesLeft <= 0) throw new EidError('PIN_LOCKED', { triesLeft: 0 });
}

export interface OpenedCredential {
  dataKey: Buffer;
  sealed: SealedSigningKey;
  /** The wrapped key the value opened; updates apply only while it is current. */
  wrappedKey: Buffer;
}

/**
 * Takes one try of the PIN or PUK and opens the data key with `value`. A wrong value keeps the
 * try taken, is audited, and when it was the last try the holder gets an email.
 * @param field The request field the value came from, for the error's field list.
 * @throws EidError WRONG_PIN / WRONG_PUK with `triesLeft`, PIN_LOCKED, PUK_BLOCKED or CERTIFICATE_REVOKED.
 */
export async function openWithSecret(
  context: ServiceContext,
  store: SecurityStore,
  owner: CredentialOwner,
  secret: Secret,
  value: string,
  options: { actor: string; field?: string },
): Promise<OpenedCredential> {
  const reservation = await store.reserveTry(owner.certificateId, secret);
  if (!reservation.ok) throw new EidError(reservation.refusal, reservation.refusal === 'CERTIFICATE_REVOKED' ? {} : { triesLeft: 0 });

  const dataKey = await openDataKey(reservation.sealed, secret, value, context.secrets.credentialPepper, owner.serialNumber);
  if (dataKey) {
    const wrappedKey = secret === 'pin' ? reservation.sealed.pinWrappedKey : reservation.sealed.pukWrappedKey;
    return { dataKey, sealed: reservation.sealed, wrappedKey };
  }

  const triesLeft = reservation.triesLeftIfWrong;
  const at = context.now().toISOString();
  await context.store.appendAudit({
    at,
    event: secret === 'pin' ? 'pin-wrong' : 'puk-wrong',
    actor: options.actor,
    certificateId: owner.certificateId,
    details: { triesLeft },
  });
  context.logger.info({ certificateId: owner.certificateId, secret, triesLeft }, 'a wrong PIN or PUK was counted');

  if (triesLeft === 0) {
    await context.store.appendAudit({ at, event: secret === 'pin' ? 'pin-locked' : 'puk-blocked', actor: options.actor, certificateId: owner.certificateId });
    await notifyHolder(context, owner, secret === 'pin' ? 'pin-locked' : 'puk-blocked');
    throw new EidError(secret === 'pin' ? 'PIN_LOCKED' : 'PUK_BLOCKED', { triesLeft: 0 });
  }

  const code: ErrorCode = secret === 'pin' ? 'WRONG_PIN' : 'WRONG_PUK';
  throw new EidError(code, { triesLeft, fields: [{ path: options.field ?? fieldOf[secret], code }] });
}

/** Turns an update that did not apply into its error. */
export function assertUpdated(outcome: UpdateOutcome): void {
  if (outcome !== 'done') throw new EidError(outcome);
}
