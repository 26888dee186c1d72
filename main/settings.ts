/** Settings of the desktop main process. */
export interface MainSettings {
  /** Base URL of the portal service to use. When it is missing, main starts a service in-process. */
  serviceUrl?: string;
}

/** Host names whose traffic stays on this machine, so plain http cannot expose the bearer token. */
const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Reads the settings from the environment: EID_SERVICE_URL sets `serviceUrl`. */
export function readMainSettings(env: NodeJS.ProcessEnv = process.env): MainSettings {
  const serviceUrl = env.EID_SERVICE_URL?.trim();
  if (!serviceUrl) return {};
  return { serviceUrl: normalizeServiceUrl(serviceUrl) };
}

/**
 * Checks a configured service URL and removes trailing slashes, because the API client appends
 * paths that start with one. Plain http is accepted for loopback hosts only: main sends the
 * bearer token with every call.
 */
export function normalizeServiceUrl(value: string): string {
  const parsed = URL.parse(value);
  if (parsed === null || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new Error(`EID_SERVICE_URL ${JSON.stringify(value)} is invalid: set it to the base URL of the portal service, for example https://eid.example.org.`);
  }
  if (parsed.username || parsed.password || parsed.search || parsed.hash) {
    throw new Error(`EID_SERVICE_URL ${JSON.stringify(value)} is invalid: remove the user name, password, query or fragment.`);
  }
  if (parsed.protocol === 'http:' && !loopbackHosts.has(parsed.hostname)) {
    throw new Error(`EID_SERVICE_URL ${JSON.stringify(value)} is invalid: use https, because plain http is allowed only for a service on this machine.`);
  }
  return parsed.href.replace(/\/+$/, '');
}
