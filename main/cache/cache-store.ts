import { existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';

import Database from 'better-sqlite3';
import type { Logger } from 'pino';

import type { Download } from '../../common/api/client';

/** A cached JSON response or download of one GET route call, with the time it was fetched. */
export interface CachedResponse<T> {
  value: T;
  fetchedAt: string;
}

/** A certificate remembered at sign-in, as the cache lists it. */
export interface CachedCertificate {
  username: string;
  displayName: string;
  certificateKind: string;
  lastSyncedAt: string;
}

const schema = `
  CREATE TABLE IF NOT EXISTS certificates (
    username TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    certificate_kind TEXT NOT NULL,
    last_synced_at TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS responses (
    username TEXT NOT NULL REFERENCES certificates(username) ON DELETE CASCADE,
    route TEXT NOT NULL,
    input_key TEXT NOT NULL,
    json TEXT,
    bytes BLOB,
    content_type TEXT,
    file_name TEXT,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (username, route, input_key)
  );
  CREATE TABLE IF NOT EXISTS reminders (
    certificate_serial TEXT PRIMARY KEY,
    last_notified_at TEXT NOT NULL
  );
`;

export interface CacheStoreOptions {
  /** The cache file, `cache.sqlite` in the app's data folder. */
  filePath: string;
  logger: Logger;
  now?: () => Date;
}

/**
 * The offline cache of the desktop app in SQLite: per signed-in certificate, the responses of
 * the GET routes it called (profile with certificate and status, contracts) and the exact bytes
 * of downloads (certificates, contract PDFs), each with the time it was fetched. A file that
 * SQLite cannot read is moved aside and a new one is created; `recreated` tells the app to say so.
 */
export class CacheStore {
  readonly #filePath: string;
  readonly #logger: Logger;
  readonly #now: () => Date;
  #database: Database.Database;
  #recreated = false;

  constructor(options: CacheStoreOptions) {
    this.#filePath = options.filePath;
    this.#logger = options.logger.child({ component: 'cache' });
    this.#now = options.now ?? (() => new Date());
    this.#database = this.#open();
  }

  /** Returns whether the file was found corrupt and recreated since the last call, and resets that flag. */
  takeRecreatedNotice(): boolean {
    const recreated = this.#recreated;
    this.#recreated = false;
    return recreated;
  }

  get recreatedPending(): boolean {
    return this.#recreated;
  }

  rememberCertificate(entry: { username: string; displayName: string; certificateKind: string }): void {
    this.#database
      .prepare(
        `INSERT INTO certificates (username, display_name, certificate_kind, last_synced_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name, certificate_kind = excluded.certificate_kind, last_synced_at = excluded.last_synced_at`,
      )
      .run(entry.username, entry.displayName, entry.certificateKind, this.#now().toISOString());
  }

  saveJson(username: string, route: string, inputKey: string, value: unknown): void {
    this.#save(username, route, inputKey, { json: JSON.stringify(value ?? null), bytes: null, contentType: null, fileName: null });
  }

  saveDownload(username: string, route: string, inputKey: string, download: Download): void {
    this.#save(username, route, inputKey, { json: null, bytes: Buffer.from(download.bytes), contentType: download.contentType, fileName: download.fileName });
  }

  readJson(username: string, route: string, inputKey: string): CachedResponse<unknown> | undefined {
    const row = this.#database
      .prepare('SELECT json, fetched_at FROM responses WHERE username = ? AND route = ? AND input_key = ? AND json IS NOT NULL')
      .get(username, route, inputKey) as { json: string; fetched_at: string } | undefined;
    return row ? { value: JSON.parse(row.json) as unknown, fetchedAt: row.fetched_at } : undefined;
  }

  readDownload(username: string, route: string, inputKey: string): CachedResponse<Download> | undefined {
    const row = this.#database
      .prepare('SELECT bytes, content_type, file_name, fetched_at FROM responses WHERE username = ? AND route = ? AND input_key = ? AND bytes IS NOT NULL')
      .get(username, route, inputKey) as { bytes: Buffer; content_type: string; file_name: string | null; fetched_at: string } | undefined;
    if (!row) return undefined;
    return { value: { bytes: new Uint8Array(row.bytes), contentType: row.content_type, fileName: row.file_name }, fetchedAt: row.fetched_at };
  }

  /**
   * Lists the signed-in-before certificates that have a cached response of `route`, most
   * recently synced first, so the app can open them read-only after a restart.
   */
  cachedCertificates(route: string): CachedCertificate[] {
    const rows = this.#database
      .prepare(
        `SELECT username, display_name, certificate_kind, last_synced_at FROM certificates AS certificate
         WHERE display_name <> '' AND EXISTS (SELECT 1 FROM responses WHERE responses.username = certificate.username AND responses.route = ?)
         ORDER BY last_synced_at DESC, username`,
      )
      .all(route) as { username: string; display_name: string; certificate_kind: string; last_synced_at: string }[];
    return rows.map((row) => ({ username: row.username, displayName: row.display_name, certificateKind: row.certificate_kind, lastSyncedAt: row.last_synced_at }));
  }

  /** Returns the time of the last response cached for the certificate, or null when nothing is cached. */
  lastSyncedAt(username: string): string | null {
    const row = this.#database.prepare('SELECT last_synced_at FROM certificates WHERE username = ?').get(username) as { last_synced_at: string } | undefined;
    return row?.last_synced_at ?? null;
  }

  lastNotifiedAt(certificateSerial: string): string | null {
    const row = this.#database.prepare('SELECT last_notified_at FROM reminders WHERE certificate_serial = ?').get(certificateSerial) as { last_notified_at: string } | undefined;
    return row?.last_notified_at ?? null;
  }

  recordNotified(certificateSerial: string, at: Date): void {
    this.#database
      .prepare('INSERT INTO reminders (certificate_serial, last_notified_at) VALUES (?, ?) ON CONFLICT (certificate_serial) DO UPDATE SET last_notified_at = excluded.last_notified_at')
      .run(certificateSerial, at.toISOString());
  }

  /** Deletes every cached row and compacts the file, so the deleted data does not linger in free pages. */
  clear(): void {
    this.#database.transaction(() => {
      this.#database.exec('DELETE FROM responses; DELETE FROM certificates; DELETE FROM reminders;');
    })();
    this.#database.exec('VACUUM');
    this.#logger.info('Cleared the offline cache.');
  }

  close(): void {
    this.#database.close();
  }

  #save(username: string, route: string, inputKey: string, row: { json: string | null; bytes: Buffer | null; contentType: string | null; fileName: string | null }): void {
    const fetchedAt = this.#now().toISOString();
    this.#database.transaction(() => {
      this.#database
        .prepare(
          `INSERT INTO certificates (username, display_name, certificate_kind, last_synced_at) VALUES (?, '', '', ?)
           ON CONFLICT (username) DO UPDATE SET last_synced_at = excluded.last_synced_at`,
        )
        .run(username, fetchedAt);
      this.#database
        .prepare(
          `INSERT INTO responses (username, route, input_key, json, bytes, content_type, file_name, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (username, route, input_key) DO UPDATE SET json = excluded.json, bytes = excluded.bytes,
             content_type = excluded.content_type, file_name = excluded.file_name, fetched_at = excluded.fetched_at`,
        )
        .run(username, route, inputKey, row.json, row.bytes, row.contentType, row.fileName, fetchedAt);
    })();
  }

  #open(): Database.Database {
    try {
      return this.#openChecked();
    } catch (error) {
      this.#logger.warn({ err: error, filePath: this.#filePath }, 'The offline cache file is corrupt, so it is moved aside and recreated.');
      this.#setAside();
      this.#recreated = true;
      return this.#openChecked();
    }
  }

  #openChecked(): Database.Database {
    const database = new Database(this.#filePath);
    try {
      const [check] = database.pragma('quick_check') as { quick_check: string }[];
      if (check?.quick_check !== 'ok') throw new Error(`quick_check returned ${check?.quick_check ?? 'nothing'}`);
      database.pragma('journal_mode = WAL');
      database.pragma('foreign_keys = ON');
      database.exec(schema);
      return database;
    } catch (error) {
      database.close();
      throw error;
    }
  }

  /** Moves the corrupt file aside, with its WAL and shared-memory files, so a new one can be created in its place. */
  #setAside(): void {
    const suffix = `.corrupt-${this.#now().toISOString().replace(/[:.]/g, '-')}`;
    if (existsSync(this.#filePath)) renameSync(this.#filePath, `${this.#filePath}${suffix}`);
    for (const extra of ['-wal', '-shm']) rmSync(`${this.#filePath}${extra}`, { force: true });
  }
}

/** Returns the canonical key of a route call's input, so the same call finds the same cached row. */
export function cacheInputKey(input: unknown): string {
  return JSON.stringify(sortKeys(input ?? {}));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, entry]) => [key, sortKeys(entry)]),
  );
}

/** The cache file name inside the app's data folder. */
export const cacheFileName = 'cache.sqlite';

export function cacheFilePath(userDataDir: string): string {
  return path.join(userDataDir, cacheFileName);
}
