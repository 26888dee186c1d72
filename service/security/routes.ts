import type { FastifyInstance } from 'fastify';

import type { SecurityState } from '../../common/api/security';
import { checkPin, isWeakPuk } from '../../common/domain';
import { EidError, type ErrorCode } from '../../common/errors';
import { verifyPassword } from '../auth/passwords';
import { accountThrottle } from '../auth/throttle';
import type { ServiceContext } from '../context';
import { open } from '../credentials/aead';
import { rewrapDataKey } from '../credentials/signing-key';
import { ercAssociatedData, pinTries, pukTries } from '../enrollment/enroll';
import type { Authenticated } from '../http/auth';
import { defineRoute } from '../http/define-route';
import { SqliteWalletStore } from '../wallet/wallet-store';
import { assertUpdated, assertUsable, openWithSecret, securityStore } from './credential-guard';
import { notifyHolder } from './emails';
import type { CredentialOwner } from './security-store';

/** Routes of the User information screen: PIN, PUK and ERC. */

async function ownerOf(context: ServiceContext, auth: Authenticated): Promise<CredentialOwner> {
  const owner = await securityStore(context).findOwnerByCertificateId(auth.certificate.id);
  // Every enrolled certificate has a credential row; a missing one means a damaged database.
  if (!owner) throw new Error(`The certificate ${auth.certificate.id} has no credential row.`);
  return owner;
}

async function securityState(context: ServiceContext, owner: CredentialOwner): Promise<SecurityState> {
  const device = await new SqliteWalletStore(context.store).activeDevice(owner.certificateId);
  return {
    pin: { state: owner.pinTriesLeft > 0 ? 'ok' : 'locked', triesLeft: owner.pinTriesLeft, maxTries: pinTries },
    puk: { state: owner.pukTriesLeft > 0 ? 'ok' : 'blocked', triesLeft: owner.pukTriesLeft, maxTries: pukTries },
    wallet: device ? { state: 'active', deviceLabel: device.label, since: device.activatedAt } : { state: 'none', deviceLabel: null, since: null },
    certificateRevoked: owner.status !== 'active',
  };
}

async function freshState(context: ServiceContext, certificateId: number): Promise<SecurityState> {
  const owner = await securityStore(context).findOwnerByCertificateId(certificateId);
  return securityState(context, owner!);
}

function fieldError(code: ErrorCode, path: string): EidError {
  return new EidError(code, { fields: [{ path, code }] });
}

/** @throws EidError WEAK_PIN when the new PIN passes the format but not the rest of the policy. */
function assertPinPolicy(newPin: string, personalNumber: string): void {
  if (checkPin(newPin, personalNumber) !== null) throw fieldError('WEAK_PIN', 'newPin');
}

function actorOf(auth: Authenticated): string {
  return `holder:${auth.account.username}`;
}

