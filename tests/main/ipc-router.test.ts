import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { describe, expect, it } from 'vitest';

import { EidError } from '../../common/errors';
import { createTrustedOriginCheck, IpcRouter, type IpcEventLike } from '../../main/ipc/handle';
import { createCapturingLogger } from './log-capture';

// Origins are plain strings here: the router only compares them, nothing connects to them.
const trustedOrigin = 'http://127.0.0.1:41999';
const trustedEvent: IpcEventLike = { senderFrame: { url: `${trustedOrigin}/#/profile` } };
const profile = { username: 'holder' };

function createRouter() {
  const capture = createCapturingLogger();
  const router = new IpcRouter({ isTrustedSender: createTrustedOriginCheck({ allowedOrigins: [trustedOrigin] }), logger: capture.logger });
  const calls: unknown[] = [];
  return { router, calls, capture };
}

describe('IpcRouter', () => {
  it('returns the handler value for a trusted sender', async () => {
    const { router, calls } = createRouter();
    router.handle('session:sign-in', (payload) => {
      calls.push(payload);
      return { username: payload.username, certificateKind: 'digital-id' as const, displayName: 'Arbër Krasniqi', expiresAt: '2030-01-01T00:00:00Z', idleTimeoutSeconds: 900 };
    });

    const result = await router.invoke(trustedEvent, 'session:sign-in', { username: 'holder', password: 'correct-password-1' });

    expect(result.ok).toBe(true);
    expect(calls).toEqual([{ username: 'holder', password: 'correct-password-1' }]);
  });

  it('rejects untrusted origin before handler', async () => {
    const { router, calls, capture } = createRouter();
    router.handle('profile:get', () => {
      calls.push('profile:get');
      return profile as never;
    });

    const result = await router.invoke({ senderFrame: { url: 'https://example.invalid/' } }, 'profile:get', undefined);

    expect(result).toEqual({ ok: false, error: { code: 'FORBIDDEN_ORIGIN' } });
    expect(calls).toEqual([]);
    expect(capture.text()).toContain('https://example.invalid');
  });

  it('rejects a missing sender frame', async () => {
    const { router, calls } = createRouter();
    router.handle('profile:get', () => {
      calls.push('profile:get');
      return profile as never;
    });

    const result = await router.invoke({ senderFrame: null }, 'profile:get', undefined);

    expect(result).toEqual({ ok: false, error: { code: 'FORBIDDEN_ORIGIN' } });
    expect(calls).toEqual([]);
  });

  it('rejects lookalike origins', async () => {
    const { router, calls } = createRouter();
    router.handle('profile:get', () => {
      calls.push('profile:get');
      return profile as never;
    });
    const lookalikes = [
      'https://127.0.0.1:41999/',
      'http://127.0.0.1:41998/',
      'http://127.0.0.1:41999.example.invalid/',
      'http://localhost:41999/',
      'file:///tmp/index.html',
      'data:text/html,<p>hi</p>',
      'about:blank',
      'not a url',
      '',
    ];

    for (const url of lookalikes) {
      const result = await router.invoke({ senderFrame: { url } }, 'profile:get', undefined);
      expect(result, url).toEqual({ ok: false, error: { code: 'FORBIDDEN_ORIGIN' } });
    }
    expect(calls).toEqual([]);
  });

  it('checks the sender before the channel', async () => {
    const { router } = createRouter();

    const result = await router.invoke({ senderFrame: { url: 'https://example.invalid/' } }, 'no:such-channel', undefined);

    expect(result).toEqual({ ok: false, error: { code: 'FORBIDDEN_ORIGIN' } });
  });

  it('rejects unknown channels', async () => {
    const { router } = createRouter();
    router.handle('profile:get', () => profile as never);

    for (const channel of ['no:such-channel', 'toString', '__proto__', 42, null, undefined]) {
      const result = await router.invoke(trustedEvent, channel, undefined);
      expect(result, String(channel)).toEqual({ ok: false, error: { code: 'NOT_FOUND' } });
    }
  });

  it('rejects a contract channel without a handler', async () => {
    const { router } = createRouter();

    const result = await router.invoke(trustedEvent, 'profile:get', undefined);

    expect(result).toEqual({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('rejects a bad payload with field paths', async () => {
    const { router, calls } = createRouter();
    router.handle('session:sign-in', (payload) => {
      calls.push(payload);
      return {} as never;
    });

    const result = await router.invoke(trustedEvent, 'session:sign-in', { username: '', password: 5, extra: true });

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('VALIDATION_FAILED');
    const paths = result.error.fields?.map((field) => field.path).sort();
    expect(paths).toEqual(['extra', 'password', 'username']);
    expect(calls).toEqual([]);
  });

  it('rejects a payload on a channel without one', async () => {
    const { router, calls } = createRouter();
    router.handle('profile:get', () => {
      calls.push('profile:get');
      return profile as never;
    });

    const result = await router.invoke(trustedEvent, 'profile:get', { username: 'someone-else' });

    expect(result).toEqual({ ok: false, error: { code: 'VALIDATION_FAILED', fields: [{ path: '', code: 'VALIDATION_FAILED' }] } });
    expect(calls).toEqual([]);
  });

  it('passes an EidError code, fields and retry delay', async () => {
    const { router } = createRouter();
    router.handle('session:sign-in', () => {
      throw new EidError('TOO_MANY_ATTEMPTS', { retryAfterSeconds: 30 });
    });
    router.handle('profile:change-password', () => {
      throw new EidError('VALIDATION_FAILED', { fields: [{ path: 'newPassword', code: 'PASSWORD_TOO_SHORT' }] });
    });

    const signIn = await router.invoke(trustedEvent, 'session:sign-in', { username: 'holder', password: 'wrong-password' });
    const change = await router.invoke(trustedEvent, 'profile:change-password', { currentPassword: 'correct-password-1', newPassword: 'short' });

    expect(signIn).toEqual({ ok: false, error: { code: 'TOO_MANY_ATTEMPTS', retryAfterSeconds: 30 } });
    expect(change).toEqual({ ok: false, error: { code: 'VALIDATION_FAILED', fields: [{ path: 'newPassword', code: 'PASSWORD_TOO_SHORT' }] } });
  });

  it('hides a plain error behind INTERNAL_ERROR', async () => {
    const { router, capture } = createRouter();
    const detail = 'database file /home/holder/secret.db is locked for holder 1176001727';
    router.handle('profile:get', () => {
      throw new Error(detail);
    });

    const result = await router.invoke(trustedEvent, 'profile:get', undefined);

    expect(result).toEqual({ ok: false, error: { code: 'INTERNAL_ERROR' } });
    expect(JSON.stringify(result)).not.toContain('locked');
    const logged = capture.text();
    expect(logged).toContain('is locked for holder [personal-number]');
    expect(logged).not.toContain('1176001727');
  });

  it('rejects a second handler for a channel', () => {
    const { router } = createRouter();
    router.handle('profile:get', () => profile as never);

    expect(() => router.handle('profile:get', () => profile as never)).toThrow(/already has one/);
  });
});

describe('createTrustedOriginCheck', () => {
  const indexPath = path.resolve('dist', 'renderer', 'index.html');
  const indexUrl = pathToFileURL(indexPath).href;

  it('accepts renderer index with fragment', () => {
    const isTrusted = createTrustedOriginCheck({ rendererIndexPath: indexPath });

    expect(isTrusted(indexUrl)).toBe(true);
    expect(isTrusted(`${indexUrl}#/profile`)).toBe(true);
  });

  it('rejects other files and web origins', () => {
    const isTrusted = createTrustedOriginCheck({ rendererIndexPath: indexPath });

    expect(isTrusted(pathToFileURL(path.resolve('dist', 'renderer', 'other.html')).href)).toBe(false);
    expect(isTrusted(pathToFileURL(path.resolve('index.html')).href)).toBe(false);
    expect(isTrusted('file://remote-host' + new URL(indexUrl).pathname)).toBe(false);
    expect(isTrusted('http://127.0.0.1:41999/')).toBe(false);
  });

  it('requires at least one trusted origin', () => {
    expect(() => createTrustedOriginCheck({})).toThrow(/trusted renderer origin is missing/);
  });

  it('rejects an allowed origin that is not http', () => {
    expect(() => createTrustedOriginCheck({ allowedOrigins: ['file:///tmp'] })).toThrow(/is invalid/);
    expect(() => createTrustedOriginCheck({ allowedOrigins: ['127.0.0.1:41999'] })).toThrow(/is invalid/);
  });
});
