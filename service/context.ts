import { mkdirSync } from 'node:fs';
import path from 'node:path';

import { EidError } from '../common/errors';
import { SessionManager } from './auth/sessions';
import { SignInThrottle } from './auth/throttle';
import { openCertificateAuthority, type CertificateAuthority } from './ca';
import { loadServiceSecrets, type ServiceSecrets } from './credentials/service-secret';
import type { Logger } from './log/logger';
import { Notifier, type NotifierOptions } from './notifications/notifier';
import { SqliteStore } from './store/sqlite-store';

/** Everything a request handler, the CLI or a test needs to act on one data folder. */
export interface ServiceContext {
  dataDir: string;
  /** The SQLite store; it implements the Store interface, and each area's store shares its connection. */
  store: SqliteStore;
  notifier: Notifier;
  secrets: ServiceSecrets;
  logger: Logger;
  now: () => Date;
  sessions: SessionManager;
  throttle: SignInThrottle;
  /** The base URL written into certificates; see `publicUrlSetting`. */
  publicUrl: string;
  /** The CA, opened for `publicUrl`. */
  ca: CertificateAuthority;
}

/**
 * The key under which the data folder keeps the public URL that `serve` last ran with, so that
 * `enroll` against the same folder writes the same CRL and OCSP locations into certificates.
 */
export const publicUrlSetting = 'public_url';
export const defaultPublicUrl = 'http://127.0.0.1:8080';

export function databaseFile(dataDir: string): string {
  return path.join(dataDir, 'eid.sqlite');
}

export function normalisePublicUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`The public URL "${url}" is not a valid URL; give one such as https://eid.example.org`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`The public URL "${url}" must use http or https.`);
  return parsed.toString().replace(/\/+$/, '');
}

/** Opens the store, the secrets and the CA of a data folder, creating them on first use. */
export interface ServiceContextOptions {
  dataDir: string;
  logger: Logger;
  publicUrl?: string;
  now?: () => Date;
  /** SMTP and SMS gateway URLs; EID_SMTP_URL and EID_SMS_URL when missing. */
  notifications?: NotifierOptions;
}

export async function openServiceContext(options: ServiceContextOptions): Promise<ServiceContext> {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const now = options.now ?? (() => new Date());
  const store = SqliteStore.open(databaseFile(options.dataDir));

  try {
    const secrets = loadServiceSecrets(options.dataDir);
    const publicUrl = options.publicUrl ? normalisePublicUrl(options.publicUrl) : ((await store.getSetting(publicUrlSetting)) ?? defaultPublicUrl);
    const ca = await openCertificateAuthority({ dir: path.join(options.dataDir, 'ca'), keyPassphrase: secrets.caKeyPassphrase, publicUrl });

    const notifications: NotifierOptions = {
      smtpUrl: options.notifications?.smtpUrl ?? process.env.EID_SMTP_URL,
      smsUrl: options.notifications?.smsUrl ?? process.env.EID_SMS_URL,
      from: options.notifications?.from ?? process.env.EID_MAIL_FROM,
    };

    return {
      dataDir: options.dataDir,
      store,
      notifier: new Notifier(store, options.logger, notifications, now),
      secrets,
      logger: options.logger,
      now,
      sessions: new SessionManager(store, now),
      throttle: new SignInThrottle(store, now),
      publicUrl,
      ca,
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** Switches the context to another public URL (known only once the server listens) and keeps it. */
export async function setPublicUrl(context: ServiceContext, publicUrl: string): Promise<void> {
  const normalised = normalisePublicUrl(publicUrl);
  await context.store.setSetting(publicUrlSetting, normalised);
  if (normalised === context.publicUrl) return;

  context.publicUrl = normalised;
  context.ca = await openCertificateAuthority({
    dir: path.join(context.dataDir, 'ca'),
    keyPassphrase: context.secrets.caKeyPassphrase,
    publicUrl: normalised,
  });
}

export function assertFound<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new EidError('NOT_FOUND');
  return value;
}
