import type { Logger } from 'pino';

import { ApiClient, type Download } from '../../common/api/client';
import { apiRoutes, type ApiRoute } from '../../common/api/routes';
import { ProfileSchema, type ChangePasswordRequest, type ChangePasswordResponse, type Profile, type SessionInfo } from '../../common/api/schemas';
import { certificateKinds } from '../../common/domain';
import { EidError } from '../../common/errors';
import type { IpcPayload } from '../../common/ipc/contract';
import type { SessionsView, SignedInCertificate } from '../../common/ipc/desktop-types';
import { cacheInputKey, type CachedResponse, type CacheStore } from '../cache/cache-store';
import type { ExpiryReminders } from '../reminders/expiry-reminders';
import { MainSession, type SignInCredentials } from '../session';

type ApiCallPayload = IpcPayload<'api:call'>;

export interface SessionRegistryOptions {
  baseUrl: string;
  logger: Logger;
  fetch?: typeof fetch;
  /** The offline cache; when missing, or when `keepData` returns false, nothing is cached. */
  cache?: CacheStore;
  /** Whether the "keep no data on this computer" setting is off. */
  keepData?: () => boolean;
  reminders?: ExpiryReminders;
}

interface Entry {
  session: MainSession;
  username: string;
  displayName: string;
  certificateKind: SessionInfo['certificateKind'];
  /** The last profile seen, from the service or the cache, for the expiry reminder. */
  profile: Profile | undefined;
  /** The time of the cached data shown, while the service cannot be reached. */
  offlineSince: { lastSyncedAt: string | null } | undefined;
  /**
   * True for a certificate opened from the cache after a restart while the service could not be
   * reached. It has no token, because tokens are never cached, so it stays read-only until the
   * user signs in again.
   */
  cachedOnly: boolean;
}

/**
 * How long the reachability probe waits for the service. A host that drops packets would
 * otherwise hold the read-only view until the OS gives up on the connection.
 */
const probeTimeoutMs = 5000;

/** The cached route that a certificate needs to be opened read-only after a restart. */
const restoreRoute = 'getProfile';

/**
 * The certificates signed in side by side, each with its own MainSession and so its own bearer
 * token, which stays in main. Calls without an id go to the active certificate. GET routes are
 * cached per certificate: when the service cannot be reached, their last responses are returned
 * and the certificate is marked offline, so the app shows saved data read-only. Calls that
 * change something fail with OFFLINE_READ_ONLY then. A registry without sessions (a restarted
 * app) that cannot reach the service opens the cached certificates read-only without a token.
 */
export class SessionRegistry {
  readonly #options: SessionRegistryOptions;
  readonly #logger: Logger;
  readonly #entries = new Map<string, Entry>();
  readonly #probeClient: ApiClient;
  /** Calls routes that need no session (lost info, emergency revocation) with no token at all. */
  readonly #anonymous: MainSession;
  #activeId: string | null = null;
  #restoring: Promise<void> | undefined;

  constructor(options: SessionRegistryOptions) {
    this.#options = options;
    this.#logger = options.logger;
    const fetchOnce = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#anonymous = new MainSession({ baseUrl: options.baseUrl, logger: options.logger, fetch: options.fetch });
    this.#probeClient = new ApiClient({ baseUrl: options.baseUrl, fetch: (input, init) => fetchOnce(input, { ...init, signal: AbortSignal.timeout(probeTimeoutMs) }) });
  }

  get activeId(): string | null {
    return this.#activeId;
  }

