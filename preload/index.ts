import { contextBridge, ipcRenderer } from 'electron';

import { createDesktopApi } from '../common/ipc/desktop-api';

// The renderer gets `window.eid` and nothing else: no ipcRenderer, so it can reach only the
// contract's channels, and main validates every call again.
contextBridge.exposeInMainWorld(
  'eid',
  createDesktopApi((channel, payload) => ipcRenderer.invoke(channel, payload)),
);
