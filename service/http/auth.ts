import type { FastifyReply, FastifyRequest } from 'fastify';

import { EidError } from '../../common/errors';
import type { ServiceContext } from '../context';
import type { AccountContext, SessionRecord } from '../store/store';

export const sessionCookieName = 'eid_session';

export interface Authenticated extends AccountContext {
  session: SessionRecord;
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(header);
  if (!match) throw new EidError('UNAUTHENTICATED');
  return match[1];
}

/**
 * A cookie travels with every request the browser makes, so a state-changing request that
 * relies on it must come from the portal's own pages. SameSite=Strict already stops other sites
 * in current browsers; the Origin check also covers older ones.
 */
function assertSameOrigin(request: FastifyRequest): void {
  if (request.method === 'GET' || request.method === 'HEAD') return;
  const origin = request.headers.origin;
  if (origin === undefined) return;
  const own = `${request.protocol}://${request.headers.host ?? ''}`;
  if (origin !== own) throw new EidError('FORBIDDEN_ORIGIN');
}

/**
 * Resolves the caller's session from the bearer token (desktop) or the session cookie (browser).
 * @throws EidError UNAUTHENTICATED or SESSION_EXPIRED.
 */
export async function authenticate(context: ServiceContext, request: FastifyRequest): Promise<Authenticated> {
  let token = bearerToken(request);
  if (token === undefined) {
    token = request.cookies[sessionCookieName];
    if (token === undefined) throw new EidError('UNAUTHENTICATED');
    assertSameOrigin(request);
  }

  const session = await context.sessions.authenticate(token);
  const account = await context.store.getAccountContext(session.accountId);
  if (!account) throw new EidError('UNAUTHENTICATED');
  return { ...account, session };
}

export function setSessionCookie(reply: FastifyReply, token: string, secure: boolean, maxAgeSeconds: number): void {
  void reply.setCookie(sessionCookieName, token, { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: maxAgeSeconds });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  void reply.clearCookie(sessionCookieName, { httpOnly: true, sameSite: 'strict', secure, path: '/' });
}
