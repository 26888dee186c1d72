import { build } from 'esbuild';
import type { BrowserContext } from 'playwright-core';
import pino from 'pino';

import { createTrustedOriginCheck, IpcRouter } from '../../main/ipc/handle';
import { registerHandlers } from '../../main/ipc/handlers';
import { MainSession } from '../../main/session';
import { createMainLogger } from '../../main/logger';
import { createDesktopMain, type DesktopMain, type DesktopMainOptions } from './desktop-main';
import { repositoryRoot } from './processes';

/**
 * Gives the pages of a browser context the desktop bridge: `window.eid` is built by the same
 * `createDesktopApi` the preload uses, and its invoke function is a Playwright binding that
 * calls the real main-process router and handlers in this test process. Only Electron's
 * transport is replaced.
 */
export async function installDesktopBridge(context: BrowserContext, serviceUrl: string): Promise<{ session: MainSession }>;
/**
 * With `desktop` options, wires the whole desktop main process instead of one MainSession: the
 * session registry, tokens, settings, cache and file saving. `pageOrigin` is the trusted origin
 * of the pages when they are not served by the service at `serviceUrl`. `restartMain` replaces
 * main by a new one on the same data folder, as quitting and starting the app does.
 */
export async function installDesktopBridge(
  context: BrowserContext,
  serviceUrl: string,
  desktop: Omit<DesktopMainOptions, 'serviceUrl' | 'logger'> & { pageOrigin?: string },
): Promise<{ desktop: DesktopMain; restartMain: () => Promise<DesktopMain> }>;
export async function installDesktopBridge(
  context: BrowserContext,
  serviceUrl: string,
  desktop?: Omit<DesktopMainOptions, 'serviceUrl' | 'logger'> & { pageOrigin?: string },
): Promise<{ session: MainSession } | { desktop: DesktopMain; restartMain: () => Promise<DesktopMain> }> {
  const logger = createMainLogger({ level: process.env.EID_TEST_LOG_LEVEL ?? 'silent', destination: pino.destination(2) });
  const newRouter = () => new IpcRouter({ isTrustedSender: createTrustedOriginCheck({ allowedOrigins: [desktop?.pageOrigin ?? serviceUrl] }), logger });
  let router = newRouter();
  let result: { session: MainSession } | { desktop: DesktopMain; restartMain: () => Promise<DesktopMain> };
  if (desktop) {
    let current = await createDesktopMain(router, { ...desktop, serviceUrl, logger });
    // Stands in for quitting and starting the app again: a new main with empty memory on the same data folder.
    const restartMain = async () => {
      current.services.cache?.close();
      router = newRouter();
      current = await createDesktopMain(router, { ...desktop, userDataDir: current.userDataDir, serviceUrl, logger });
      return current;
    };
    result = { desktop: current, restartMain };
  } else {
    const session = new MainSession({ baseUrl: serviceUrl, logger });
    registerHandlers(router, session);
    result = { session };
  }

  await context.exposeBinding('__eidInvoke', (source, channel: unknown, payload: unknown) =>
    router.invoke({ senderFrame: { url: source.frame.url() } }, channel, payload),
  );

  const bundle = await build({
    stdin: {
      contents: `import { createDesktopApi } from './common/ipc/desktop-api';
        window.eid = createDesktopApi((channel, payload) => window.__eidInvoke(channel, payload));`,
      resolveDir: repositoryRoot,
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
  });
  await context.addInitScript({ content: bundle.outputFiles[0]!.text });
  return result;
}
