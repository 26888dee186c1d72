import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import type { Logger } from 'pino';

import { CacheStore, cacheFilePath } from '../../main/cache/cache-store';
import { registerHandlers, type DesktopServices } from '../../main/ipc/handlers';
import type { IpcRouter } from '../../main/ipc/handle';
import { ExpiryReminders, MemoryReminderLog, type DesktopNotifier } from '../../main/reminders/expiry-reminders';
import { SessionRegistry } from '../../main/sessions/session-registry';
import { openSettingsBackend } from '../../main/settings/open-settings';
import { SettingsStore } from '../../main/settings/settings-store';
import { TokenService } from '../../main/tokens/token-service';

export interface DesktopMainOptions {
  serviceUrl: string;
  logger: Logger;
  /** The app's data folder; a new temporary folder when missing. */
  userDataDir?: string;
  defaultModules?: string[];
  now?: () => Date;
  /** Receives the OS notifications; they are recorded in `notifications` as well. */
  notifier?: DesktopNotifier;
  /** The fetch that the sessions use to reach the service, so a test can cut the connection. */
  fetch?: typeof fetch;
}

export interface DesktopMain {
  services: DesktopServices;
  userDataDir: string;
  notifications: { title: string; body: string }[];
  /** Files written through `files:save`, as the save dialog stand-in records them. */
  savedFiles: { name: string; bytes: Uint8Array }[];
}

/**
 * Builds the desktop main process as the Electron entry does, from the same classes, with the
 * Electron-only parts (the OS save dialog and notifications) replaced by recorders.
 */
export async function createDesktopMain(router: IpcRouter, options: DesktopMainOptions): Promise<DesktopMain> {
  const userDataDir = options.userDataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'eid-desktop-')));
  const settings = new SettingsStore({ backend: openSettingsBackend(userDataDir).backend, defaultModules: options.defaultModules ?? [] });
  const cache = new CacheStore({ filePath: cacheFilePath(userDataDir), logger: options.logger, now: options.now });
  const keepData = () => settings.settings.cachePolicy === 'keep';
  const notifications: { title: string; body: string }[] = [];
  const memoryLog = new MemoryReminderLog();
  const reminders = new ExpiryReminders({
    notifier: options.notifier ?? { notify: (notification) => notifications.push(notification) },
    log: () => (keepData() ? cache : memoryLog),
    language: () => settings.settings.language,
    logger: options.logger,
    now: options.now,
  });
  const sessions = new SessionRegistry({ baseUrl: options.serviceUrl, logger: options.logger, fetch: options.fetch, cache, keepData, reminders });
  const savedFiles: { name: string; bytes: Uint8Array }[] = [];
  const services: DesktopServices = {
    sessions,
    tokens: new TokenService({ logger: options.logger }),
    settings,
    cache,
    saveFile: async (bytes, name) => {
      savedFiles.push({ name, bytes });
      return true;
    },
  };
  registerHandlers(router, sessions, services);
  return { services, userDataDir, notifications, savedFiles };
}
