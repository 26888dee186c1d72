import { readdir, writeFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import pino from 'pino';
import { describe, expect, it } from 'vitest';

import { CacheStore, cacheFilePath } from '../../main/cache/cache-store';
import { createMainLogger } from '../../main/logger';

const logger = createMainLogger({ level: 'silent', destination: pino.destination(2) });

describe('CacheStore', () => {
  it('keeps JSON and exact bytes per certificate', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'eid-cache-'));
    const cache = new CacheStore({ filePath: cacheFilePath(folder), logger, now: () => new Date('2026-03-01T08:00:00Z') });
    const pdf = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0xc3, 0xab]);

    cache.saveJson('holder.one', 'getProfile', '{}', { givenName: 'Arbër' });
    cache.saveDownload('holder.one', 'downloadContract', '{"params":{"id":"7"}}', { bytes: pdf, contentType: 'application/pdf', fileName: 'kontrata-ë.pdf' });
    cache.close();
    const reopened = new CacheStore({ filePath: cacheFilePath(folder), logger });

    expect(reopened.readJson('holder.one', 'getProfile', '{}')).toEqual({ value: { givenName: 'Arbër' }, fetchedAt: '2026-03-01T08:00:00.000Z' });
    expect(reopened.readJson('holder.two', 'getProfile', '{}')).toBeUndefined();
    const download = reopened.readDownload('holder.one', 'downloadContract', '{"params":{"id":"7"}}');
    expect(Buffer.from(download!.value.bytes).equals(Buffer.from(pdf))).toBe(true);
    expect(download!.value.fileName).toBe('kontrata-ë.pdf');
    expect(reopened.lastSyncedAt('holder.one')).toBe('2026-03-01T08:00:00.000Z');
    expect(reopened.takeRecreatedNotice()).toBe(false);
  });

  it('recreates a corrupt cache file and says so once', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'eid-cache-'));
    await writeFile(cacheFilePath(folder), 'this is not an SQLite database, but it is long enough to look like a header '.repeat(20));

    const cache = new CacheStore({ filePath: cacheFilePath(folder), logger, now: () => new Date('2026-03-01T08:00:00Z') });

    expect(cache.recreatedPending).toBe(true);
    expect(cache.takeRecreatedNotice()).toBe(true);
    expect(cache.takeRecreatedNotice()).toBe(false);
    cache.saveJson('holder.one', 'getProfile', '{}', { ok: 1 });
    expect(cache.readJson('holder.one', 'getProfile', '{}')?.value).toEqual({ ok: 1 });
    expect((await readdir(folder)).filter((name) => name.includes('.corrupt-'))).toEqual(['cache.sqlite.corrupt-2026-03-01T08-00-00-000Z']);
  });

  it('clears everything', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'eid-cache-'));
    const cache = new CacheStore({ filePath: cacheFilePath(folder), logger });
    cache.saveJson('holder.one', 'getProfile', '{}', { givenName: 'Arbër' });
    cache.recordNotified('0a1b', new Date());

    cache.clear();

    expect(cache.readJson('holder.one', 'getProfile', '{}')).toBeUndefined();
    expect(cache.lastSyncedAt('holder.one')).toBeNull();
    expect(cache.lastNotifiedAt('0a1b')).toBeNull();
  });
});
