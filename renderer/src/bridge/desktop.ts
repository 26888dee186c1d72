import type { EidBridge } from '../../../common/bridge';
import { EidError } from '../../../common/errors';
import type { IpcResult } from '../../../common/ipc/contract';
import type { EidDesktopApi } from '../../../common/ipc/desktop-api';

/** Turns an IpcResult back into a value, or into the EidError main caught. */
function unwrap<T>(result: IpcResult<T>): T {
  if (result.ok) return result.value;

  const { code, fields, retryAfterSeconds } = result.error;
  throw new EidError(code, { fields, retryAfterSeconds });
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
  };
}
