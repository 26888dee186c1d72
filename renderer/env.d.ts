/// <reference types="vite/client" />

declare module '*.vue' {
  import type { DefineComponent } from 'vue';

  const component: DefineComponent<object, object, unknown>;
  export default component;
}

interface Window {
  /** Set by the desktop preload; absent in the browser portal. */
  eid?: import('../common/ipc/desktop-api').EidDesktopApi;
}
