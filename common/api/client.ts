import { EidError, errorFromBody } from '../errors';
import { apiRoutes, type ApiRequest, type ApiResponse, type ApiRouteName } from './routes';

export interface ApiClientOptions {
  /** Base URL of the service, for example http://127.0.0.1:8080; empty for the page's own origin. */
  baseUrl: string;
  /** Returns the bearer token to send, if any (desktop main process); browsers rely on the cookie. */
  getToken?: () => string | undefined;
  fetch?: typeof fetch;
}

/**
 * The typed client of the service API, used by the browser portal and by the desktop main
 * process. Every failure becomes an EidError with a catalogue code; a network failure is
 * SERVICE_UNAVAILABLE.
 */
export class ApiClient {
  readonly #options: ApiClientOptions;

  constructor(options: ApiClientOptions) {
    this.#options = options;
  }

  async call<N extends ApiRouteName>(name: N, ...args: ApiRequest<N> extends undefined ? [] : [ApiRequest<N>]): Promise<ApiResponse<N>> {
    const route = apiRoutes[name];
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.#options.getToken?.();
    if (token) headers.authorization = `Bearer ${token}`;

    const init: RequestInit = { method: route.method, headers, credentials: 'same-origin' };
    if (args.length > 0) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(args[0]);
    }

    const doFetch = this.#options.fetch ?? globalThis.fetch.bind(globalThis);
    let response: Response;
    try {
      response = await doFetch(`${this.#options.baseUrl}${route.path}`, init);
    } catch (cause) {
      throw new EidError('SERVICE_UNAVAILABLE', { cause });
    }

    if (response.status === 204) return undefined as ApiResponse<N>;
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) throw errorFromBody(body);
    return body as ApiResponse<N>;
  }
}
