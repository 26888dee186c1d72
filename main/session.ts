import type { Logger } from 'pino';
import type { z } from 'zod';

import { ApiClient, type ApiInput, type Download } from '../common/api/client';
import { apiRoutes, type ApiRoute, type ApiRouteName } from '../common/api/routes';
import type { IpcPayload } from '../common/ipc/contract';
import { parseWithCatalogue } from '../common/validation';
import {
  ChangePasswordResponseSchema,
  ProfileSchema,
  SessionInfoSchema,
  type ChangePasswordRequest,
  type ChangePasswordResponse,
  type Profile,
  type SessionInfo,
} from '../common/api/schemas';
import { EidError, type ErrorCode } from '../common/errors';

export interface MainSessionOptions {
  /** Base URL of the portal service without a trailing slash, for example http://127.0.0.1:8080. */
  baseUrl: string;
  logger: Logger;
  fetch?: typeof fetch;
}

type ApiCallPayload = IpcPayload<'api:call'>;

export interface SignInCredentials {
  username: string;
  password: string;
}

/** The codes with which the service reports that the bearer token no longer opens a session. */
const sessionEndingCodes: ReadonlySet<ErrorCode> = new Set(['UNAUTHENTICATED', 'SESSION_EXPIRED']);

/**
 * The signed-in session of the desktop app. The bearer token lives only in this object's memory:
 * it is sent to the service and never returned, so it cannot reach the renderer. Responses are
 * parsed with the API schemas, which drop unknown keys, so whatever else the service adds to a
 * response stays in main as well.
 */
export class MainSession {
  readonly #client: ApiClient;
  readonly #logger: Logger;
  #token: string | undefined;

  constructor(options: MainSessionOptions) {
    this.#logger = options.logger;
    this.#client = new ApiClient({ baseUrl: options.baseUrl, getToken: () => this.#token, fetch: options.fetch });
  }

  get isSignedIn(): boolean {
    return this.#token !== undefined;
  }

  /** Ends any previous session, then signs in with `client: 'desktop'`, which makes the service return the token in the body. */
  async signIn(credentials: SignInCredentials): Promise<SessionInfo> {
    await this.#endCurrentSession();

    const response = await this.#client.call('signIn', { username: credentials.username, password: credentials.password, client: 'desktop' });
    const session = this.#parseResponse(SessionInfoSchema, response.session);
    if (!response.token) {
      this.#logger.error('The service accepted a desktop sign-in but returned no token.');
      throw new EidError('INTERNAL_ERROR');
    }

    this.#token = response.token;
    return session;
  }

  /** Ends the session at the service and drops the token. Succeeds when no one is signed in. */
  async signOut(): Promise<null> {
    await this.#endCurrentSession();
    return null;
  }

  async getProfile(): Promise<Profile> {
    const response = await this.#callSignedIn(() => this.#client.call('getProfile'));
    return this.#parseResponse(ProfileSchema, response);
  }

  async changePassword(request: ChangePasswordRequest): Promise<ChangePasswordResponse> {
    const response = await this.#callSignedIn(() => this.#client.call('changePassword', request));
    return this.#parseResponse(ChangePasswordResponseSchema, response);
  }

  /**
   * Runs a call that needs a session. When the service reports the session as gone, the token is
   * dropped, unless a newer sign-in replaced it while the call was running.
   */
  async #callSignedIn<T>(call: () => Promise<T>): Promise<T> {
    const token = this.#token;
    if (token === undefined) throw new EidError('UNAUTHENTICATED');

    try {
      return await call();
    } catch (error) {
      if (error instanceof EidError && sessionEndingCodes.has(error.code) && this.#token === token) {
        this.#token = undefined;
      }
      throw error;
    }
  }

  /**
   * Drops the token even when the service cannot be reached, because the user asked to leave.
   * The session at the service then ends by itself when it expires.
   */
  async #endCurrentSession(): Promise<void> {
    if (this.#token === undefined) return;

    try {
      await this.#client.call('signOut');
    } catch (error) {
      const alreadyEnded = error instanceof EidError && sessionEndingCodes.has(error.code);
      if (!alreadyEnded) {
        this.#logger.warn({ err: error }, 'Signing out at the service failed, so only the local token was dropped. The service session ends when it expires.');
      }
    } finally {
      this.#token = undefined;
    }
  }

  /**
   * Calls any proxied service route for the renderer. The body, path parameters and query are
   * validated against the route's own schemas here, before anything is sent, and the response is
   * parsed with its schema, so nothing the schema does not name reaches the renderer. Routes
   * with `authenticated: false` (lost-info recovery, public files) need no session, and their
   * errors never drop the token.
   */
  async callApi(payload: ApiCallPayload): Promise<unknown> {
    const { name, input } = this.#checkedApiInput(payload);
    const route = apiRoutes[name] as ApiRoute;
    if (route.response === 'binary') throw new EidError('VALIDATION_FAILED', { fields: [{ path: 'route', code: 'VALIDATION_FAILED' }] });

    const response = route.authenticated
      ? await this.#callSignedIn(() => this.#client.callWith(name, input))
      : await this.#client.callWith(name, input);
    return route.response === null ? null : this.#parseResponse(route.response, response);
  }

  /** Calls a binary route (a certificate, a PDF) for the renderer. */
  async downloadApi(payload: ApiCallPayload): Promise<Download> {
    const { name, input } = this.#checkedApiInput(payload);
    const route = apiRoutes[name] as ApiRoute;
    if (route.response !== 'binary') throw new EidError('VALIDATION_FAILED', { fields: [{ path: 'route', code: 'VALIDATION_FAILED' }] });
    return route.authenticated ? this.#callSignedIn(() => this.#client.download(name, input)) : this.#client.download(name, input);
  }

  #checkedApiInput(payload: ApiCallPayload): { name: ApiRouteName; input: ApiInput<ApiRouteName> } {
    const name = payload.route;
    const route = apiRoutes[name] as ApiRoute;
    const input: Record<string, unknown> = {};
    if (route.body) input.body = parseWithCatalogue(route.body, payload.body ?? {});
    if (route.params) input.params = parseWithCatalogue(route.params, payload.params ?? {});
    if (route.query) input.query = parseWithCatalogue(route.query, payload.query ?? {});
    return { name, input: input as ApiInput<ApiRouteName> };
  }

  #parseResponse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const paths = parsed.error.issues.map((issue) => issue.path.map(String).join('.'));
      this.#logger.error({ paths }, 'The service response does not match the API schema.');
      throw new EidError('INTERNAL_ERROR');
    }
    return parsed.data;
  }
}
