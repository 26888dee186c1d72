import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import type { ErrorCode } from '../../common/errors';
import { createDesktopApi, type EidDesktopApi } from '../../common/ipc/desktop-api';
import { createTrustedOriginCheck, IpcRouter } from '../../main/ipc/handle';
import { registerHandlers } from '../../main/ipc/handlers';
import { MainSession } from '../../main/session';
import { createCapturingLogger } from './log-capture';

const username = 'holder';
const password = 'correct-password-1';
const rendererOrigin = 'http://127.0.0.1:41999';

const sessionInfo = {
  username,
  certificateKind: 'digital-id',
  displayName: 'Arbër Krasniqi',
  expiresAt: '2030-01-01T00:00:00.000Z',
  idleTimeoutSeconds: 900,
};

const profile = {
  username,
  certificateKind: 'digital-id',
  commonName: 'Arbër Krasniqi',
  givenName: 'Arbër',
  surname: 'Krasniqi',
  personalNumber: '1176001727',
  subjectSerialNumber: 'PNOXK-1176001727',
  country: 'XK',
  gender: 'M',
  birthDate: '1988-03-21',
  birthCountry: 'XK',
  birthCity: 'Prizren',
  fiscalCode: null,
  businessName: null,
  businessNumber: null,
  phoneNumberMasked: '+383 44 *** 456',
  email: 'arber@example.org',
  certificate: {
    serialNumber: '06134cbb10cdc4196422ca6bafe4bdc3',
    subject: 'CN=Arbër Krasniqi',
    issuer: 'CN=Demo Issuing CA',
    notBefore: '2025-01-01T00:00:00.000Z',
    notAfter: '2027-01-01T00:00:00.000Z',
    status: 'active',
  },
  passwordChangedAt: '2025-01-01T00:00:00.000Z',
};

interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

/**
 * A stand-in for the portal service with the four routes main uses. It issues one token per
 * sign-in, and `endSessions(code)` makes every token fail with that code, as an expired or
 * revoked session does.
 */
