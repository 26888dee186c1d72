import type { ChangePasswordResponse, Profile, SessionInfo } from '../api/schemas';
import type { IpcChannel, IpcPayload, IpcResult, IpcResults } from './contract';

/**
 * The `window.eid` object. It imports only types from the contract, so the sandboxed preload
 * that bundles it carries no schema library.
 */

/** The function the preload gets from Electron (`ipcRenderer.invoke`) or a test gets from a binding. */
export type IpcInvoke = (channel: IpcChannel, payload: unknown) => Promise<unknown>;

/** The object the preload exposes to the renderer as `window.eid`, grouped by domain. */
export interface EidDesktopApi {
  session: {
    signIn(payload: IpcPayload<'session:sign-in'>): Promise<IpcResult<SessionInfo>>;
    signOut(): Promise<IpcResult<null>>;
  };
  profile: {
    get(): Promise<IpcResult<Profile>>;
    changePassword(payload: IpcPayload<'profile:change-password'>): Promise<IpcResult<ChangePasswordResponse>>;
  };
  api: {
    /** Calls a JSON route of the service API through main, which adds the session's token. */
    call(payload: IpcPayload<'api:call'>): Promise<IpcResult<unknown>>;
    /** Calls a binary route (a certificate, a PDF) through main. */
    download(payload: IpcPayload<'api:download'>): Promise<IpcResult<IpcResults['api:download']>>;
  };
  tokens: {
    list(): Promise<IpcResult<IpcResults['tokens:list']>>;
    changePin(payload: IpcPayload<'tokens:change-pin'>): Promise<IpcResult<null>>;
    resetPin(payload: IpcPayload<'tokens:reset-pin'>): Promise<IpcResult<null>>;
    importCertificate(payload: IpcPayload<'tokens:import-certificate'>): Promise<IpcResult<IpcResults['tokens:import-certificate']>>;
  };
  settings: {
    get(): Promise<IpcResult<IpcResults['settings:get']>>;
    update(payload: IpcPayload<'settings:update'>): Promise<IpcResult<IpcResults['settings:update']>>;
  };
  cache: {
    /** Deletes the offline cache of every certificate. */
    clear(): Promise<IpcResult<null>>;
  };
  sessions: {
    /** The certificates signed in side by side, with the offline and expiry state of the active one. */
    list(): Promise<IpcResult<IpcResults['sessions:list']>>;
    switch(payload: IpcPayload<'sessions:switch'>): Promise<IpcResult<IpcResults['sessions:switch']>>;
    signOut(payload: IpcPayload<'sessions:sign-out'>): Promise<IpcResult<IpcResults['sessions:sign-out']>>;
  };
  files: {
    /** Asks where to save with the OS save dialog and writes the bytes there. */
    save(payload: IpcPayload<'files:save'>): Promise<IpcResult<IpcResults['files:save']>>;
  };
}

/** Builds the `window.eid` object on top of an invoke function; the preload and tests share it. */
export function createDesktopApi(invoke: IpcInvoke): EidDesktopApi {
  const call = <C extends IpcChannel>(channel: C, payload?: IpcPayload<C>) =>
    invoke(channel, payload) as Promise<IpcResult<IpcResults[C]>>;

  return {
    session: {
      signIn: (payload) => call('session:sign-in', payload),
      signOut: () => call('session:sign-out'),
    },
    profile: {
      get: () => call('profile:get'),
      changePassword: (payload) => call('profile:change-password', payload),
    },
    api: {
      call: (payload) => call('api:call', payload),
      download: (payload) => call('api:download', payload),
    },
    tokens: {
      list: () => call('tokens:list'),
      changePin: (payload) => call('tokens:change-pin', payload),
      resetPin: (payload) => call('tokens:reset-pin', payload),
      importCertificate: (payload) => call('tokens:import-certificate', payload),
    },
    settings: {
      get: () => call('settings:get'),
      update: (payload) => call('settings:update', payload),
    },
    cache: {
      clear: () => call('cache:clear'),
    },
    sessions: {
      list: () => call('sessions:list'),
      switch: (payload) => call('sessions:switch', payload),
      signOut: (payload) => call('sessions:sign-out', payload),
    },
    files: {
      save: (payload) => call('files:save', payload),
    },
  };
}