export function registerSecurityRoutes(app: FastifyInstance, context: ServiceContext): void {
  defineRoute(app, context, 'getSecurity', async ({ auth }) => securityState(context, await ownerOf(context, auth)));

  defineRoute(app, context, 'changePin', async ({ auth, body }) => {
    const owner = await ownerOf(context, auth);
    assertUsable(owner, 'pin');
    assertPinPolicy(body.newPin, owner.holder.personalNumber);
    if (body.newPin === body.currentPin) throw fieldError('PIN_UNCHANGED', 'newPin');

    const store = securityStore(context);
    const opened = await openWithSecret(context, store, owner, 'pin', body.currentPin, { actor: actorOf(auth), field: 'currentPin' });
    try {
      const newPin = await rewrapDataKey(opened.dataKey, 'pin', body.newPin, context.secrets.credentialPepper, owner.serialNumber);
      const at = context.now().toISOString();
      assertUpdated(
        await store.applyUpdate(owner.certificateId, {
          verifiedWith: 'pin',
          verifiedWrappedKey: opened.wrappedKey,
          newPin,
          resetPinTries: true,
          at,
          audit: { at, event: 'pin-changed', actor: actorOf(auth), certificateId: owner.certificateId },
        }),
      );
    } finally {
      opened.dataKey.fill(0);
    }

    context.logger.info({ certificateId: owner.certificateId }, 'PIN changed');
    await notifyHolder(context, owner, 'pin-changed');
    return freshState(context, owner.certificateId);
  });

  defineRoute(app, context, 'changePuk', async ({ auth, body }) => {
    const owner = await ownerOf(context, auth);
    assertUsable(owner, 'puk');
    if (body.newPuk === body.currentPuk) throw fieldError('PUK_UNCHANGED', 'newPuk');
    if (isWeakPuk(body.newPuk)) throw fieldError('WEAK_PUK', 'newPuk');

    const store = securityStore(context);
    const opened = await openWithSecret(context, store, owner, 'puk', body.currentPuk, { actor: actorOf(auth), field: 'currentPuk' });
    try {
      const newPuk = await rewrapDataKey(opened.dataKey, 'puk', body.newPuk, context.secrets.credentialPepper, owner.serialNumber);
      const at = context.now().toISOString();
      assertUpdated(
        await store.applyUpdate(owner.certificateId, {
          verifiedWith: 'puk',
          verifiedWrappedKey: opened.wrappedKey,
          newPuk,
          resetPukTries: true,
          at,
          audit: { at, event: 'puk-changed', actor: actorOf(auth), certificateId: owner.certificateId },
        }),
      );
    } finally {
      opened.dataKey.fill(0);
    }

    context.logger.info({ certificateId: owner.certificateId }, 'PUK changed');
    await notifyHolder(context, owner, 'puk-changed');
    return freshState(context, owner.certificateId);
  });

  defineRoute(app, context, 'unlockPin', async ({ auth, body }) => {
    const owner = await ownerOf(context, auth);
    assertUsable(owner, 'puk');
    assertPinPolicy(body.newPin, owner.holder.personalNumber);

    const store = securityStore(context);
    const opened = await openWithSecret(context, store, owner, 'puk', body.puk, { actor: actorOf(auth), field: 'puk' });
    try {
      const newPin = await rewrapDataKey(opened.dataKey, 'pin', body.newPin, context.secrets.credentialPepper, owner.serialNumber);
      const at = context.now().toISOString();
      assertUpdated(
        await store.applyUpdate(owner.certificateId, {
          verifiedWith: 'puk',
          verifiedWrappedKey: opened.wrappedKey,
          newPin,
          resetPinTries: true,
          resetPukTries: true,
          at,
          audit: { at, event: 'pin-unlocked', actor: actorOf(auth), certificateId: owner.certificateId, details: { wasLocked: owner.pinTriesLeft === 0 } },
        }),
      );
    } finally {
      opened.dataKey.fill(0);
    }

    context.logger.info({ certificateId: owner.certificateId }, 'PIN unlocked with the PUK');
    await notifyHolder(context, owner, 'pin-unlocked');
    return freshState(context, owner.certificateId);
  });

  defineRoute(app, context, 'revealErc', async ({ auth, body }) => {
    const key = `erc-reveal:${auth.account.id}`;
    await context.throttle.assertAllowed([key]);
    const owner = await ownerOf(context, auth);

    if (!(await verifyPassword(auth.account.passwordHash, body.password))) {
      await context.throttle.recordFailure(key, accountThrottle);
      await context.store.appendAudit({ at: context.now().toISOString(), event: 'erc-reveal-failed', actor: actorOf(auth), certificateId: owner.certificateId });
      throw fieldError('WRONG_CURRENT_PASSWORD', 'password');
    }
    await context.throttle.clear(key);

    const sealed = await securityStore(context).getSealedErc(owner.certificateId);
    const erc = sealed ? open(context.secrets.ercKey, sealed, ercAssociatedData(owner.serialNumber)) : null;
    if (!erc) throw new Error(`The ERC of certificate ${owner.certificateId} does not open with the service key.`);

    await context.store.appendAudit({ at: context.now().toISOString(), event: 'erc-revealed', actor: actorOf(auth), certificateId: owner.certificateId });
    await notifyHolder(context, owner, 'erc-revealed');
    return { erc: erc.toString('utf8') };
  });
}
