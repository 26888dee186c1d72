import path from 'node:path';

import { app, BrowserWindow, dialog, ipcMain, session } from 'electron';

import { connectService, type ServiceConnection } from './embedded-service';
import { createTrustedOriginCheck, IpcRouter } from './ipc/handle';
import { registerHandlers } from './ipc/handlers';
import { createMainLogger } from './logger';
import { MainSession } from './session';
import { readMainSettings } from './settings';
import { createQuitHandler } from './shutdown';
import { installContentSecurityPolicy, installNavigationGuards, installPermissionGuards, secureWebPreferences } from './window';

// Electron entry point: wires the plain-Node modules of main/ to Electron and contains no logic of its own.

const logger = createMainLogger();
const rendererIndexPath = path.join(app.getAppPath(), 'dist', 'renderer', 'index.html');
const preloadPath = path.join(app.getAppPath(), 'dist', 'preload', 'preload.cjs');
const isAppPage = createTrustedOriginCheck({ rendererIndexPath });

let mainWindow: BrowserWindow | undefined;
let service: ServiceConnection | undefined;

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
  app.on('will-quit', createQuitHandler({ close: async () => service?.close(), quit: () => app.quit(), logger }));

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
  service = await connectService({
    settings: readMainSettings(),
    userDataDir: app.getPath('userData'),
    portalDir: path.dirname(rendererIndexPath),
    logger,
  });

  const router = new IpcRouter({ isTrustedSender: isAppPage, logger });
  registerHandlers(router, new MainSession({ baseUrl: service.url, logger }));
  for (const channel of router.channels) {
    ipcMain.handle(channel, (event, payload: unknown) => router.invoke(event, channel, payload));
  }

  installContentSecurityPolicy(session.defaultSession.webRequest);
  installPermissionGuards(session.defaultSession);
  mainWindow = createMainWindow();
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
