import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

import { redact } from '../../common/redact';

export type { Logger };

export interface LoggerFactoryOptions {
  /** The `name` field of every line, such as eid-service or eid-desktop-main. */
  name?: string;
  /** A pino level name; EID_LOG_LEVEL or `info` when missing. */
  level?: string;
  /** Destination stream of the JSON lines, stdout when missing. */
  destination?: DestinationStream;
}

/**
 * Creates a logger of the service or the desktop main process. Every line passes through `redact`: the
 * merging object through `formatters.log`, the message and its interpolation values through the
 * `logMethod` hook, because formatters never see them, and child bindings in `child`.
 */
export function createLogger(options: LoggerFactoryOptions = {}): Logger {
  const loggerOptions: LoggerOptions = {
    name: options.name ?? 'eid-service',
    level: options.level ?? process.env.EID_LOG_LEVEL ?? 'info',
    formatters: {
      bindings: (bindings) => redactRecord(bindings),
      log: (object) => redactRecord(object),
    },
    hooks: {
      logMethod(args, method) {
        method.apply(this, redactArguments(args as unknown[]) as Parameters<typeof method>);
      },
    },
  };
  const logger = options.destination ? pino(loggerOptions, options.destination) : pino(loggerOptions);
  redactChildBindings(logger);
  return logger;
}

/**
 * Makes `child` redact its bindings. pino 10 applies `formatters.bindings` to the root logger's
 * bindings only, so child bindings would reach the output unredacted. Children are created with
 * Object.create from their parent, so they inherit this `child` and their own children are
 * redacted too.
 */
function redactChildBindings(logger: Logger): void {
  const createChild = logger.child;
  logger.child = function child(this: Logger, bindings, childOptions) {
    return createChild.call(this, redactRecord(bindings), childOptions);
  } as Logger['child'];
}

function redactRecord(record: Record<string, unknown>): Record<string, unknown> {
  return redact(record) as Record<string, unknown>;
}

/**
 * Redacts the message and interpolation values of one log call. The merging object stays as it
 * is for `formatters.log`, but when the call has no message pino would copy an error's message
 * into the line unredacted, so this passes that message explicitly.
 */
function redactArguments(args: unknown[]): unknown[] {
  const [first, ...rest] = args;
  if (typeof first !== 'object' || first === null) return args.map((arg) => redact(arg));

  const impliedMessage = rest[0] === undefined ? errorMessageOf(first) : undefined;
  const messageArguments = impliedMessage === undefined ? rest : [impliedMessage, ...rest.slice(1)];
  return [first, ...messageArguments.map((arg) => redact(arg))];
}

/** Returns the message pino takes when a log call has an error but no message of its own. */
function errorMessageOf(mergingObject: object): string | undefined {
  if (mergingObject instanceof Error) return mergingObject.message;

  const record = mergingObject as { err?: unknown; msg?: unknown };
  if (record.msg !== undefined || typeof record.err !== 'object' || record.err === null) return undefined;
  const message = (record.err as { message?: unknown }).message;
  return typeof message === 'string' ? message : undefined;
}