  /**
   * Signs in a certificate and makes it the active one. Signing in again with a certificate that
   * is already signed in replaces its session; the other certificates stay signed in.
   */
  async signIn(credentials: SignInCredentials): Promise<SessionInfo> {
    const id = credentials.username;
    const existing = this.#entries.get(id);
    const session = existing?.session ?? new MainSession({ baseUrl: this.#options.baseUrl, logger: this.#logger, fetch: this.#options.fetch });

    let info: SessionInfo;
    try {
      info = await session.signIn(credentials);
    } catch (error) {
      if (existing && !existing.session.isSignedIn && !existing.cachedOnly) this.#remove(id);
      throw error;
    }

    // The service accepted a sign-in, so the certificates opened from the cache need a sign-in of their own.
    this.dropCachedOnly();
    this.#entries.set(id, {
      session,
      username: info.username,
      displayName: info.displayName,
      certificateKind: info.certificateKind,
      profile: existing?.profile,
      offlineSince: undefined,
      cachedOnly: false,
    });
    this.#activeId = id;
    if (this.#keepsData()) this.#options.cache!.rememberCertificate({ username: info.username, displayName: info.displayName, certificateKind: info.certificateKind });
    return info;
  }

  /** Signs out of the active certificate; another signed-in certificate becomes active. */
  async signOut(): Promise<null> {
    if (this.#activeId === null) return null;
    return this.signOutOf(this.#activeId);
  }

  /** Signs out of one certificate while the others stay signed in. */
  async signOutOf(id: string): Promise<null> {
    const entry = this.#entries.get(id);
    if (!entry) throw new EidError('NOT_FOUND');
    await entry.session.signOut();
    this.#remove(id);
    return null;
  }

  switchTo(id: string): SessionsView {
    const entry = this.#entries.get(id);
    if (!entry || !(entry.session.isSignedIn || entry.cachedOnly)) throw new EidError('NOT_FOUND');
    this.#activeId = id;
    return this.list();
  }

  list(): SessionsView {
    for (const [id, entry] of this.#entries) if (!entry.session.isSignedIn && !entry.cachedOnly) this.#remove(id);

    const sessions: SignedInCertificate[] = [...this.#entries.entries()].map(([id, entry]) => ({
      id,
      username: entry.username,
      displayName: entry.displayName,
      certificateKind: entry.certificateKind,
      active: id === this.#activeId,
      offline: entry.offlineSince !== undefined,
    }));
    const active = this.#activeId === null ? undefined : this.#entries.get(this.#activeId);
    const certificate = active?.profile?.certificate;
    const expiry = certificate && this.#options.reminders ? this.#options.reminders.check(certificate) : null;
    return {
      sessions,
      activeId: this.#activeId,
      offline: active?.offlineSince ?? null,
      cacheRecreated: this.#options.cache?.recreatedPending ?? false,
      expiry,
    };
  }

  async getProfile(): Promise<Profile> {
    return this.callApi({ route: 'getProfile' }) as Promise<Profile>;
  }

  async changePassword(request: ChangePasswordRequest): Promise<ChangePasswordResponse> {
    const entry = await this.#activeOrRestored();
    return this.#online(entry, () => entry.session.changePassword(request));
  }

  async callApi(payload: ApiCallPayload): Promise<unknown> {
    const route = apiRoutes[payload.route] as ApiRoute;
    if (payload.route === 'getCurrentSession') {
      // The route needs no session, but its result describes one, so main sends the active certificate's token.
      const active = this.#activeId === null ? undefined : this.#entries.get(this.#activeId);
      return active?.session.isSignedIn ? active.session.callApi(payload) : this.#anonymous.callApi(payload);
    }
    if (!route.authenticated) return this.#anonymous.callApi(payload);

    const entry = await this.#activeOrRestored();
    if (route.method !== 'GET') return this.#online(entry, () => entry.session.callApi(payload));

    const key = cacheInputKey({ params: payload.params, query: payload.query });
    const value = await this.#cachedGet(entry, () => entry.session.callApi(payload), {
      save: (fetched) => this.#options.cache!.saveJson(entry.username, payload.route, key, fetched),
      read: () => this.#options.cache!.readJson(entry.username, payload.route, key),
    });
    if (payload.route === 'getProfile') entry.profile = ProfileSchema.parse(value);
    return value;
  }

