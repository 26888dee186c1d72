import { createHmac, hkdfSync, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

import {
  recoveryCodeLength,
  type RecoveryCertificate,
  type ResetPasswordWithErcRequest,
  type ResetPasswordWithErcResponse,
  type ResetRecoveredPasswordRequest,
  type ResetRecoveredPasswordResponse,
  type RevealRecoveredErcRequest,
  type RevealRecoveredErcResponse,
  type StartRecoveryRequest,
  type StartRecoveryResponse,
  type VerifyRecoveryResponse,
} from '../../common/api/recovery';
import { EidError } from '../../common/errors';
import { checkNewPassword, hashPassword } from '../auth/passwords';
import { accountKey } from '../auth/throttle';
import type { ServiceContext } from '../context';
import { open, seal } from '../credentials/aead';
import { normaliseErc } from '../credentials/generate';
import { ercAssociatedData } from '../enrollment/enroll';
import type { EmailMessage } from '../notifications/notifier';
import { codeEmail, outcomeEmail, type RecoveryOutcome } from './emails';
import {
  defaultRecoveryThrottle,
  recoveryCodeTries,
  recoveryCodeValidSeconds,
  recoveryGrantValidSeconds,
  recoveryKeys,
  type RecoveryThrottlePolicies,
} from './policy';
import { SqliteRecoveryStore, type HolderCertificate, type RecoveryRequestRecord, type RecoveryStore } from './recovery-store';

/** An email to send once the HTTP answer is out, so that sending never shows in the answer's timing. */
export type DeferredEmail = EmailMessage | null;

export interface RecoveryServiceOptions {
  throttle?: Partial<RecoveryThrottlePolicies>;
}

/**
 * Lost-info recovery. Each step checks the request's state in the same SQL statement that
 * changes it, audits in the same transaction, and returns the notice email for the caller to send
 * after answering.
 */
export class RecoveryService {
  readonly #context: ServiceContext;
  readonly #store: RecoveryStore;
  readonly #policies: RecoveryThrottlePolicies;
  readonly #hmacKey: Buffer;
  // Opened when the user name is unknown, so that a wrong user name costs the same AES-GCM work as a wrong ERC.
  readonly #dummySealedErc: Buffer;

  constructor(context: ServiceContext, options: RecoveryServiceOptions = {}) {
    this.#context = context;
    this.#store = new SqliteRecoveryStore(context.store);
    this.#policies = { ...defaultRecoveryThrottle, ...options.throttle };
    // Derived from the ERC key, which is itself derived from the service secret, so a copy of the
    // database alone cannot test code guesses against the stored hashes.
    this.#hmacKey = Buffer.from(hkdfSync('sha256', context.secrets.ercKey, Buffer.alloc(0), 'eid-self-service/recovery-codes', 32));
    this.#dummySealedErc = seal(randomBytes(32), Buffer.from('0000-0000-0000-0000'), ercAssociatedData('0'));
  }

  #hash(purpose: 'code' | 'grant', value: string): Buffer {
    return createHmac('sha256', this.#hmacKey).update(`${purpose}\u0000${value}`).digest();
  }

  #now(): Date {
    return this.#context.now();
  }

  /**
   * Starts a request. Whether or not a holder matches, the same throttle writes, the same look-up,
   * the same hashing and the same transaction run, and the answer is the same; only a match gets
   * an email, which the caller sends after answering.
   */
  async start(request: StartRecoveryRequest, address: string): Promise<{ response: StartRecoveryResponse; email: DeferredEmail }> {
    const keys = [recoveryKeys.personalNumber(request.personalNumber), recoveryKeys.email(request.email), recoveryKeys.address(address)];
    await this.#context.throttle.assertAllowed(keys);
    await this.#context.throttle.recordFailure(keys[0]!, this.#policies.personalNumber);
    await this.#context.throttle.recordFailure(keys[1]!, this.#policies.email);
    await this.#context.throttle.recordFailure(keys[2]!, this.#policies.address);

    const holder = await this.#context.store.findHolderByPersonalNumber(request.personalNumber);
    const matched = holder !== null && holder.email.toLowerCase() === request.email.toLowerCase() ? holder : null;

    const code = String(randomInt(10 ** recoveryCodeLength)).padStart(recoveryCodeLength, '0');
    // An unmatched request stores the hash of a value no typed code can equal, so its verify step
    // fails like a wrong code without a separate branch.
    const codeHash = this.#hash('code', matched ? code : `unsent:${randomBytes(16).toString('hex')}`);
    const id = randomBytes(16).toString('base64url');
    const now = this.#now();

    this.#store.createRequest(
      {
        id,
        holderId: matched?.id ?? null,
        want: request.want,
        codeHash,
        triesLeft: recoveryCodeTries,
        address,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + recoveryCodeValidSeconds * 1000).toISOString(),
      },
      { at: now.toISOString(), event: 'recovery-requested', actor: 'anonymous', details: { requestId: id, want: request.want, matched: matched !== null, address } },
    );

    const email = codeEmail({
      to: request.email,
      name: matched ? `${matched.givenName} ${matched.surname}` : '',
      language: matched?.language ?? 'sq',
      want: request.want,
      code,
      validMinutes: recoveryCodeValidSeconds / 60,
    });
    return { response: { requestId: id, codeValidSeconds: recoveryCodeValidSeconds }, email: matched ? email : null };
  }

  #getRequest(id: string): RecoveryRequestRecord {
    const request = this.#store.getRequest(id);
    if (!request) throw new EidError('RECOVERY_NOT_FOUND');
    return request;
  }

  async verify(id: string, code: string, address: string): Promise<{ response: VerifyRecoveryResponse; email: DeferredEmail }> {
    const addressKey = recoveryKeys.codeAddress(address);
    await this.#context.throttle.assertAllowed([addressKey]);

    const request = this.#getRequest(id);
    const now = this.#now();
    if (request.status !== 'pending') throw new EidError('RECOVERY_REQUEST_CLOSED');
    if (now.getTime() >= Date.parse(request.expiresAt)) throw new EidError('RECOVERY_CODE_EXPIRED');

    const at = now.toISOString();
    if (!timingSafeEqual(this.#hash('code', code), request.codeHash)) {
      await this.#context.throttle.recordFailure(addressKey, this.#policies.address);
      const triesLeft = this.#store.useTry(id, { at, event: 'recovery-code-wrong', actor: 'anonymous', details: { requestId: id, address } });
      if (triesLeft === null || triesLeft === 0) throw new EidError('RECOVERY_REQUEST_CLOSED');
      throw new EidError('RECOVERY_CODE_WRONG', { fields: [{ path: 'code', code: 'RECOVERY_CODE_WRONG' }], triesLeft });
    }

    const holderId = request.holderId!;
    const grant = request.want === 'username' ? null : randomBytes(32).toString('base64url');
    const grantExpiresAt = grant ? new Date(now.getTime() + recoveryGrantValidSeconds * 1000).toISOString() : null;
    const verified = this.#store.markVerified(id, at, grant ? { hash: this.#hash('grant', grant), expiresAt: grantExpiresAt! } : null, {
      at,
      event: 'recovery-verified',
      actor: 'anonymous',
      details: { requestId: id, want: request.want, address },
    });
    if (!verified) throw new EidError('RECOVERY_REQUEST_CLOSED');

    const certificates: RecoveryCertificate[] = this.#store.listHolderCertificates(holderId).map((certificate) => ({
      serialNumber: certificate.serialNumber,
      kind: certificate.kind,
      username: request.want === 'username' ? certificate.username : null,
      businessName: certificate.businessName,
      businessNumber: certificate.businessNumber,
      notAfter: certificate.notAfter,
    }));
    const email = request.want === 'username' ? this.#outcomeEmail(holderId, { kind: 'usernames' }) : null;
    return { response: { want: request.want, certificates, grant, grantExpiresAt }, email };
  }

  /**
   * Checks the grant of a verified request for the `want` step and returns the chosen
   * certificate of the request's holder.
   */
  #authorisedCertificate(request: RecoveryRequestRecord, want: 'erc' | 'password', grant: string, certificateSerial: string): HolderCertificate {
    if (request.status === 'completed' || request.status === 'failed' || request.status === 'replaced') throw new EidError('RECOVERY_REQUEST_CLOSED');
    const grantValid =
      request.status === 'verified' &&
      request.want === want &&
      request.grantHash !== null &&
      timingSafeEqual(this.#hash('grant', grant), request.grantHash) &&
      this.#now().getTime() < Date.parse(request.grantExpiresAt ?? '');
    if (!grantValid) throw new EidError('RECOVERY_STEP_NOT_ALLOWED');

    const certificate = this.#store.listHolderCertificates(request.holderId!).find((candidate) => candidate.serialNumber === certificateSerial);
    if (!certificate) throw new EidError('NOT_FOUND', { fields: [{ path: 'certificateSerial', code: 'NOT_FOUND' }] });
    return certificate;
  }

  async revealErc(id: string, body: RevealRecoveredErcRequest, address: string): Promise<{ response: RevealRecoveredErcResponse; email: DeferredEmail }> {
    const request = this.#getRequest(id);
    const certificate = this.#authorisedCertificate(request, 'erc', body.grant, body.certificateSerial);

    const erc = open(this.#context.secrets.ercKey, certificate.sealedErc, ercAssociatedData(certificate.serialNumber));
    if (!erc) throw new Error(`The ERC of certificate ${certificate.serialNumber} does not decrypt with the service's ERC key.`);

    const at = this.#now().toISOString();
    const completed = this.#store.completeWithCertificate(id, certificate.certificateId, at, {
      at,
      event: 'recovery-erc-shown',
      actor: 'anonymous',
      certificateId: certificate.certificateId,
      details: { requestId: id, address },
    });
    if (!completed) throw new EidError('RECOVERY_REQUEST_CLOSED');

    const email = this.#outcomeEmail(request.holderId!, { kind: 'erc-shown', certificate });
    return { response: { certificateSerial: certificate.serialNumber, erc: erc.toString('utf8') }, email };
  }

  async resetPassword(
    id: string,
    body: ResetRecoveredPasswordRequest,
    address: string,
  ): Promise<{ response: ResetRecoveredPasswordResponse; email: DeferredEmail }> {
    const request = this.#getRequest(id);
    const certificate = this.#authorisedCertificate(request, 'password', body.grant, body.certificateSerial);
    checkNewPassword(body.newPassword, certificate.username);
    const passwordHash = await hashPassword(body.newPassword);

    const at = this.#now().toISOString();
    const endedSessions = this.#store.resetPassword(id, certificate, passwordHash, at, {
      at,
      event: 'recovery-password-reset',
      actor: 'anonymous',
      certificateId: certificate.certificateId,
      details: { requestId: id, address },
    });
    if (endedSessions === null) throw new EidError('RECOVERY_REQUEST_CLOSED');
    // The holder proved control of the account, so earlier failed sign-ins no longer slow it down.
    await this.#context.throttle.clear(accountKey(certificate.username));

    const email = this.#outcomeEmail(request.holderId!, { kind: 'password-reset', certificate });
    return { response: { certificateSerial: certificate.serialNumber, username: certificate.username, endedSessions }, email };
  }

  /**
   * Resets a password with the user name and the ERC. A wrong user name and a wrong ERC get the
   * same error after the same work, and both count against the user name and the address.
   */
  async resetPasswordWithErc(body: ResetPasswordWithErcRequest, address: string): Promise<{ response: ResetPasswordWithErcResponse; email: DeferredEmail }> {
    const keys = [recoveryKeys.ercUsername(body.username), recoveryKeys.ercAddress(address)];
    await this.#context.throttle.assertAllowed(keys);
    // The policy check reads only what the client typed, so it tells nothing about the account.
    checkNewPassword(body.newPassword, body.username);

    const certificate = this.#store.findActiveCertificateByUsername(body.username);
    const stored = certificate
      ? open(this.#context.secrets.ercKey, certificate.sealedErc, ercAssociatedData(certificate.serialNumber))
      : open(this.#context.secrets.ercKey, this.#dummySealedErc, ercAssociatedData('0'));
    const expected = this.#hash('code', normaliseErc(stored?.toString('utf8') ?? randomBytes(16).toString('hex')));
    const matches = timingSafeEqual(expected, this.#hash('code', normaliseErc(body.erc))) && certificate !== null && stored !== null;

    const at = this.#now().toISOString();
    if (!matches) {
      await this.#context.throttle.recordFailure(keys[0]!, this.#policies.ercUsername);
      await this.#context.throttle.recordFailure(keys[1]!, this.#policies.ercAddress);
      await this.#context.store.appendAudit({
        at,
        event: 'recovery-erc-wrong',
        actor: 'anonymous',
        certificateId: certificate?.certificateId ?? null,
        details: { address },
      });
      throw new EidError('INVALID_USERNAME_OR_ERC');
    }

    const passwordHash = await hashPassword(body.newPassword);
    const endedSessions = this.#store.resetPassword(null, certificate, passwordHash, at, {
      at,
      event: 'password-reset-with-erc',
      actor: `holder:${certificate.username}`,
      certificateId: certificate.certificateId,
      details: { address },
    })!;
    await this.#context.throttle.clear(keys[0]!);
    await this.#context.throttle.clear(accountKey(certificate.username));

    const email = this.#outcomeEmail(certificate.holderId, { kind: 'password-reset-with-erc', certificate });
    return { response: { endedSessions }, email };
  }

  #outcomeEmail(holderId: number, outcome: RecoveryOutcome): DeferredEmail {
    const contact = this.#store.getHolderContact(holderId);
    return contact ? outcomeEmail({ to: contact.email, name: contact.name, language: contact.language, outcome, at: this.#now() }) : null;
  }
}
