import { ipcChannels, type IpcChannel } from '../../common/ipc/contract';
import type { CacheStore } from '../cache/cache-store';
import type { MainSession } from '../session';
import type { SessionRegistry } from '../sessions/session-registry';
import type { SettingsStore } from '../settings/settings-store';
import type { TokenService } from '../tokens/token-service';
import type { IpcHandler, IpcRouter } from './handle';

/** The session operations the handlers call, as MainSession and SessionRegistry implement them. */
export type DesktopSession = Pick<MainSession, 'signIn' | 'signOut' | 'getProfile' | 'changePassword' | 'callApi' | 'downloadApi'>;

/** Writes bytes where the user picks in the OS save dialog; returns false when the user cancels. The Electron entry implements it. */
export type SaveFileDialog = (bytes: Uint8Array, suggestedName: string) => Promise<boolean>;

/** The services behind the desktop-only channels. */
export interface DesktopServices {
  sessions: SessionRegistry;
  tokens: TokenService;
  settings: SettingsStore;
  cache?: CacheStore;
  saveFile: SaveFileDialog;
}

const coreChannels = ['session:sign-in', 'session:sign-out', 'profile:get', 'profile:change-password', 'api:call', 'api:download'] as const;
type CoreChannel = (typeof coreChannels)[number];
type DesktopChannel = Exclude<IpcChannel, CoreChannel>;

/** One handler per channel: the mapped types make a new channel fail to compile until it has one. */
type CoreHandlerTable = { [C in CoreChannel]: IpcHandler<C> };
type DesktopHandlerTable = { [C in DesktopChannel]: IpcHandler<C> };

/**
 * Registers the handlers of the session, profile and API channels, and, when `services` is
 * given, of the desktop-only channels (tokens, settings, cache, several sessions, files).
 */
export function registerHandlers(router: IpcRouter, session: DesktopSession, services?: DesktopServices): void {
  const core: CoreHandlerTable = {
    'session:sign-in': (payload) => session.signIn(payload),
    'session:sign-out': () => session.signOut(),
    'profile:get': () => session.getProfile(),
    'profile:change-password': (payload) => session.changePassword(payload),
    'api:call': (payload) => session.callApi(payload),
    'api:download': (payload) => session.downloadApi(payload),
  };
  for (const channel of coreChannels) registerHandler(router, channel, core);
  if (!services) return;

  const desktop = desktopHandlers(services);
  for (const channel of ipcChannels) {
    if (!(coreChannels as readonly string[]).includes(channel)) registerHandler(router, channel as DesktopChannel, desktop);
  }
}

function desktopHandlers(services: DesktopServices): DesktopHandlerTable {
  const { sessions, tokens, settings, cache } = services;
  return {
    'tokens:list': () => tokens.listModules(settings.settings.pkcs11Modules),
    'tokens:change-pin': (payload) => tokens.changePin(payload),
    'tokens:reset-pin': (payload) => tokens.resetPin(payload),
    'tokens:import-certificate': (payload) => tokens.importCertificate(payload),
    'settings:get': () => settings.read(),
    'settings:update': (payload) => {
      const view = settings.update(payload);
      if (payload.cachePolicy === 'none') {
        cache?.clear();
        sessions.dropCachedOnly();
      }
      return view;
    },
    'cache:clear': () => {
      cache?.clear();
      sessions.dropCachedOnly();
      return null;
    },
    'sessions:list': async () => {
      // The renderer polls this channel every few seconds, so a service that is back ends the read-only view without a click.
      await sessions.reconnect();
      const view = sessions.list();
      // The corrupt-cache notice is shown once.
      if (view.cacheRecreated) cache?.takeRecreatedNotice();
      return view;
    },
    'sessions:switch': (payload) => sessions.switchTo(payload.id),
    'sessions:sign-out': async (payload) => {
      await sessions.signOutOf(payload.id);
      return sessions.list();
    },
    'files:save': async (payload) => ({ saved: await services.saveFile(Buffer.from(payload.base64, 'base64'), payload.suggestedName) }),
  };
}

function registerHandler<T extends Partial<Record<IpcChannel, unknown>>, C extends IpcChannel & keyof T>(router: IpcRouter, channel: C, handlers: T): void {
  router.handle(channel, handlers[channel] as IpcHandler<C>);
}
