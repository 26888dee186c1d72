import { pathToFileURL } from 'node:url';

import type { Logger } from 'pino';
import type { z } from 'zod';

import { EidError, errorCatalogue, isErrorCode, type ErrorCode, type FieldError } from '../../common/errors';
import { ipcContract, isIpcChannel, type IpcChannel, type IpcResult, type IpcResults } from '../../common/ipc/contract';
import { describeUrlForLog } from '../log-url';

/** The part of Electron's IpcMainInvokeEvent the router reads. Tests build it from a page URL. */
export interface IpcEventLike {
  senderFrame: { url: string } | null;
}

/** The payload a handler receives: the contract schema's output, so defaults are applied. */
export type IpcHandlerPayload<C extends IpcChannel> = z.output<(typeof ipcContract)[C]>;

export type IpcHandler<C extends IpcChannel> = (payload: IpcHandlerPayload<C>) => Promise<IpcResults[C]> | IpcResults[C];

export interface TrustedOriginOptions {
  /** Absolute path of the bundled renderer's index.html, whose frames are trusted. */
  rendererIndexPath?: string;
  /** Origins such as http://127.0.0.1:5173 whose pages are trusted, for tests and development servers. */
  allowedOrigins?: readonly string[];
}

/**
 * Builds the check that decides whether a sender frame URL belongs to the app's own renderer.
 * A file URL must name the bundled index.html exactly, with any query or fragment, because the
 * renderer routes by fragment. Any other URL must have one of the allowed origins.
 */
export function createTrustedOriginCheck(options: TrustedOriginOptions): (url: string) => boolean {
  const indexUrl = options.rendererIndexPath === undefined ? undefined : pathToFileURL(options.rendererIndexPath);
  const allowedOrigins = new Set((options.allowedOrigins ?? []).map(normalizeAllowedOrigin));
  if (indexUrl === undefined && allowedOrigins.size === 0) {
    throw new Error('The trusted renderer origin is missing: pass rendererIndexPath or at least one allowed origin.');
  }

  return (url: string) => {
    const parsed = URL.parse(url);
    if (parsed === null) return false;
    if (parsed.protocol === 'file:') {
      return indexUrl !== undefined && parsed.host === indexUrl.host && parsed.pathname === indexUrl.pathname;
    }
    return allowedOrigins.has(parsed.origin);
  };
}

function normalizeAllowedOrigin(origin: string): string {
  const parsed = URL.parse(origin);
  if (parsed === null || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new Error(`The allowed renderer origin ${JSON.stringify(origin)} is invalid: use an http or https origin such as http://127.0.0.1:5173.`);
  }
  return parsed.origin;
}

export interface IpcRouterOptions {
  /** Returns whether a sender frame URL belongs to the app's renderer, as createTrustedOriginCheck builds it. */
  isTrustedSender: (url: string) => boolean;
  logger: Logger;
}

type RegisteredHandler = (payload: unknown) => Promise<unknown>;

/**
 * Dispatches desktop IPC calls to handlers. Every call resolves to an IpcResult and never
 * rejects: the sender frame is checked first, then the channel and the payload against the
 * contract, and errors become catalogue codes. Unexpected errors are logged and reach the
 * renderer only as INTERNAL_ERROR, because their messages may carry details of main.
 */
export class IpcRouter {
  readonly #isTrustedSender: (url: string) => boolean;
  readonly #logger: Logger;
  readonly #handlers = new Map<IpcChannel, RegisteredHandler>();

  constructor(options: IpcRouterOptions) {
    this.#isTrustedSender = options.isTrustedSender;
    this.#logger = options.logger;
  }

