import { chromium, type Browser } from 'playwright-core';

/**
 * Launches Debian's Chromium. The flags keep it from reaching out to Google's services, which
 * this machine's closed network refuses, and let it run as root in a container.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
