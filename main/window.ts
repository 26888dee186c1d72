import type { Logger } from 'pino';

import { contentSecurityPolicy } from '../common/content-security-policy';
import { describeUrlForLog } from './log-url';

/**
 * Returns the web preferences of every app window. Electron's defaults already match most of
 * these values, and they are spelled out so that a changed default cannot weaken the renderer.
 */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  } as const;
}

export { contentSecurityPolicy };

/** The part of Electron's will-navigate event the guard uses. */
export interface NavigationEventLike {
  url: string;
  preventDefault(): void;
}

/** The part of Electron's WebContents the navigation guards use. */
export interface WebContentsLike {
  on(event: 'will-navigate', listener: (event: NavigationEventLike) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/**
 * Keeps a window on the app's own page: navigation to any other URL is cancelled, and new
 * windows and webviews are denied. `isAppPage` is the same check that guards IPC senders.
 * In-page navigation by the renderer's hash router does not emit will-navigate.
 */
export function installNavigationGuards(webContents: WebContentsLike, isAppPage: (url: string) => boolean, logger: Logger): void {
  webContents.on('will-navigate', (event) => {
    if (isAppPage(event.url)) return;
    event.preventDefault();
    logger.warn({ target: describeUrlForLog(event.url) }, 'Blocked navigation away from the app page.');
  });

  webContents.setWindowOpenHandler((details) => {
    logger.warn({ target: describeUrlForLog(details.url) }, 'Blocked a request to open a new window.');
    return { action: 'deny' };
  });

  webContents.on('will-attach-webview', (event) => {
    event.preventDefault();
    logger.warn('Blocked a webview.');
  });
}

/** Response headers as Electron's webRequest passes them. */
export type ResponseHeaders = Record<string, string[]>;

/** The part of Electron's session.webRequest that installContentSecurityPolicy uses. */
export interface WebRequestLike {
  onHeadersReceived(
    listener: (details: { responseHeaders?: ResponseHeaders }, callback: (response: { responseHeaders?: ResponseHeaders }) => void) => void,
  ): void;
}

/** Adds the Content-Security-Policy header to every response the session receives. */
export function installContentSecurityPolicy(webRequest: WebRequestLike): void {
  // NOTE: Electron's webRequest may not see pages loaded from file:// URLs, so the renderer's
  // index.html should carry the same policy in a meta tag as well.
  webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) });
  });
}

/** Returns the headers with any Content-Security-Policy header, in any letter case, replaced by the app's. */
export function withContentSecurityPolicy(headers: ResponseHeaders = {}): ResponseHeaders {
  const result: ResponseHeaders = {};
  for (const [name, values] of Object.entries(headers)) {
    if (name.toLowerCase() !== 'content-security-policy') result[name] = values;
  }
  result['Content-Security-Policy'] = [contentSecurityPolicy];
  return result;
}

/** Permissions the renderer may use: writing to the clipboard, for copy buttons. */
const allowedPermissions: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/** The part of Electron's Session that installPermissionGuards uses. */
export interface PermissionSessionLike {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
}

/** Denies every permission request and check (camera, location, notifications and so on) except the allowed ones. */
export function installPermissionGuards(session: PermissionSessionLike): void {
  session.setPermissionRequestHandler((_webContents, permission, callback) => {
    callback(allowedPermissions.has(permission));
  });
  session.setPermissionCheckHandler((_webContents, permission) => allowedPermissions.has(permission));
}
