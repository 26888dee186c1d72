import type { Logger } from 'pino';

import type { Download } from '../../common/api/client';
import { apiRoutes, type ApiRoute } from '../../common/api/routes';
import { ProfileSchema, type ChangePasswordRequest, type ChangePasswordResponse, type Profile, type SessionInfo } from '../../common/api/schemas';
import { EidError } from '../../common/errors';
import type { IpcPayload } from '../../common/ipc/contract';
import type { SessionsView, SignedInCertificate } from '../../common/ipc/desktop-types';
import { cacheInputKey, type CacheStore } from '../cache/cache-store';
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
}

/**
 * The certificates signed in side by side, each with its own MainSession and so its own bearer
 * token, which stays in main. Calls without an id go to the active certificate. GET routes are
 * cached per certificate: when the service cannot be reached, their last responses are returned
 * and the certificate is marked offline, so the app shows saved data read-only. Calls that
 * change something fail with SERVICE_UNAVAILABLE then.
 */
export class SessionRegistry {
  readonly #options: SessionRegistryOptions;
  readonly #logger: Logger;
  readonly #entries = new Map<string, Entry>();
  #activeId: string | null = null;

  constructor(options: SessionRegistryOptions) {
    this.#options = options;
    this.#logger = options.logger;
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
      if (existing && !existing.session.isSignedIn) this.#remove(id);
      throw error;
    }

    this.#entries.set(id, { session, username: info.username, displayName: info.displayName, certificateKind: info.certificateKind, profile: existing?.profile, offlineSince: undefined });
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
    if (!this.#entries.get(id)?.session.isSignedIn) throw new EidError('NOT_FOUND');
    this.#activeId = id;
    return this.list();
  }

  list(): SessionsView {
    for (const [id, entry] of this.#entries) if (!entry.session.isSignedIn) this.#remove(id);

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
    const entry = this.#active();
    return this.#online(entry, () => entry.session.changePassword(request));
  }

  async callApi(payload: ApiCallPayload): Promise<unknown> {
    const entry = this.#active();
    const route = apiRoutes[payload.route] as ApiRoute;
    if (route.method !== 'GET') return this.#online(entry, () => entry.session.callApi(payload));

    const key = cacheInputKey({ params: payload.params, query: payload.query });
    try {
      const value = await entry.session.callApi(payload);
      this.#markOnline(entry);
      if (payload.route === 'getProfile') entry.profile = ProfileSchema.parse(value);
      if (this.#keepsData()) this.#options.cache!.saveJson(entry.username, payload.route, key, value);
      return value;
    } catch (error) {
      const cached = this.#cachedWhenUnavailable(entry, error, () => this.#options.cache!.readJson(entry.username, payload.route, key));
      if (payload.route === 'getProfile') entry.profile = ProfileSchema.parse(cached);
      return cached;
    }
  }

  async downloadApi(payload: ApiCallPayload): Promise<Download> {
    const entry = this.#active();
    const route = apiRoutes[payload.route] as ApiRoute;
    if (route.method !== 'GET') return this.#online(entry, () => entry.session.downloadApi(payload));

    const key = cacheInputKey({ params: payload.params, query: payload.query });
    try {
      const download = await entry.session.downloadApi(payload);
      this.#markOnline(entry);
      if (this.#keepsData()) this.#options.cache!.saveDownload(entry.username, payload.route, key, download);
      return download;
    } catch (error) {
      return this.#cachedWhenUnavailable(entry, error, () => this.#options.cache!.readDownload(entry.username, payload.route, key));
    }
  }

  /** Runs a call that changes data at the service. It cannot be served from the cache, so offline it fails with OFFLINE_READ_ONLY. */
  async #online<T>(entry: Entry, call: () => Promise<T>): Promise<T> {
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

  #remove(id: string): void {
    this.#entries.delete(id);
    if (this.#activeId === id) this.#activeId = this.#entries.keys().next().value ?? null;
  }

  #keepsData(): boolean {
    return this.#options.cache !== undefined && (this.#options.keepData?.() ?? true);
  }
}
