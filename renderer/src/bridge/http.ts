import { ApiClient } from '../../../common/api/client';
import type { EidBridge } from '../../../common/bridge';

/** Downloads bytes under a file name, exactly as given, through a Blob URL and the browser's download. */
function downloadBytes(bytes: Uint8Array, fileName: string, contentType = 'application/octet-stream'): void {
  const url = URL.createObjectURL(new Blob([bytes.slice()], { type: contentType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started once click() returns. Revoking the URL a minute later keeps slow browsers safe.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

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
