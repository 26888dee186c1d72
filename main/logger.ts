import type { DestinationStream, Logger } from 'pino';

import { createLogger } from '../service/log/logger';

export interface MainLoggerOptions {
  /** A pino level name, `info` when missing. */
  level?: string;
  /** Destination stream of the JSON lines, stdout when missing. */
  destination?: DestinationStream;
}

/** Creates the logger of the desktop main process, redacting like the service's. */
export function createMainLogger(options: MainLoggerOptions = {}): Logger {
  return createLogger({ name: 'eid-desktop-main', level: options.level ?? 'info', destination: options.destination });
}
