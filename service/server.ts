import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { EnrollmentResult } from '../common/api/schemas';
import { openServiceContext, setPublicUrl } from './context';
import { enrollDemoHolder } from './enrollment/demo';
import { buildApp } from './http/app';
import { createLogger, type Logger } from './log/logger';
import type { RecoveryThrottlePolicies } from './recovery/policy';

export interface ServiceOptions {
  /** Folder for the SQLite database, the CA and the service secret; created when missing. */
  dataDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Base URL written into certificates; defaults to http://HOST:PORT and is kept in the data folder. */
  publicUrl?: string;
  /** Enroll a demo holder when the database is empty. */
  demo?: boolean;
  /** Folder of the built browser portal served at `/`; defaults to dist/renderer. */
  portalDir?: string;
  /** SMTP URL for email; EID_SMTP_URL when missing; without either, email stays in the outbox. */
  smtpUrl?: string;
  /** SMS gateway URL; EID_SMS_URL when missing; without either, SMS stays in the outbox. */
  smsUrl?: string;
  /**
   * Reverse proxies whose X-Forwarded-For the service trusts, as IP addresses or CIDR ranges
   * already checked by parseTrustedProxies. None by default; `serve` reads EID_TRUST_PROXY.
   */
  trustedProxies?: string[];
  logger?: Logger;
  logLevel?: string;
  /** Overrides the clock, for tests of expiry. */
  now?: () => Date;
  /**
   * Overrides the throttle policies of account recovery per personal number, email and client
   * address; the defaults are `defaultRecoveryThrottle` in service/recovery/policy.ts.
   */
  recoveryThrottle?: Partial<RecoveryThrottlePolicies>;
}

export interface RunningService {
  /** The URL the service listens on, for example http://127.0.0.1:8080. */
  url: string;
  /** The demo holder's certificate information, when `demo` enrolled one on this start. */
  demoHolder?: EnrollmentResult;
  close(): Promise<void>;
}

export const defaultPortalDir = fileURLToPath(new URL('../dist/renderer', import.meta.url));

/** Starts the portal service: API, PKI files and the browser portal on one HTTP listener. */
export async function startService(options: ServiceOptions): Promise<RunningService> {
  const logger = options.logger ?? createLogger({ level: options.logLevel });
  const host = options.host ?? '127.0.0.1';
  const context = await openServiceContext({
    dataDir: path.resolve(options.dataDir),
    logger,
    publicUrl: options.publicUrl,
    now: options.now,
    notifications: { smtpUrl: options.smtpUrl, smsUrl: options.smsUrl },
  });

  const trustedProxies = options.trustedProxies ?? [];
  const app = await buildApp(context, { portalDir: options.portalDir ?? defaultPortalDir, recoveryThrottle: options.recoveryThrottle, trustedProxies });
  try {
    await app.listen({ host, port: options.port ?? 8080 });
  } catch (error) {
    await context.store.close();
    throw error;
  }

  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const listenHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${listenHost}:${port}`;
  await setPublicUrl(context, options.publicUrl ?? url);

  const demoHolder = options.demo && (await context.store.countHolders()) === 0 ? await enrollDemoHolder(context) : undefined;
  logger.info({ url, publicUrl: context.publicUrl, dataDir: context.dataDir, trustedProxies }, 'service started');

  return {
    url,
    demoHolder,
    close: async () => {
      await app.close();
      await context.store.close();
      logger.info('service stopped');
    },
  };
}
