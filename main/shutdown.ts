import type { Logger } from 'pino';

/** The part of Electron's will-quit event the handler uses. */
export interface QuitEventLike {
  preventDefault(): void;
}

export interface QuitHandlerOptions {
  /** Stops what must stop before the process exits, such as the embedded service. */
  close: () => Promise<void>;
  /** Asks the app to quit again once `close` has settled, for example Electron's app.quit. */
  quit: () => void;
  logger: Logger;
  /** How long to wait for `close` before quitting anyway, in milliseconds. */
  timeoutMs?: number;
}

/**
 * Creates the will-quit listener. Electron does not wait for promises in quit listeners, so the
 * first quit is cancelled, `close` runs, and the app quits again once it settles or times out.
 */
export function createQuitHandler(options: QuitHandlerOptions): (event: QuitEventLike) => void {
  // NOTE: 5 seconds is a chosen bound for closing the HTTP listener and the database, not a measured one.
  const timeoutMs = options.timeoutMs ?? 5000;
  let state: 'running' | 'closing' | 'closed' = 'running';

  return (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';

    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        options.logger.warn({ timeoutMs }, 'Closing before quit timed out, so the app quits anyway.');
        resolve();
      }, timeoutMs);
    });
    const closed = options.close().catch((error: unknown) => {
      options.logger.error({ err: error }, 'Closing before quit failed, so the app quits anyway.');
    });

    void Promise.race([closed, timeout]).then(() => {
      clearTimeout(timer);
      state = 'closed';
      options.quit();
    });
  };
}
