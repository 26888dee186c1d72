import type { EidBridge } from '../../../common/bridge';
import { createDesktopBridge } from './desktop';
import { createHttpBridge } from './http';

/** Picks the desktop IPC bridge when the preload exposed `window.eid`, else the HTTP bridge. */
export function createBridge(): EidBridge {
  return window.eid ? createDesktopBridge(window.eid) : createHttpBridge();
}

let activeBridge: EidBridge | undefined;

/** Returns the bridge of this page, creating it on first use. */
export function useBridge(): EidBridge {
  activeBridge ??= createBridge();
  return activeBridge;
}

/** Replaces the bridge of this page, so tests can run the stores against a fake. */
export function setBridge(bridge: EidBridge): void {
  activeBridge = bridge;
}
