import { EidError, errorFromBody } from '../errors';
import { apiRoutes, type ApiParams, type ApiQuery, type ApiRequest, type ApiResponse, type ApiRouteName } from './routes';

export interface ApiInput<N extends ApiRouteName> {
  body?: ApiRequest<N>;
  params?: ApiParams<N>;
  query?: ApiQuery<N>;
}

export interface Download {
  bytes: Uint8Array;
  contentType: string;
  /** The UTF-8 file name from `filename*`, else the ASCII `filename`, else null. */
  fileName: string | null;
}

/** Fills `:name` segments from `params` and appends `query`, both URL-encoded. */
export function buildPath(path: string, params: unknown, query: unknown): string {
  const values = (params ?? {}) as Record<string, string | number>;
  const filled = path.replace(/:([A-Za-z]+)/g, (_match, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`The path parameter ${key} of ${path} is missing.`);
    return encodeURIComponent(String(value));
  });

  const entries = Object.entries((query ?? {}) as Record<string, unknown>).filter(([, value]) => value !== undefined);
  if (entries.length === 0) return filled;
  return `${filled}?${new URLSearchParams(entries.map(([key, value]) => [key, String(value)])).toString()}`;
}

export function fileNameFromDisposition(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (extended) return decodeURIComponent(extended[1]!);
  const plain = /filename="([^"]+)"/i.exec(header);
  return plain ? plain[1]! : null;
}

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

  /** Calls a JSON route whose only input is its body (or nothing). */
  async call<N extends ApiRouteName>(name: N, ...args: ApiRequest<N> extends undefined ? [] : [ApiRequest<N>]): Promise<ApiResponse<N>> {
    return this.callWith(name, { body: args[0] } as ApiInput<N>);
  }

  /** Calls a JSON route with path parameters, query and body. */
  async callWith<N extends ApiRouteName>(name: N, input: ApiInput<N>): Promise<ApiResponse<N>> {
    const response = await this.#send(name, input);
    if (response.status === 204) return undefined as ApiResponse<N>;
    return (await response.json().catch(() => null)) as ApiResponse<N>;
  }

  /** Calls a binary route and returns its bytes, content type and the file name the service suggests. */
  async download<N extends ApiRouteName>(name: N, input: ApiInput<N>): Promise<Download> {
    const response = await this.#send(name, input);
    return {
      bytes: new Uint8Array(await response.arrayBuffer()),
      contentType: response.headers.get('content-type') ?? 'application/octet-stream',
      fileName: fileNameFromDisposition(response.headers.get('content-disposition')),
    };
  }

  async #send<N extends ApiRouteName>(name: N, input: ApiInput<N>): Promise<Response> {
    const route = apiRoutes[name];
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.#options.getToken?.();
    if (token) headers.authorization = `Bearer ${token}`;

    const init: RequestInit = { method: route.method, headers, credentials: 'same-origin' };
    if (input.body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(input.body);
    }

    const doFetch = this.#options.fetch ?? globalThis.fetch.bind(globalThis);
    let response: Response;
    try {
      response = await doFetch(`${this.#options.baseUrl}${buildPath(route.path, input.params, input.query)}`, init);
    } catch (cause) {
      throw new EidError('SERVICE_UNAVAILABLE', { cause });
    }

    if (!response.ok) throw errorFromBody(await response.json().catch(() => null));
    return response;
  }
}
