import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTrustedOriginCheck, IpcRouter } from '../../main/ipc/handle';
import { createMainLogger } from '../../main/logger';
import { createDesktopMain, type DesktopMainOptions } from '../helpers/desktop-main';
import { startTestService, type TestService } from '../helpers/service';

let service: TestService;

beforeAll(async () => {
  service = await startTestService();
});

afterAll(async () => {
  await service?.close();
});

async function desktop(serviceUrl = service.url, options: Omit<DesktopMainOptions, 'serviceUrl' | 'logger'> = {}) {
  const logger = createMainLogger({ level: 'silent', destination: pino.destination(2) });
  const router = new IpcRouter({ isTrustedSender: createTrustedOriginCheck({ allowedOrigins: ['http://127.0.0.1:41999'] }), logger });
  const main = await createDesktopMain(router, { serviceUrl, logger, ...options });
  const results: unknown[] = [];
  const invoke = async (channel: string, payload?: unknown) => {
    const result = await router.invoke({ senderFrame: { url: 'http://127.0.0.1:41999/' } }, channel, payload);
    results.push(result);
    return result as { ok: boolean; value?: any; error?: any };
  };
  return { main, invoke, results };
}

describe('several certificates signed in', () => {
  it('signs in two, switches and signs out of one', async () => {
    const first = await service.enroll({ givenName: 'Arbër', surname: 'Krasniqi' });
    const second = await service.enroll({ givenName: 'Drita', surname: 'Gashi' });
    const { invoke, results, main } = await desktop();

    expect((await invoke('session:sign-in', { username: first.username, password: first.password })).ok).toBe(true);
    expect((await invoke('session:sign-in', { username: second.username, password: second.password })).ok).toBe(true);
    const listed = await invoke('sessions:list');
    expect(listed.value.sessions.map((entry: { username: string }) => entry.username)).toEqual([first.username, second.username]);
    expect(listed.value.activeId).toBe(second.username);
    expect((await invoke('profile:get')).value.givenName).toBe('Drita');

    const switched = await invoke('sessions:switch', { id: first.username });
    expect(switched.value.activeId).toBe(first.username);
    expect((await invoke('api:call', { route: 'getProfile' })).value.givenName).toBe('Arbër');

    const afterSignOut = await invoke('sessions:sign-out', { id: second.username });
    expect(afterSignOut.value.sessions.map((entry: { username: string }) => entry.username)).toEqual([first.username]);
    expect(afterSignOut.value.activeId).toBe(first.username);
    expect((await invoke('profile:get')).value.givenName).toBe('Arbër');
    expect(await invoke('sessions:switch', { id: second.username })).toEqual({ ok: false, error: { code: 'NOT_FOUND' } });

    for (const result of results) expect(JSON.stringify(result)).not.toMatch(/"token"/);
    expect(main.services.sessions.activeId).toBe(first.username);
  });

  it('signs out of the active certificate and activates the other', async () => {
    const first = await service.enroll();
    const second = await service.enroll();
    const { invoke } = await desktop();
    await invoke('session:sign-in', { username: first.username, password: first.password });
    await invoke('session:sign-in', { username: second.username, password: second.password });

    expect(await invoke('session:sign-out')).toEqual({ ok: true, value: null });

    const listed = await invoke('sessions:list');
    expect(listed.value.activeId).toBe(first.username);
    expect((await invoke('profile:get')).value.username).toBe(first.username);
  });

  it('rejects unknown session ids and bad payloads', async () => {
    const { invoke } = await desktop();

    expect(await invoke('sessions:switch', { id: 'nobody' })).toEqual({ ok: false, error: { code: 'NOT_FOUND' } });
    expect((await invoke('sessions:sign-out', { id: '' })).error.code).toBe('VALIDATION_FAILED');
    expect((await invoke('sessions:switch', { id: 'a', extra: 1 })).error.code).toBe('VALIDATION_FAILED');
  });
});

describe('routes without a session', () => {
  it('reaches lost info with no certificate signed in', async () => {
    const holder = await service.enroll();
    const { invoke } = await desktop();

    const result = await invoke('api:call', {
      route: 'startRecovery',
      body: { personalNumber: '1234509876', email: 'nobody@example.org', want: 'username' },
    });
    expect(result.ok).toBe(true);
    expect(result.value.codeValidSeconds).toBe(600);

    const wrongErc = await invoke('api:call', {
      route: 'resetPasswordWithErc',
      body: { username: holder.username, erc: 'AAAA-BBBB-CCCC-DDDD', newPassword: 'a fine new passphrase' },
    });
    expect(wrongErc.error.code).toBe('INVALID_USERNAME_OR_ERC');
  });

  it('reports the current session of the active certificate', async () => {
    const holder = await service.enroll({ givenName: 'Arbër', surname: 'Krasniqi' });
    const { invoke, results } = await desktop();

    expect(await invoke('api:call', { route: 'getCurrentSession' })).toEqual({ ok: true, value: { session: null } });

    expect((await invoke('session:sign-in', { username: holder.username, password: holder.password })).ok).toBe(true);
    const signedIn = await invoke('api:call', { route: 'getCurrentSession' });
    expect(signedIn.value.session.username).toBe(holder.username);
    expect(signedIn.value.session.displayName).toBe('Arbër Krasniqi');

    expect((await invoke('session:sign-out')).ok).toBe(true);
    expect(await invoke('api:call', { route: 'getCurrentSession' })).toEqual({ ok: true, value: { session: null } });
    for (const result of results) expect(JSON.stringify(result)).not.toMatch(/"token"/);
  });
});

