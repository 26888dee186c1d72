import { ipcChannels, type IpcChannel } from '../../common/ipc/contract';
import type { MainSession } from '../session';
import type { IpcHandler, IpcRouter } from './handle';

/** The session operations the handlers call, as MainSession implements them. */
export type DesktopSession = Pick<MainSession, 'signIn' | 'signOut' | 'getProfile' | 'changePassword' | 'callApi' | 'downloadApi'>;

/** One handler per contract channel: the mapped type makes a new channel fail to compile until it has one. */
type HandlerTable = { [C in IpcChannel]: IpcHandler<C> };

/** Registers a handler for every channel of the IPC contract. */
export function registerHandlers(router: IpcRouter, session: DesktopSession): void {
  const handlers: HandlerTable = {
    'session:sign-in': (payload) => session.signIn(payload),
    'session:sign-out': () => session.signOut(),
    'profile:get': () => session.getProfile(),
    'profile:change-password': (payload) => session.changePassword(payload),
    'api:call': (payload) => session.callApi(payload),
    'api:download': (payload) => session.downloadApi(payload),
  };

  for (const channel of ipcChannels) registerHandler(router, channel, handlers);
}

function registerHandler<C extends IpcChannel>(router: IpcRouter, channel: C, handlers: HandlerTable): void {
  router.handle(channel, handlers[channel]);
}
