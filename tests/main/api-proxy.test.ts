import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTrustedOriginCheck, IpcRouter } from '../../main/ipc/handle';
import { registerHandlers } from '../../main/ipc/handlers';
import { createMainLogger } from '../../main/logger';
import { MainSession } from '../../main/session';
import { startTestService, type TestService } from '../helpers/service';

let service: TestService;

beforeAll(async () => {
  service = await startTestService();
});

afterAll(async () => {
  await service?.close();
});

function desktop() {
  const logger = createMainLogger({ level: 'silent', destination: pino.destination(2) });
  const session = new MainSession({ baseUrl: service.url, logger });
  const router = new IpcRouter({ isTrustedSender: createTrustedOriginCheck({ allowedOrigins: [service.url] }), logger });
  registerHandlers(router, session);
  const event = { senderFrame: { url: `${service.url}/#/profile` } };
  return { session, invoke: (channel: string, payload?: unknown) => router.invoke(event, channel, payload) };
}

describe('api:call through main', () => {
  it('calls a route with the session token held in main', async () => {
    const holder = await service.enroll();
    const { invoke } = desktop();
    expect((await invoke('session:sign-in', { username: holder.username, password: holder.password })).ok).toBe(true);

    const result = await invoke('api:call', { route: 'getProfile' });
    expect(result.ok).toBe(true);
    expect((result as { value: { username: string } }).value.username).toBe(holder.username);
    expect(JSON.stringify(result)).not.toMatch(/token/i);
  });

  it('validates the body against the route schema before sending', async () => {
    const holder = await service.enroll();
    const { invoke } = desktop();
    await invoke('session:sign-in', { username: holder.username, password: holder.password });

    const result = await invoke('api:call', { route: 'changePassword', body: { currentPassword: 42 } });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'VALIDATION_FAILED',
        fields: [
          { path: 'currentPassword', code: 'VALIDATION_FAILED' },
          { path: 'newPassword', code: 'VALIDATION_FAILED' },
        ],
      },
    });
  });

  it('refuses sign-in and sign-out routes, which must use the session channels', async () => {
    const { invoke } = desktop();
    for (const route of ['signIn', 'signOut']) {
      const result = await invoke('api:call', { route, body: { username: 'a', password: 'b', client: 'desktop' } });
      expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    }
  });

  it('calls a public recovery route without a session', async () => {
    const { session, invoke } = desktop();
    expect(session.isSignedIn).toBe(false);

    const result = await invoke('api:call', { route: 'startRecovery', body: { personalNumber: '1234567890', email: 'nobody@example.org', want: 'username' } });
    expect(result.ok).toBe(true);
    expect((result as { value: { codeValidSeconds: number } }).value.codeValidSeconds).toBe(600);

    const unknown = await invoke('api:call', { route: 'verifyRecovery', params: { id: 'A'.repeat(22) }, body: { code: '12345678' } });
    expect(unknown).toEqual({ ok: false, error: { code: 'RECOVERY_NOT_FOUND' } });
  });

  it('keeps the session when a public route fails', async () => {
    const holder = await service.enroll();
    const { session, invoke } = desktop();
    await invoke('session:sign-in', { username: holder.username, password: holder.password });

    const failed = await invoke('api:call', { route: 'verifyRecovery', params: { id: 'A'.repeat(22) }, body: { code: '12345678' } });
    expect(failed.ok).toBe(false);
    expect(session.isSignedIn).toBe(true);
    expect((await invoke('api:call', { route: 'getProfile' })).ok).toBe(true);
  });

  it('answers UNAUTHENTICATED before sign-in', async () => {
    const { invoke } = desktop();
    expect(await invoke('api:call', { route: 'getProfile' })).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });
});