describe('offline cache', () => {
  it('serves cached data read-only when the service is down', async () => {
    const own = await startTestService();
    const holder = await own.enroll();
    const { invoke } = await desktop(own.url);
    await invoke('session:sign-in', { username: holder.username, password: holder.password });
    const online = await invoke('profile:get');
    expect((await invoke('sessions:list')).value.offline).toBeNull();

    await own.close();
    const offline = await invoke('profile:get');
    const listed = await invoke('sessions:list');
    const change = await invoke('profile:change-password', { currentPassword: holder.password, newPassword: 'Another long password 2026' });

    expect(offline).toEqual(online);
    expect(listed.value.offline.lastSyncedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(listed.value.sessions[0].offline).toBe(true);
    expect(change).toEqual({ ok: false, error: { code: 'OFFLINE_READ_ONLY' } });
  });

  it('keeps no data when the setting says so', async () => {
    const own = await startTestService();
    const holder = await own.enroll();
    const { invoke, main } = await desktop(own.url);
    await invoke('session:sign-in', { username: holder.username, password: holder.password });
    await invoke('profile:get');

    expect((await invoke('settings:update', { cachePolicy: 'none' })).value.settings.cachePolicy).toBe('none');
    expect(main.services.cache?.lastSyncedAt(holder.username)).toBeNull();
    await invoke('profile:get');
    expect(main.services.cache?.lastSyncedAt(holder.username)).toBeNull();

    await own.close();
    expect(await invoke('profile:get')).toEqual({ ok: false, error: { code: 'SERVICE_UNAVAILABLE' } });
  });

  it('clears the data on request', async () => {
    const own = await startTestService();
    const holder = await own.enroll();
    const { invoke } = await desktop(own.url);
    await invoke('session:sign-in', { username: holder.username, password: holder.password });
    await invoke('profile:get');

    expect(await invoke('cache:clear')).toEqual({ ok: true, value: null });

    await own.close();
    expect(await invoke('profile:get')).toEqual({ ok: false, error: { code: 'SERVICE_UNAVAILABLE' } });
  });
});

/** Builds a fetch that fails while `state.reachable` is false, as with a stopped service or a lost network. */
function switchableFetch() {
  const state = { reachable: true };
  const fetchThrough: typeof fetch = async (input, init) => {
    if (!state.reachable) throw new TypeError('fetch failed');
    return fetch(input, init);
  };
  return { state, fetch: fetchThrough };
}

describe('offline after a restart', () => {
  it('opens cached certificates read-only without a token', async () => {
    const first = await service.enroll({ givenName: 'Arbër', surname: 'Krasniqi' });
    const second = await service.enroll({ givenName: 'Drita', surname: 'Gashi' });
    const before = await desktop();
    await before.invoke('session:sign-in', { username: first.username, password: first.password });
    const firstProfile = (await before.invoke('profile:get')).value;
    const contracts = (await before.invoke('api:call', { route: 'listContracts' })).value;
    await before.invoke('session:sign-in', { username: second.username, password: second.password });
    await before.invoke('profile:get');
    before.main.services.cache?.close();

    const connection = switchableFetch();
    connection.state.reachable = false;
    const { invoke, results } = await desktop(service.url, { userDataDir: before.main.userDataDir, fetch: connection.fetch });

    const profile = await invoke('profile:get');
    const listed = (await invoke('sessions:list')).value;
    expect(profile.value.username).toBe(second.username);
    expect(listed.sessions.map((entry: { username: string; offline: boolean }) => [entry.username, entry.offline])).toEqual([
      [second.username, true],
      [first.username, true],
    ]);
    expect(listed.offline.lastSyncedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    expect((await invoke('sessions:switch', { id: first.username })).value.activeId).toBe(first.username);
    expect((await invoke('profile:get')).value).toEqual(firstProfile);
    expect((await invoke('api:call', { route: 'listContracts' })).value).toEqual(contracts);

    const changes = [
      await invoke('profile:change-password', { currentPassword: first.password, newPassword: 'Another long password 2026' }),
      await invoke('api:call', { route: 'changePin', body: { currentPin: first.pin, newPin: '73519046' } }),
    ];
    for (const change of changes) expect(change).toEqual({ ok: false, error: { code: 'OFFLINE_READ_ONLY' } });
    for (const result of results) expect(JSON.stringify(result)).not.toMatch(/"token"/);
  });

  it('asks for a sign-in once the service is back', async () => {
    const holder = await service.enroll();
    const before = await desktop();
    await before.invoke('session:sign-in', { username: holder.username, password: holder.password });
    await before.invoke('profile:get');
    before.main.services.cache?.close();
    const connection = switchableFetch();
    connection.state.reachable = false;
    const { invoke } = await desktop(service.url, { userDataDir: before.main.userDataDir, fetch: connection.fetch });
    expect((await invoke('profile:get')).ok).toBe(true);

    connection.state.reachable = true;
    const listed = (await invoke('sessions:list')).value;

    expect(listed.sessions).toEqual([]);
    expect(await invoke('profile:get')).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect((await invoke('session:sign-in', { username: holder.username, password: holder.password })).ok).toBe(true);
    expect((await invoke('profile:get')).value.username).toBe(holder.username);
  });

  it('asks for a sign-in when the service is reachable at start', async () => {
    const holder = await service.enroll();
    const before = await desktop();
    await before.invoke('session:sign-in', { username: holder.username, password: holder.password });
    await before.invoke('profile:get');
    before.main.services.cache?.close();

    const { invoke } = await desktop(service.url, { userDataDir: before.main.userDataDir });

    expect(await invoke('profile:get')).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect((await invoke('sessions:list')).value.sessions).toEqual([]);
  });

  it('opens nothing when no data is kept', async () => {
    const holder = await service.enroll();
    const before = await desktop();
    await before.invoke('session:sign-in', { username: holder.username, password: holder.password });
    await before.invoke('profile:get');
    await before.invoke('settings:update', { cachePolicy: 'none' });
    before.main.services.cache?.close();
    const connection = switchableFetch();
    connection.state.reachable = false;

    const { invoke } = await desktop(service.url, { userDataDir: before.main.userDataDir, fetch: connection.fetch });

    expect(await invoke('profile:get')).toEqual({ ok: false, error: { code: 'SERVICE_UNAVAILABLE' } });
    expect((await invoke('sessions:list')).value.sessions).toEqual([]);
  });
});

describe('desktop channels with bad input', () => {
  it('rejects empty and overlong PINs before any token call', async () => {
    const { invoke } = await desktop();
    const base = { modulePath: '/usr/lib/softhsm/libsofthsm2.so', tokenSerial: '0000000000000000' };

    const empty = await invoke('tokens:change-pin', { ...base, currentPin: '', newPin: '123456' });
    const overlong = await invoke('tokens:change-pin', { ...base, currentPin: '123456', newPin: '1'.repeat(256) });
    const multibyte = await invoke('tokens:reset-pin', { ...base, soPin: '12345678', newPin: 'ë'.repeat(128) });
    const control = await invoke('tokens:change-pin', { ...base, currentPin: '1234\n', newPin: '123456' });

    expect(empty).toEqual({ ok: false, error: { code: 'VALIDATION_FAILED', fields: [{ path: 'currentPin', code: 'TOKEN_PIN_LENGTH' }] } });
    expect(overlong).toEqual({ ok: false, error: { code: 'VALIDATION_FAILED', fields: [{ path: 'newPin', code: 'TOKEN_PIN_LENGTH' }] } });
    expect(multibyte).toEqual({ ok: false, error: { code: 'VALIDATION_FAILED', fields: [{ path: 'newPin', code: 'TOKEN_PIN_LENGTH' }] } });
    expect(control).toEqual({ ok: false, error: { code: 'VALIDATION_FAILED', fields: [{ path: 'currentPin', code: 'TOKEN_PIN_INVALID' }] } });
  });

  it('rejects invalid settings and keeps the old ones', async () => {
    const { invoke } = await desktop();
    await invoke('settings:update', { theme: 'dark' });

    const invalid = await invoke('settings:update', { theme: 'light', serviceUrl: 'ftp://eid.example.invalid' });
    const unknownKey = await invoke('settings:update', { colour: 'red' });

    expect(invalid).toEqual({ ok: false, error: { code: 'SETTINGS_INVALID', fields: [{ path: 'serviceUrl', code: 'VALIDATION_FAILED' }] } });
    expect(unknownKey.error.code).toBe('VALIDATION_FAILED');
    expect((await invoke('settings:get')).value.settings.theme).toBe('dark');
  });

  it('lists a module that is not a PKCS#11 library with its error', async () => {
    const { invoke } = await desktop();
    await invoke('settings:update', { pkcs11Modules: ['/etc/hostname'] });

    expect(await invoke('tokens:list')).toEqual({ ok: true, value: [{ path: '/etc/hostname', tokens: [], errorCode: 'PKCS11_MODULE_INVALID' }] });
  });

  it('saves a file through the save dialog', async () => {
    const { invoke, main } = await desktop();

    const saved = await invoke('files:save', { base64: Buffer.from('%PDF-1.7 ë').toString('base64'), suggestedName: 'kontrata.pdf' });
    const traversal = await invoke('files:save', { base64: '', suggestedName: '../kontrata.pdf' });

    expect(saved).toEqual({ ok: true, value: { saved: true } });
    expect(Buffer.from(main.savedFiles[0]!.bytes).toString()).toBe('%PDF-1.7 ë');
    expect(traversal.error.code).toBe('VALIDATION_FAILED');
    expect(main.savedFiles).toHaveLength(1);
  });
});
