import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { connectService } from '../../main/embedded-service';
import { normalizeServiceUrl, readMainSettings } from '../../main/settings';
import { createQuitHandler } from '../../main/shutdown';
import type { ServiceOptions } from '../../service/server';
import { createCapturingLogger } from './log-capture';

/** Creates a stand-in for startService that records its options and how often close runs. */
function fakeStart() {
  const started: ServiceOptions[] = [];
  let closeCount = 0;
  const start = async (options: ServiceOptions) => {
    started.push(options);
    return {
      url: 'http://127.0.0.1:41999',
      close: async () => {
        closeCount += 1;
      },
    };
  };
  return { start, started, closeCount: () => closeCount };
}

describe('connectService', () => {
  it('uses a configured service URL', async () => {
    const fake = fakeStart();
    const { logger } = createCapturingLogger();

    const connection = await connectService({ settings: { serviceUrl: 'https://eid.example.invalid' }, userDataDir: '/tmp/user-data', logger, start: fake.start });

    expect(connection.url).toBe('https://eid.example.invalid');
    expect(connection.embedded).toBe(false);
    expect(fake.started).toEqual([]);
  });

  it('starts an embedded demo service on loopback', async () => {
    const fake = fakeStart();
    const { logger } = createCapturingLogger();

    const connection = await connectService({ settings: {}, userDataDir: '/tmp/user-data', portalDir: '/app/dist/renderer', logger, start: fake.start });

    expect(connection.url).toBe('http://127.0.0.1:41999');
    expect(connection.embedded).toBe(true);
    expect(fake.started).toHaveLength(1);
    expect(fake.started[0]).toMatchObject({ dataDir: path.join('/tmp/user-data', 'service'), host: '127.0.0.1', port: 0, demo: true, portalDir: '/app/dist/renderer' });
  });

  it('closes the embedded service once', async () => {
    const fake = fakeStart();
    const { logger } = createCapturingLogger();
    const connection = await connectService({ settings: {}, userDataDir: '/tmp/user-data', logger, start: fake.start });

    await Promise.all([connection.close(), connection.close()]);
    await connection.close();

    expect(fake.closeCount()).toBe(1);
  });
});

describe('readMainSettings', () => {
  it('ignores an unset or blank variable', () => {
    expect(readMainSettings({})).toEqual({});
    expect(readMainSettings({ EID_SERVICE_URL: '  ' })).toEqual({});
  });

  it('reads EID_SERVICE_URL without trailing slashes', () => {
    expect(readMainSettings({ EID_SERVICE_URL: 'https://eid.example.invalid/portal/' })).toEqual({ serviceUrl: 'https://eid.example.invalid/portal' });
    expect(readMainSettings({ EID_SERVICE_URL: 'http://127.0.0.1:8080/' })).toEqual({ serviceUrl: 'http://127.0.0.1:8080' });
  });

  it('accepts plain http on loopback only', () => {
    expect(normalizeServiceUrl('http://localhost:8080')).toBe('http://localhost:8080');
    expect(normalizeServiceUrl('http://[::1]:8080')).toBe('http://[::1]:8080');
    expect(() => normalizeServiceUrl('http://eid.example.invalid')).toThrow(/use https/);
  });

  it('rejects malformed service URLs', () => {
    expect(() => normalizeServiceUrl('eid.example.invalid')).toThrow(/is invalid/);
    expect(() => normalizeServiceUrl('ftp://eid.example.invalid')).toThrow(/is invalid/);
    expect(() => normalizeServiceUrl('https://user:secret@eid.example.invalid')).toThrow(/remove the user name/);
    expect(() => normalizeServiceUrl('https://eid.example.invalid/?tenant=1')).toThrow(/remove the user name/);
  });
});

describe('createQuitHandler', () => {
  function quitEvent() {
    const event = { prevented: false, preventDefault: () => (event.prevented = true) };
    return event;
  }

  it('delays the first quit until close finishes', async () => {
    const { logger } = createCapturingLogger();
    let finishClose: () => void = () => {};
    let closeCount = 0;
    const quits: number[] = [];
    const onWillQuit = createQuitHandler({
      close: () => {
        closeCount += 1;
        return new Promise<void>((resolve) => (finishClose = resolve));
      },
      quit: () => quits.push(closeCount),
      logger,
    });

    const first = quitEvent();
    onWillQuit(first);
    const whileClosing = quitEvent();
    onWillQuit(whileClosing);
    finishClose();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const afterClose = quitEvent();
    onWillQuit(afterClose);

    expect(first.prevented).toBe(true);
    expect(whileClosing.prevented).toBe(true);
    expect(afterClose.prevented).toBe(false);
    expect(closeCount).toBe(1);
    expect(quits).toEqual([1]);
  });

  it('quits when close fails', async () => {
    const capture = createCapturingLogger();
    let quitCount = 0;
    const onWillQuit = createQuitHandler({ close: () => Promise.reject(new Error('database is locked')), quit: () => (quitCount += 1), logger: capture.logger });

    onWillQuit(quitEvent());
    await new Promise((resolve) => setTimeout(resolve, 10));

    expect(quitCount).toBe(1);
    expect(capture.text()).toContain('database is locked');
  });

  it('quits when close hangs past the timeout', async () => {
    const capture = createCapturingLogger();
    let quitCount = 0;
    const onWillQuit = createQuitHandler({ close: () => new Promise<void>(() => {}), quit: () => (quitCount += 1), logger: capture.logger, timeoutMs: 20 });

    onWillQuit(quitEvent());
    await new Promise((resolve) => setTimeout(resolve, 60));

    expect(quitCount).toBe(1);
    expect(capture.text()).toContain('timed out');
  });
});