async function startFakeService() {
  const token = `desktop-token-${randomUUID()}`;
  const requests: RecordedRequest[] = [];
  let tokenValid = false;
  let endedCode: ErrorCode = 'UNAUTHENTICATED';

  const server = http.createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    request.on('end', () => {
      const body: unknown = raw ? JSON.parse(raw) : undefined;
      const route = `${request.method} ${request.url}`;
      requests.push({ method: request.method ?? '', path: request.url ?? '', authorization: request.headers.authorization, body });

      const send = (status: number, value?: unknown) => {
        response.writeHead(status, value === undefined ? {} : { 'content-type': 'application/json' });
        response.end(value === undefined ? undefined : JSON.stringify(value));
      };
      const fail = (status: number, code: ErrorCode) => send(status, { error: { code, message: code } });
      const authorized = tokenValid && request.headers.authorization === `Bearer ${token}`;

      if (route === 'POST /api/v1/sessions') {
        const credentials = body as { username?: string; password?: string };
        if (credentials.username !== username || credentials.password !== password) return fail(401, 'INVALID_CREDENTIALS');
        tokenValid = true;
        // The token also appears inside `session`, to check that main never passes it on.
        return send(201, { session: { ...sessionInfo, token }, token });
      }
      if (!authorized) return fail(401, endedCode);
      if (route === 'GET /api/v1/me') return send(200, profile);
      if (route === 'PUT /api/v1/me/password') return send(200, { endedSessions: 2 });
      if (route === 'DELETE /api/v1/sessions/current') {
        tokenValid = false;
        return send(204);
      }
      return fail(404, 'NOT_FOUND');
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests,
    endSessions(code: ErrorCode) {
      tokenValid = false;
      endedCode = code;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type FakeService = Awaited<ReturnType<typeof startFakeService>>;

const openServices: FakeService[] = [];

afterEach(async () => {
  await Promise.all(openServices.splice(0).map((service) => service.close()));
});

/** Wires a MainSession into a router and returns the API the renderer would see as `window.eid`. */
async function setUp(): Promise<{ service: FakeService; session: MainSession; eid: EidDesktopApi; results: unknown[] }> {
  const service = await startFakeService();
  openServices.push(service);
  const { logger } = createCapturingLogger();
  const session = new MainSession({ baseUrl: service.url, logger });
  const router = new IpcRouter({ isTrustedSender: createTrustedOriginCheck({ allowedOrigins: [rendererOrigin] }), logger });
  registerHandlers(router, session);

  const results: unknown[] = [];
  const eid = createDesktopApi(async (channel, payload) => {
    const result = await router.invoke({ senderFrame: { url: `${rendererOrigin}/` } }, channel, payload);
    results.push(result);
    return result;
  });
  return { service, session, eid, results };
}

function expectNoToken(results: unknown[], token: string): void {
  for (const result of results) expect(JSON.stringify(result)).not.toContain(token);
}

describe('MainSession through the IPC handlers', () => {
  it('signs in as a desktop client', async () => {
    const { service, eid, results } = await setUp();

    const result = await eid.session.signIn({ username, password });

    expect(result).toEqual({ ok: true, value: sessionInfo });
    expect(service.requests[0]?.body).toEqual({ username, password, client: 'desktop' });
    expectNoToken(results, service.token);
  });

  it('sends the token but never returns it', async () => {
    const { service, eid, results } = await setUp();

    await eid.session.signIn({ username, password });
    const profileResult = await eid.profile.get();
    const changeResult = await eid.profile.changePassword({ currentPassword: password, newPassword: 'another-password-2' });

    expect(profileResult).toEqual({ ok: true, value: profile });
    expect(changeResult).toEqual({ ok: true, value: { endedSessions: 2 } });
    const meRequest = service.requests.find((request) => request.path === '/api/v1/me');
    expect(meRequest?.authorization).toBe(`Bearer ${service.token}`);
    expect(results).toHaveLength(3);
    expectNoToken(results, service.token);
  });

  it('clears the token on sign-out', async () => {
    const { service, session, eid, results } = await setUp();
    await eid.session.signIn({ username, password });

    const signOut = await eid.session.signOut();
    const requestsAfterSignOut = service.requests.length;
    const profileResult = await eid.profile.get();

    expect(signOut).toEqual({ ok: true, value: null });
    expect(service.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/api/v1/sessions/current', authorization: `Bearer ${service.token}` });
    expect(session.isSignedIn).toBe(false);
    expect(profileResult).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(service.requests).toHaveLength(requestsAfterSignOut);
    expectNoToken(results, service.token);
  });

  it.each(['UNAUTHENTICATED', 'SESSION_EXPIRED'] as const)('clears the token on %s', async (code) => {
    const { service, session, eid } = await setUp();
    await eid.session.signIn({ username, password });
    service.endSessions(code);

    const profileResult = await eid.profile.get();
    const requestsAfterRejection = service.requests.length;
    const retry = await eid.profile.get();

    expect(profileResult).toEqual({ ok: false, error: { code } });
    expect(session.isSignedIn).toBe(false);
    expect(retry).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(service.requests).toHaveLength(requestsAfterRejection);
  });

  it('reports wrong credentials without signing in', async () => {
    const { session, eid } = await setUp();

    const result = await eid.session.signIn({ username, password: 'wrong-password' });

    expect(result).toEqual({ ok: false, error: { code: 'INVALID_CREDENTIALS' } });
    expect(session.isSignedIn).toBe(false);
  });

  it('ends the previous session on a new sign-in', async () => {
    const { service, eid } = await setUp();
    await eid.session.signIn({ username, password });

    await eid.session.signIn({ username, password });

    const routes = service.requests.map((request) => `${request.method} ${request.path}`);
    expect(routes).toEqual(['POST /api/v1/sessions', 'DELETE /api/v1/sessions/current', 'POST /api/v1/sessions']);
    expect(service.requests[2]?.authorization).toBeUndefined();
  });

  it('drops token when service is down', async () => {
    const { service, session, eid } = await setUp();
    await eid.session.signIn({ username, password });
    await service.close();

    const result = await eid.session.signOut();

    expect(result).toEqual({ ok: true, value: null });
    expect(session.isSignedIn).toBe(false);
  });

  it('reports an unreachable service', async () => {
    const { service, eid } = await setUp();
    await service.close();

    const result = await eid.session.signIn({ username, password });

    expect(result).toEqual({ ok: false, error: { code: 'SERVICE_UNAVAILABLE' } });
  });
});
