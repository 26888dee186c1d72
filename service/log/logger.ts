import pino, { type Logger } from 'pino';

import { redact } from '../../common/redact';

export type { Logger };

/**
 * Creates the service's root logger. Every object and every message string goes through the one
 * redaction function before pino serialises it, so no call site can forget it.
 */
export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  const pinoOptions: pino.LoggerOptions = {
    level: options.level ?? process.env.EID_LOG_LEVEL ?? 'info',
    base: { service: 'eid-service' },
    formatters: {
      log: (object) => redact(object) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        const redacted = args.map((argument) => (typeof argument === 'string' ? (redact(argument) as string) : argument));
        method.apply(this, redacted as Parameters<typeof method>);
      },
    },
  };
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}
