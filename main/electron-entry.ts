import { writeFile } from 'node:fs/promises';
import path from 'node:path';

import { app, BrowserWindow, dialog, ipcMain, Notification, session } from 'electron';

import { CacheStore, cacheFilePath } from './cache/cache-store';
import { connectService, type ServiceConnection } from './embedded-service';
import { createTrustedOriginCheck, IpcRouter } from './ipc/handle';
import { registerHandlers } from './ipc/handlers';
import { createMainLogger } from './logger';
import { ExpiryReminders, MemoryReminderLog } from './reminders/expiry-reminders';
import { SessionRegistry } from './sessions/session-registry';
import { readMainSettings } from './settings';
import { openSettingsBackend } from './settings/open-settings';
import { SettingsStore } from './settings/settings-store';
import { createQuitHandler } from './shutdown';
import { TokenService } from './tokens/token-service';
import { installContentSecurityPolicy, installNavigationGuards, installPermissionGuards, secureWebPreferences } from './window';

// Electron entry point: wires the plain-Node modules of main/ to Electron and contains no logic of its own.

const logger = createMainLogger();
const rendererIndexPath = path.join(app.getAppPath(), 'dist', 'renderer', 'index.html');
const preloadPath = path.join(app.getAppPath(), 'dist', 'preload', 'preload.cjs');
const isAppPage = createTrustedOriginCheck({ rendererIndexPath });

let mainWindow: BrowserWindow | undefined;
let service: ServiceConnection | undefined;
let cache: CacheStore | undefined;

app.enableSandbox();

if (app.requestSingleInstanceLock()) {
  app.on('second-instance', focusMainWindow);
  app.on('web-contents-created', (_event, contents) => installNavigationGuards(contents, isAppPage, logger));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (app.isReady() && service && !mainWindow) mainWindow = createMainWindow();
  });
  app.on('will-quit', createQuitHandler({ close: async () => {
    cache?.close();
    await service?.close();
  }, quit: () => app.quit(), logger }));

  app.whenReady().then(startApp).catch((error: unknown) => {
    logger.fatal({ err: error }, 'Starting the desktop app failed.');
    dialog.showErrorBox('eID Self-Service', 'The app could not start. The log contains the details.');
    app.exit(1);
  });
} else {
  // Another instance owns the window and the session, and it receives 'second-instance' instead.
  app.quit();
}

async function startApp(): Promise<void> {
  // The settings live in the app's data folder, read with conf directly, so the same code runs
  // under Node in the tests and no electron-store dependency is needed.
  const userDataDir = app.getPath('userData');
  const openedSettings = openSettingsBackend(userDataDir);
  if (openedSettings.setAsidePath) logger.warn({ path: openedSettings.setAsidePath }, 'The settings file was not valid JSON, so it was set aside and the defaults apply.');
  const settings = new SettingsStore({ backend: openedSettings.backend });

  // EID_SERVICE_URL wins over the stored setting, so tests and administrators can point the app elsewhere.
  const environment = readMainSettings();
  const serviceUrl = environment.serviceUrl ?? settings.settings.serviceUrl ?? undefined;
  service = await connectService({
    settings: serviceUrl === undefined ? {} : { serviceUrl },
    userDataDir,
    portalDir: path.dirname(rendererIndexPath),
    logger,
  });

  cache = new CacheStore({ filePath: cacheFilePath(userDataDir), logger });
  const keepData = () => settings.settings.cachePolicy === 'keep';
  const memoryLog = new MemoryReminderLog();
  const reminders = new ExpiryReminders({
    notifier: { notify: ({ title, body }) => new Notification({ title, body }).show() },
    log: () => (keepData() && cache ? cache : memoryLog),
    language: () => settings.settings.language,
    logger,
  });
  const sessions = new SessionRegistry({ baseUrl: service.url, logger, cache, keepData, reminders });

  const router = new IpcRouter({ isTrustedSender: isAppPage, logger });
  registerHandlers(router, sessions, { sessions, tokens: new TokenService({ logger }), settings, cache, saveFile: saveWithDialog });
  for (const channel of router.channels) {
    ipcMain.handle(channel, (event, payload: unknown) => router.invoke(event, channel, payload));
  }

  installContentSecurityPolicy(session.defaultSession.webRequest);
  installPermissionGuards(session.defaultSession);
  mainWindow = createMainWindow();
}

/** Asks where to save with the OS save dialog and writes the file there. */
async function saveWithDialog(bytes: Uint8Array, suggestedName: string): Promise<boolean> {
  const options = { defaultPath: path.join(app.getPath('downloads'), suggestedName) };
  const result = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
  if (result.canceled || !result.filePath) return false;
  await writeFile(result.filePath, bytes);
  logger.info('Saved a file the user asked for.');
  return true;
}

function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1100,
    height: 780,
    show: false,
    title: 'eID Self-Service',
    webPreferences: secureWebPreferences(preloadPath),
  });
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    mainWindow = undefined;
  });
  window.loadFile(rendererIndexPath).catch((error: unknown) => {
    logger.error({ err: error, path: rendererIndexPath }, 'Loading the renderer failed.');
  });
  return window;
}

function focusMainWindow(): void {
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}
