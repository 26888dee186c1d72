import type { FastifyInstance } from 'fastify';
import { createHmac, hkdfSync, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

import { deviceProofMessage, ecdsaWithSha256Oid, type WalletState } from '../../common/api/wallet';
import { maskPhoneNumber } from '../../common/domain';
import { EidError } from '../../common/errors';
import type { ServiceContext } from '../context';
import { openPrivateKey } from '../credentials/signing-key';
import { defineRoute } from '../http/define-route';
import { assertUsable, openWithSecret, securityStore } from '../security/credential-guard';
import { notifyHolder } from '../security/emails';
import { p256PrivateScalar, signDigestP256 } from '../security/prehash-ecdsa';
import type { CredentialOwner } from '../security/security-store';
import { deviceKeyId, parseDevicePublicKey, verifyDeviceSignature } from './device-key';
import { SqliteWalletStore, type WalletStore } from './wallet-store';

/** The portal's wallet routes and the routes the wallet app calls. */

export const challengeLifetimeSeconds = 120;
/** Unused challenges a certificate may have at once; more is a client in a loop or an attack. */
export const maxOpenChallenges = 20;
export const activationLifetimeSeconds = 10 * 60;
export const activationTries = 5;
export const activationCodeDigits = 6;
/** Starting activations sends SMS, so starts are slowed down like failed sign-ins. */
/**
 * Activation ids are hex: holders type them after `--activation` in the wallet simulator, and a
 * base64url id that starts with "-" reads as an option there.
 */
export function newActivationId(): string {
  return randomBytes(18).toString('hex');
}

const activationStartThrottle = { freeFailures: 5, maxDelaySeconds: 15 * 60, windowSeconds: 60 * 60 };
const defaultDeviceLabel = 'eID wallet';

function walletStore(context: ServiceContext): WalletStore {
  return new SqliteWalletStore(context.store);
}

function secondsFrom(now: Date, seconds: number): string {
  return new Date(now.getTime() + seconds * 1000).toISOString();
}

/** HMAC key for activation codes, so a copy of the database alone cannot test the 10⁶ codes offline. */
function activationCodeKey(context: ServiceContext): Buffer {
  return Buffer.from(hkdfSync('sha256', context.secrets.credentialPepper, Buffer.alloc(0), 'eid-self-service/wallet-activation-code', 32));
}

function hashActivationCode(context: ServiceContext, activationId: string, code: string): Buffer {
  return createHmac('sha256', activationCodeKey(context)).update(`${activationId}:${code}`).digest();
}

/** The SMS with the activation code. For a migration it warns that the old phone stops working, in case the holder was tricked into passing the code on. */
const smsTexts: Record<string, (code: string, minutes: number, migration: boolean) => string> = {
  sq: (code, minutes, migration) =>
    migration
      ? `eID: kodi për zhvendosjen e portofolit në një telefon tjetër është ${code}. Telefoni i vjetër do të ndalojë së punuari. Vlen ${minutes} minuta. Mos ia jepni askujt.`
      : `eID: kodi për lidhjen e portofolit është ${code}. Vlen ${minutes} minuta. Mos ia jepni askujt.`,
  'sr-Latn': (code, minutes, migration) =>
    migration
      ? `eID: kod za premeštanje novčanika na drugi telefon je ${code}. Stari telefon će prestati da radi. Važi ${minutes} minuta. Ne dajte ga nikome.`
      : `eID: kod za povezivanje novčanika je ${code}. Važi ${minutes} minuta. Ne dajte ga nikome.`,
  en: (code, minutes, migration) =>
    migration
      ? `eID: your code to move your wallet to another phone is ${code}. The old phone will stop working. It is valid for ${minutes} minutes. Do not share it.`
      : `eID: your wallet activation code is ${code}. It is valid for ${minutes} minutes. Do not share it.`,
};

async function ownerBySerial(context: ServiceContext, serial: string): Promise<CredentialOwner> {
  const owner = await securityStore(context).findOwnerBySerial(serial);
  if (!owner) throw new EidError('NOT_FOUND');
  return owner;
}

export function registerWalletRoutes(app: FastifyInstance, context: ServiceContext): void {
  defineRoute(app, context, 'getWallet', async ({ auth }): Promise<WalletState> => {
    const wallets = walletStore(context);
    const device = await wallets.activeDevice(auth.certificate.id);
    const pending = await wallets.pendingActivation(auth.certificate.id, context.now().toISOString());
    return {
      state: device ? 'active' : 'none',
      device: device ? { label: device.label, activatedAt: device.activatedAt, keyId: deviceKeyId(device.publicKeySpki) } : null,
      phoneNumberMasked: maskPhoneNumber(auth.holder.phoneNumber),
      certificateRevoked: auth.certificate.status !== 'active',
      pendingActivation: pending ? { activationId: pending.id, expiresAt: pending.expiresAt } : null,
    };
  });

  defineRoute(app, context, 'startWalletActivation', async ({ auth }) => {
    const owner = await securityStore(context).findOwnerByCertificateId(auth.certificate.id);
    if (!owner || owner.status !== 'active') throw new EidError('CERTIFICATE_REVOKED');
    if (owner.pukTriesLeft <= 0) throw new EidError('PUK_BLOCKED', { triesLeft: 0 });

    const throttleKey = `wallet-activation:${owner.certificateId}`;
    await context.throttle.assertAllowed([throttleKey]);
    await context.throttle.recordFailure(throttleKey, activationStartThrottle);

    const wallets = walletStore(context);
    const migration = (await wallets.activeDevice(owner.certificateId)) !== null;
    const now = context.now();
    const id = newActivationId();
    const code = String(randomInt(0, 10 ** activationCodeDigits)).padStart(activationCodeDigits, '0');
    const expiresAt = secondsFrom(now, activationLifetimeSeconds);

    await wallets.insertActivation(
      { id, certificateId: owner.certificateId, codeHash: hashActivationCode(context, id, code), triesLeft: activationTries, status: 'pending', createdAt: now.toISOString(), expiresAt },
      { at: now.toISOString(), event: 'wallet-activation-started', actor: `holder:${auth.account.username}`, certificateId: owner.certificateId, details: { activationId: id, migration } },
    );

    const text = (smsTexts[owner.holder.language] ?? smsTexts.sq!)(code, activationLifetimeSeconds / 60, migration);
    try {
      await context.notifier.sendSms({ to: owner.holder.phoneNumber, text });
    } catch (cause) {
      await wallets.markActivationFailed(id);
      throw new EidError('SERVICE_UNAVAILABLE', { cause });
    }

    const qrPayload = `eid-wallet:activate?${new URLSearchParams({ service: context.publicUrl, activation: id }).toString()}`;
    return { activationId: id, qrPayload, expiresAt, phoneNumberMasked: maskPhoneNumber(owner.holder.phoneNumber), migration };
  });

  defineRoute(app, context, 'completeWalletActivation', async ({ params, body }) => {
    // A malformed key is rejected before a try is taken, because it reveals nothing about the code.
    const publicKeySpki = parseDevicePublicKey(body.devicePublicKey);
    const wallets = walletStore(context);
    const now = context.now();

    const reservation = await wallets.reserveActivationTry(params.id, now.toISOString());
    if (!reservation.ok) throw new EidError(reservation.reason);
    const { activation, triesLeftIfWrong } = reservation;

    const expected = hashActivationCode(context, activation.id, body.code);
    if (!timingSafeEqual(expected, activation.codeHash)) {
      if (triesLeftIfWrong === 0) {
        await wallets.markActivationFailed(activation.id);
        throw new EidError('ACTIVATION_TRIES_EXHAUSTED', { triesLeft: 0 });
      }
      throw new EidError('WRONG_ACTIVATION_CODE', { triesLeft: triesLeftIfWrong, fields: [{ path: 'code', code: 'WRONG_ACTIVATION_CODE' }] });
    }

    const owner = await securityStore(context).findOwnerByCertificateId(activation.certificateId);
    if (!owner || owner.status !== 'active') throw new EidError('CERTIFICATE_REVOKED');
    if (body.phoneNumber !== owner.holder.phoneNumber) {
      // The right code from another number: the try stays taken, as for a wrong code.
      throw new EidError('PHONE_NUMBER_MISMATCH', { triesLeft: triesLeftIfWrong, fields: [{ path: 'phoneNumber', code: 'PHONE_NUMBER_MISMATCH' }] });
    }

    const keyId = deviceKeyId(publicKeySpki);
    const at = now.toISOString();
    const completed = await wallets.completeActivation(activation.id, { publicKeySpki, label: body.deviceLabel ?? defaultDeviceLabel }, at, (replacedDeviceId) => ({
      at,
      event: replacedDeviceId === null ? 'wallet-connected' : 'wallet-migrated',
      actor: 'wallet',
      certificateId: owner.certificateId,
      details: { activationId: activation.id, deviceKeyId: keyId, replacedDeviceId },
    }));
    if (!completed) throw new EidError('ACTIVATION_EXPIRED');

    context.logger.info({ certificateId: owner.certificateId, deviceId: completed.deviceId, replacedDeviceId: completed.replacedDeviceId }, 'wallet device activated');
    await notifyHolder(context, owner, completed.replacedDeviceId === null ? 'wallet-connected' : 'wallet-migrated');
    return { credentialID: owner.serialNumber, deviceKeyId: keyId, activatedAt: at, replacedDevice: completed.replacedDeviceId !== null };
  });

  defineRoute(app, context, 'createWalletChallenge', async ({ body }) => {
    const owner = await ownerBySerial(context, body.credentialID);
    if (owner.status !== 'active') throw new EidError('CERTIFICATE_REVOKED');

    const wallets = walletStore(context);
    const device = await wallets.activeDevice(owner.certificateId);
    if (body.deviceKeyId !== undefined && (!device || deviceKeyId(device.publicKeySpki) !== body.deviceKeyId)) {
      const replaced = await wallets.isReplacedDevice(owner.certificateId, deviceKeyId, body.deviceKeyId);
      throw new EidError(replaced ? 'WALLET_DEVICE_REPLACED' : 'INVALID_DEVICE_SIGNATURE');
    }
    if (!device) throw new EidError('WALLET_NOT_CONNECTED');

    const now = context.now();
    const challenge = {
      id: randomBytes(18).toString('base64url'),
      certificateId: owner.certificateId,
      deviceId: device.id,
      nonce: randomBytes(32),
      createdAt: now.toISOString(),
      expiresAt: secondsFrom(now, challengeLifetimeSeconds),
    };
    if (!(await wallets.insertChallenge(challenge, maxOpenChallenges, now.toISOString()))) {
      throw new EidError('TOO_MANY_ATTEMPTS', { retryAfterSeconds: challengeLifetimeSeconds });
    }
    return { challengeId: challenge.id, challenge: challenge.nonce.toString('base64'), expiresAt: challenge.expiresAt };
  });

  defineRoute(app, context, 'walletSignatures', async ({ body }) => {
    const owner = await ownerBySerial(context, body.credentialID);
    const wallets = walletStore(context);

    // The challenge is used up by this request whatever happens next, so a proof works once.
    const challenge = await wallets.consumeChallenge(body.challengeId, owner.certificateId, context.now().toISOString());
    if (!challenge) throw new EidError('CHALLENGE_INVALID');

    const device = await wallets.findDevice(challenge.deviceId);
    if (!device || device.deactivatedAt !== null) throw new EidError('WALLET_DEVICE_REPLACED');
    const message = deviceProofMessage({
      credentialID: body.credentialID,
      challengeId: challenge.id,
      challenge: challenge.nonce.toString('base64'),
      hashes: body.hashes,
    });
    if (!verifyDeviceSignature(device.publicKeySpki, message, body.deviceSignature)) throw new EidError('INVALID_DEVICE_SIGNATURE');

    assertUsable(owner, 'pin');
    const store = securityStore(context);
    const opened = await openWithSecret(context, store, owner, 'pin', body.pin, { actor: `wallet:${device.id}` });
    let signatures: string[];
    try {
      const at = context.now().toISOString();
      const outcome = await store.applyUpdate(owner.certificateId, {
        verifiedWith: 'pin',
        verifiedWrappedKey: opened.wrappedKey,
        resetPinTries: true,
        requireActiveDeviceId: device.id,
        at,
        audit: { at, event: 'wallet-signature', actor: `wallet:${device.id}`, certificateId: owner.certificateId, details: { hashes: body.hashes.length } },
      });
      if (outcome !== 'done') throw new EidError(outcome);

      const pkcs8 = openPrivateKey(opened.sealed, opened.dataKey, owner.serialNumber);
      if (!pkcs8) throw new Error(`The signing key of certificate ${owner.certificateId} does not open with its data key.`);
      const scalar = p256PrivateScalar(pkcs8);
      pkcs8.fill(0);
      signatures = body.hashes.map((hash) => signDigestP256(scalar, Buffer.from(hash, 'base64')).toString('base64'));
    } finally {
      opened.dataKey.fill(0);
    }

    context.logger.info({ certificateId: owner.certificateId, deviceId: device.id, hashes: signatures.length }, 'signed hashes for the wallet');
    return { signatures, signAlgo: ecdsaWithSha256Oid };
  });
}
