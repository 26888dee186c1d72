import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { describe, expect, it } from 'vitest';

import { createTrustedOriginCheck } from '../../main/ipc/handle';
import {
  contentSecurityPolicy,
  installContentSecurityPolicy,
  installNavigationGuards,
  installPermissionGuards,
  secureWebPreferences,
  withContentSecurityPolicy,
  type NavigationEventLike,
  type ResponseHeaders,
  type WebContentsLike,
  type WebRequestLike,
} from '../../main/window';
import { createCapturingLogger } from './log-capture';

const indexPath = path.resolve('dist', 'renderer', 'index.html');
const indexUrl = pathToFileURL(indexPath).href;

/** A stand-in for Electron's WebContents that records the listeners the guards install. */
class FakeWebContents implements WebContentsLike {
  readonly listeners = new Map<string, (event: NavigationEventLike) => void>();
  windowOpenHandler: ((details: { url: string }) => { action: 'deny' }) | undefined;

  on(event: string, listener: (event: NavigationEventLike) => void): this {
    this.listeners.set(event, listener);
    return this;
  }

  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.windowOpenHandler = handler;
  }

  /** Emits will-navigate and returns whether a listener cancelled it. */
  navigate(url: string): boolean {
    let prevented = false;
    this.listeners.get('will-navigate')?.({ url, preventDefault: () => (prevented = true) });
    return prevented;
  }
}

function guardedWebContents() {
  const webContents = new FakeWebContents();
  const capture = createCapturingLogger();
  installNavigationGuards(webContents, createTrustedOriginCheck({ rendererIndexPath: indexPath }), capture.logger);
  return { webContents, capture };
}

describe('secureWebPreferences', () => {
  it('isolates and sandboxes the renderer', () => {
    const preferences = secureWebPreferences('/app/dist/preload/preload.cjs');

    expect(preferences.preload).toBe('/app/dist/preload/preload.cjs');
    expect(preferences.contextIsolation).toBe(true);
    expect(preferences.sandbox).toBe(true);
    expect(preferences.nodeIntegration).toBe(false);
    expect(preferences.nodeIntegrationInWorker).toBe(false);
    expect(preferences.nodeIntegrationInSubFrames).toBe(false);
    expect(preferences.webSecurity).toBe(true);
    expect(preferences.allowRunningInsecureContent).toBe(false);
    expect(preferences.webviewTag).toBe(false);
    expect(preferences.spellcheck).toBe(false);
  });
});

describe('navigation guards', () => {
  it('allows the app page with a route fragment', () => {
    const { webContents } = guardedWebContents();

    expect(webContents.navigate(indexUrl)).toBe(false);
    expect(webContents.navigate(`${indexUrl}#/profile`)).toBe(false);
  });

  it('blocks navigation to other pages', () => {
    const { webContents, capture } = guardedWebContents();

    expect(webContents.navigate('https://example.invalid/login')).toBe(true);
    expect(webContents.navigate(pathToFileURL(path.resolve('dist', 'renderer', 'other.html')).href)).toBe(true);
    expect(webContents.navigate('javascript:alert(1)')).toBe(true);
    expect(capture.text()).toContain('Blocked navigation away from the app page.');
  });

  it('denies new windows', () => {
    const { webContents } = guardedWebContents();

    expect(webContents.windowOpenHandler?.({ url: 'https://example.invalid/' })).toEqual({ action: 'deny' });
    expect(webContents.windowOpenHandler?.({ url: indexUrl })).toEqual({ action: 'deny' });
  });

  it('blocks webviews', () => {
    const { webContents } = guardedWebContents();
    let prevented = false;

    webContents.listeners.get('will-attach-webview')?.({ url: '', preventDefault: () => (prevented = true) });

    expect(prevented).toBe(true);
  });
});

describe('content security policy', () => {
  it('is the strict policy', () => {
    expect(contentSecurityPolicy).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    );
  });

  it('replaces a policy header in any letter case', () => {
    const headers = withContentSecurityPolicy({ 'content-security-policy': ["default-src *"], 'Content-Type': ['text/html'] });

    expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [contentSecurityPolicy] });
  });

  it('adds the header to every response', () => {
    let listener: Parameters<WebRequestLike['onHeadersReceived']>[0] | undefined;
    installContentSecurityPolicy({ onHeadersReceived: (installed) => (listener = installed) });
    let received: ResponseHeaders | undefined;

    listener?.({}, (response) => (received = response.responseHeaders));

    expect(received).toEqual({ 'Content-Security-Policy': [contentSecurityPolicy] });
  });
});

describe('permission guards', () => {
  it('denies device and notification permissions', () => {
    let requestHandler: ((webContents: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
    let checkHandler: ((webContents: unknown, permission: string) => boolean) | undefined;
    installPermissionGuards({
      setPermissionRequestHandler: (handler) => (requestHandler = handler),
      setPermissionCheckHandler: (handler) => (checkHandler = handler),
    });
    const granted: Record<string, boolean> = {};

    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-sanitized-write']) {
      requestHandler?.(null, permission, (value) => (granted[permission] = value));
    }

    expect(granted).toEqual({ media: false, geolocation: false, notifications: false, openExternal: false, 'clipboard-sanitized-write': true });
    expect(checkHandler?.(null, 'media')).toBe(false);
    expect(checkHandler?.(null, 'clipboard-sanitized-write')).toBe(true);
  });
});
