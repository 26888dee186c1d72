import type { FastifyInstance } from 'fastify';

import type { SessionInfo } from '../../../common/api/schemas';
import { EidError } from '../../../common/errors';
import { verifyAgainstDummy, verifyPassword } from '../../auth/passwords';
import { sessionIdleSeconds, sessionMaxSeconds } from '../../auth/sessions';
import { accountKey, accountThrottle, addressKey, addressThrottle } from '../../auth/throttle';
import type { ServiceContext } from '../../context';
import type { AccountContext, SessionRecord } from '../../store/store';
import { authenticate, clearSessionCookie, setSessionCookie } from '../auth';
import { clientAddress } from '../client-address';
import { defineRoute } from '../define-route';

export function sessionInfo(account: AccountContext, session: SessionRecord): SessionInfo {
  return {
    username: account.account.username,
    certificateKind: account.certificate.kind,
    displayName: `${account.holder.givenName} ${account.holder.surname}`,
    expiresAt: session.expiresAt,
    idleTimeoutSeconds: sessionIdleSeconds,
  };
}

export function registerSessionRoutes(app: FastifyInstance, context: ServiceContext): void {
  const secureCookie = context.publicUrl.startsWith('https:');

  defineRoute(app, context, 'signIn', async ({ body, request, reply }) => {
    const address = clientAddress(request);
    const keys = [accountKey(body.username), addressKey(address)];
    await context.throttle.assertAllowed(keys);

    // An unknown user name runs the same argon2 verification and the same writes as a wrong
    // password, so neither the response nor its timing reveals whether the account exists.
    const account = await context.store.findAccountByUsername(body.username);
    const valid = account ? await verifyPassword(account.account.passwordHash, body.password) : await verifyAgainstDummy(body.password);
    const at = context.now().toISOString();

    if (!account || !valid) {
      await context.throttle.recordFailure(keys[0]!, accountThrottle);
      await context.throttle.recordFailure(keys[1]!, addressThrottle);
      await context.store.appendAudit({
        at,
        event: 'sign-in-failed',
        actor: 'anonymous',
        certificateId: account?.certificate.id ?? null,
        details: { address },
      });
      throw new EidError('INVALID_CREDENTIALS');
    }

    await context.throttle.clear(keys[0]!);
    const { token, session } = await context.sessions.create(account.account.id, body.client);
    await context.store.appendAudit({
      at,
      event: 'sign-in',
      actor: `holder:${account.account.username}`,
      certificateId: account.certificate.id,
      details: { client: body.client, address },
    });

    if (body.client === 'browser') {
      setSessionCookie(reply, token, secureCookie, sessionMaxSeconds);
      return { session: sessionInfo(account, session) };
    }
    return { session: sessionInfo(account, session), token };
  });

  // A page asks this before sign-in, so a missing or ended session is a normal answer here
  // rather than a 401 that the browser would log as a failed request.
  defineRoute(app, context, 'getCurrentSession', async ({ request }) => {
    try {
      const auth = await authenticate(context, request);
      return { session: sessionInfo(auth, auth.session) };
    } catch (error) {
      if (error instanceof EidError && (error.code === 'UNAUTHENTICATED' || error.code === 'SESSION_EXPIRED')) return { session: null };
      throw error;
    }
  });

  defineRoute(app, context, 'signOut', async ({ auth, reply }) => {
    await context.sessions.end(auth.session);
    await context.store.appendAudit({
      at: context.now().toISOString(),
      event: 'sign-out',
      actor: `holder:${auth.account.username}`,
      certificateId: auth.certificate.id,
    });
    clearSessionCookie(reply, secureCookie);
    return undefined;
  });
}