  /** Registers the handler of one contract channel. A second handler for the same channel throws. */
  handle<C extends IpcChannel>(channel: C, handler: IpcHandler<C>): void {
    if (!isIpcChannel(channel)) throw new Error(`Cannot register an IPC handler: ${JSON.stringify(channel)} is not a contract channel.`);
    if (this.#handlers.has(channel)) throw new Error(`Cannot register an IPC handler: ${channel} already has one.`);
    this.#handlers.set(channel, async (payload) => handler(payload as IpcHandlerPayload<C>));
  }

  /** The channels that have a handler, for wiring them into ipcMain. */
  get channels(): IpcChannel[] {
    return [...this.#handlers.keys()];
  }

  /** Runs one call from the renderer, whose `channel` and `payload` are untrusted input. */
  async invoke(event: IpcEventLike, channel: unknown, payload: unknown): Promise<IpcResult<unknown>> {
    const senderUrl = event.senderFrame?.url;
    if (senderUrl === undefined || !this.#isTrustedSender(senderUrl)) {
      this.#logger.warn({ channel: describeChannel(channel), sender: describeUrlForLog(senderUrl) }, 'Rejected an IPC call from an untrusted sender frame.');
      return failure('FORBIDDEN_ORIGIN');
    }

    const handler = isIpcChannel(channel) ? this.#handlers.get(channel) : undefined;
    if (!isIpcChannel(channel) || handler === undefined) {
      this.#logger.warn({ channel: describeChannel(channel) }, 'Rejected an IPC call on a channel without a handler.');
      return failure('NOT_FOUND');
    }

    const parsed = ipcContract[channel].safeParse(payload);
    if (!parsed.success) {
      const fields = fieldErrorsOf(parsed.error);
      this.#logger.info({ channel, fields }, 'Rejected an IPC call with an invalid payload.');
      return failure('VALIDATION_FAILED', { fields });
    }

    try {
      return { ok: true, value: await handler(parsed.data) };
    } catch (error) {
      return this.#failureOf(channel, error);
    }
  }

  #failureOf(channel: IpcChannel, error: unknown): IpcResult<never> {
    if (error instanceof EidError) {
      const level = errorCatalogue[error.code].status >= 500 ? 'error' : 'info';
      this.#logger[level]({ channel, errorCode: error.code, err: error.cause }, 'IPC call failed.');
      return failure(error.code, { fields: error.fields, retryAfterSeconds: error.retryAfterSeconds, triesLeft: error.triesLeft });
    }

    this.#logger.error({ channel, err: error }, 'IPC handler failed with an unexpected error.');
    return failure('INTERNAL_ERROR');
  }
}

function failure(
  code: ErrorCode,
  details: { fields?: FieldError[] | undefined; retryAfterSeconds?: number | undefined; triesLeft?: number | undefined } = {},
): IpcResult<never> {
  const error: Extract<IpcResult<never>, { ok: false }>['error'] = { code };
  if (details.fields && details.fields.length > 0) error.fields = details.fields;
  if (details.retryAfterSeconds !== undefined) error.retryAfterSeconds = details.retryAfterSeconds;
  if (details.triesLeft !== undefined) error.triesLeft = details.triesLeft;
  return { ok: false, error };
}

/**
 * Turns zod issues into field errors with dotted paths. A schema that names a catalogue code in
 * its message gets that code, and each unknown key of a strict object becomes its own field.
 */
export function fieldErrorsOf(error: z.ZodError): FieldError[] {
  const fields: FieldError[] = [];
  for (const issue of error.issues) {
    const code: ErrorCode = isErrorCode(issue.message) ? issue.message : 'VALIDATION_FAILED';
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields.push({ path: formatPath([...issue.path, key]), code });
    } else {
      fields.push({ path: formatPath(issue.path), code });
    }
  }
  return fields;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((segment) => String(segment)).join('.');
}

/** Describes a channel value from the renderer for a log line without copying arbitrary input. */
function describeChannel(channel: unknown): string {
  if (typeof channel !== 'string') return `(${typeof channel})`;
  return channel.length > 64 ? `${channel.slice(0, 64)}…` : channel;
}