  async downloadApi(payload: ApiCallPayload): Promise<Download> {
    const route = apiRoutes[payload.route] as ApiRoute;
    if (!route.authenticated) return this.#anonymous.downloadApi(payload);

    const entry = await this.#activeOrRestored();
    if (route.method !== 'GET') return this.#online(entry, () => entry.session.downloadApi(payload));

    const key = cacheInputKey({ params: payload.params, query: payload.query });
    return this.#cachedGet(entry, () => entry.session.downloadApi(payload), {
      save: (download) => this.#options.cache!.saveDownload(entry.username, payload.route, key, download),
      read: () => this.#options.cache!.readDownload(entry.username, payload.route, key),
    });
  }

  /**
   * Closes the certificates opened from the cache once the service can be reached again, so the
   * renderer finds none left and shows the sign-in screen. Does nothing while there are none.
   */
  async reconnect(): Promise<void> {
    if (![...this.#entries.values()].some((entry) => entry.cachedOnly)) return;
    if (await this.#serviceReachable()) this.dropCachedOnly();
  }

  /** Closes the certificates opened from the cache, for example after their cached data was deleted. */
  dropCachedOnly(): void {
    for (const [id, entry] of this.#entries) if (entry.cachedOnly) this.#remove(id);
  }

  /** Calls a GET route, saves its response in the cache, and returns the cached response when the service cannot be reached. */
  async #cachedGet<T>(entry: Entry, call: () => Promise<T>, cache: { save: (value: T) => void; read: () => CachedResponse<T> | undefined }): Promise<T> {
    if (entry.cachedOnly) {
      await this.#throwIfServiceBack();
      return this.#cachedWhenUnavailable(entry, new EidError('SERVICE_UNAVAILABLE'), cache.read);
    }

    try {
      const value = await call();
      this.#markOnline(entry);
      if (this.#keepsData()) cache.save(value);
      return value;
    } catch (error) {
      return this.#cachedWhenUnavailable(entry, error, cache.read);
    }
  }

  /** Runs a call that changes data at the service. It cannot be served from the cache, so offline it fails with OFFLINE_READ_ONLY. */
  async #online<T>(entry: Entry, call: () => Promise<T>): Promise<T> {
    if (entry.cachedOnly) {
      await this.#throwIfServiceBack();
      throw new EidError('OFFLINE_READ_ONLY');
    }

    try {
      const result = await call();
      this.#markOnline(entry);
      return result;
    } catch (error) {
      if (error instanceof EidError && error.code === 'SERVICE_UNAVAILABLE' && entry.offlineSince) throw new EidError('OFFLINE_READ_ONLY', { cause: error });
      throw error;
    }
  }

  #cachedWhenUnavailable<T>(entry: Entry, error: unknown, read: () => { value: T } | undefined): T {
    const unavailable = error instanceof EidError && error.code === 'SERVICE_UNAVAILABLE';
    const cached = unavailable && this.#keepsData() ? read() : undefined;
    if (!cached) throw error;
    entry.offlineSince = { lastSyncedAt: this.#options.cache!.lastSyncedAt(entry.username) };
    this.#logger.info({ username: entry.username }, 'The service cannot be reached, so a cached response was returned.');
    return cached.value;
  }

  #markOnline(entry: Entry): void {
    entry.offlineSince = undefined;
  }

  #active(): Entry {
    const entry = this.#activeId === null ? undefined : this.#entries.get(this.#activeId);
    if (!entry) throw new EidError('UNAUTHENTICATED');
    return entry;
  }

  /**
   * Returns the active certificate. Without any, as after a restart, it opens the cached
   * certificates read-only when the service cannot be reached. It throws UNAUTHENTICATED when the
   * service can be reached (the user signs in as usual), and SERVICE_UNAVAILABLE when it cannot
   * and nothing is cached.
   */
  async #activeOrRestored(): Promise<Entry> {
    if (this.#activeId !== null || this.#entries.size > 0) return this.#active();
    // Concurrent first calls share one probe and one restore.
    this.#restoring ??= this.#restoreFromCache().finally(() => {
      this.#restoring = undefined;
    });
    await this.#restoring;
    return this.#active();
  }

  async #restoreFromCache(): Promise<void> {
    if (await this.#serviceReachable()) throw new EidError('UNAUTHENTICATED');
    if (this.#entries.size > 0) return;

    const cached = this.#keepsData() ? this.#options.cache!.cachedCertificates(restoreRoute) : [];
    const known = cached.filter((certificate) => (certificateKinds as readonly string[]).includes(certificate.certificateKind));
    if (known.length === 0) throw new EidError('SERVICE_UNAVAILABLE');

    for (const certificate of known) {
      this.#entries.set(certificate.username, {
        session: new MainSession({ baseUrl: this.#options.baseUrl, logger: this.#logger, fetch: this.#options.fetch }),
        username: certificate.username,
        displayName: certificate.displayName,
        certificateKind: certificate.certificateKind as SessionInfo['certificateKind'],
        profile: undefined,
        offlineSince: { lastSyncedAt: certificate.lastSyncedAt },
        cachedOnly: true,
      });
    }
    this.#activeId = known[0]!.username;
    this.#logger.info({ certificates: known.length }, 'The service cannot be reached, so the cached certificates were opened read-only.');
  }

  /** Throws UNAUTHENTICATED, after closing the certificates opened from the cache, when the service can be reached again. */
  async #throwIfServiceBack(): Promise<void> {
    if (!(await this.#serviceReachable())) return;
    this.dropCachedOnly();
    throw new EidError('UNAUTHENTICATED');
  }

  /** Calls the service's health route. Only a failure to connect counts as unreachable, because ApiClient maps only that to SERVICE_UNAVAILABLE. */
  async #serviceReachable(): Promise<boolean> {
    try {
      await this.#probeClient.call('health');
      return true;
    } catch (error) {
      return !(error instanceof EidError && error.code === 'SERVICE_UNAVAILABLE');
    }
  }

  #remove(id: string): void {
    this.#entries.delete(id);
    if (this.#activeId === id) this.#activeId = this.#entries.keys().next().value ?? null;
  }

  #keepsData(): boolean {
    return this.#options.cache !== undefined && (this.#options.keepData?.() ?? true);
  }
}
