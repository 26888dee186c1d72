import { ApiClient } from '../../../common/api/client';
import type { EidBridge } from '../../../common/bridge';

import { downloadBytes } from '../download';

/**
 * Creates the bridge of the browser portal: the typed HTTP client against the page's own origin.
 * The session is an httpOnly cookie, so this code never handles a token.
 */
export function createHttpBridge(client = new ApiClient({ baseUrl: '' })): EidBridge {
  return {
    kind: 'browser',
    async signIn(credentials) {
      const response = await client.call('signIn', { ...credentials, client: 'browser' });
      return response.session;
    },
    async signOut() {
      await client.call('signOut');
    },
    getProfile() {
      return client.call('getProfile');
    },
    changePassword(request) {
      return client.call('changePassword', request);
    },
    call(name, input = {}) {
      return client.callWith(name, input);
    },
    download(name, input = {}) {
      return client.download(name, input);
    },
    async saveFile(bytes, suggestedName, contentType) {
      downloadBytes(bytes, suggestedName, contentType);
      return true;
    },
  };
}
