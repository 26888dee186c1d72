import type { EidBridge } from '../../../common/bridge';
import { EidError } from '../../../common/errors';
import type { IpcResult } from '../../../common/ipc/contract';
import type { EidDesktopApi } from '../../../common/ipc/desktop-api';

/** Turns an IpcResult back into a value, or into the EidError main caught. */
function unwrap<T>(result: IpcResult<T>): T {
  if (result.ok) return result.value;

  const { code, fields, retryAfterSeconds, triesLeft } = result.error;
  throw new EidError(code, { fields, retryAfterSeconds, triesLeft });
}

/** The bridge of the desktop window: the preload's IPC, with the session token kept in main. */
export function createDesktopBridge(api: EidDesktopApi): EidBridge {
  return {
    kind: 'desktop',
    async signIn(credentials) {
      return unwrap(await api.session.signIn(credentials));
    },
    async signOut() {
      unwrap(await api.session.signOut());
    },
    async getProfile() {
      return unwrap(await api.profile.get());
    },
    async changePassword(request) {
      return unwrap(await api.profile.changePassword(request));
    },
    async call(name, input = {}) {
      // The contract's route enum leaves out sign-in and sign-out; main rejects those names.
      return unwrap(await api.api.call({ route: name as never, ...input })) as never;
    },
    async download(name, input = {}) {
      return unwrap(await api.api.download({ route: name as never, ...input }));
    },
    async saveFile(bytes, suggestedName) {
      return unwrap(await api.files.save({ base64: bytesToBase64(bytes), suggestedName })).saved;
    },
    desktop: {
      listTokens: async () => unwrap(await api.tokens.list()),
      changeTokenPin: async (payload) => void unwrap(await api.tokens.changePin(payload)),
      resetTokenPin: async (payload) => void unwrap(await api.tokens.resetPin(payload)),
      importTokenCertificate: async (payload) => unwrap(await api.tokens.importCertificate(payload)),
      getSettings: async () => unwrap(await api.settings.get()),
      updateSettings: async (update) => unwrap(await api.settings.update(update)),
      clearCache: async () => void unwrap(await api.cache.clear()),
      listSessions: async () => unwrap(await api.sessions.list()),
      switchSession: async (id) => unwrap(await api.sessions.switch({ id })),
      signOutOf: async (id) => unwrap(await api.sessions.signOut({ id })),
    },
  };
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  // Chunks keep String.fromCharCode below the engine's argument limit.
  for (let offset = 0; offset < bytes.length; offset += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + 0x8000));
  }
  return btoa(binary);
}
