import path from 'node:path';

import type { Logger } from 'pino';

import type { EnrollmentResult } from '../common/api/schemas';
import { startService, type RunningService, type ServiceOptions } from '../service/server';
import type { MainSettings } from './settings';

/** The portal service main talks to, either configured or started in-process. */
export interface ServiceConnection {
  /** Base URL without a trailing slash. */
  url: string;
  /** Whether main started the service, and so stops it on quit. */
  embedded: boolean;
  /** The demo holder's certificate information when the embedded service enrolled one on this start. */
  demoHolder?: EnrollmentResult;
  /** Stops the embedded service, and does nothing for a configured one. Safe to call more than once. */
  close(): Promise<void>;
}

export interface ConnectServiceOptions {
  settings: MainSettings;
  /** Electron's userData folder. The embedded service keeps its data in its `service` subfolder. */
  userDataDir: string;
  /** Folder of the built renderer, which the embedded service also serves as the browser portal. */
  portalDir?: string;
  logger: Logger;
  /** Function that starts the service, the real startService unless a test replaces it. */
  start?: (options: ServiceOptions) => Promise<RunningService>;
}

/**
 * Returns the configured service, or starts one in-process on a free loopback port with a demo
 * holder, so the desktop app works without a separate server.
 */
export async function connectService(options: ConnectServiceOptions): Promise<ServiceConnection> {
  const { settings, logger } = options;
  if (settings.serviceUrl) {
    logger.info({ url: settings.serviceUrl }, 'Using the configured portal service.');
    return { url: settings.serviceUrl, embedded: false, close: async () => {} };
  }

  const dataDir = path.join(options.userDataDir, 'service');
  const start = options.start ?? startService;
  const serviceOptions: ServiceOptions = { dataDir, host: '127.0.0.1', port: 0, demo: true, logger: logger.child({ component: 'service' }) };
  if (options.portalDir !== undefined) serviceOptions.portalDir = options.portalDir;
  const service = await start(serviceOptions);
  logger.info({ url: service.url, dataDir }, 'Started the embedded portal service.');

  let closing: Promise<void> | undefined;
  const connection: ServiceConnection = {
    url: service.url.replace(/\/+$/, ''),
    embedded: true,
    close: () => {
      closing ??= service.close().then(() => logger.info('Stopped the embedded portal service.'));
      return closing;
    },
  };
  if (service.demoHolder) connection.demoHolder = service.demoHolder;
  return connection;
}
