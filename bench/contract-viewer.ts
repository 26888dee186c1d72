import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Page } from 'playwright-core';
import { build } from 'vite';

import { viewerMarks } from '../renderer/src/contracts/marks';
import { openServiceContext } from '../service/context';
import { enrollDigitalId } from '../service/enrollment/enroll';
import { createLogger } from '../service/log/logger';
import { startService } from '../service/server';
import { launchChromium } from '../tests/helpers/browser';

/**
 * Time from clicking Open on a contract to its first page drawn in the viewer (download of the
 * signed PDF, pdf.js chunk and worker, parsing, canvas and text layer), in headless Chromium
 * against the service on 127.0.0.1. Cold opens use a fresh browser context each, so pdf.js is
 * fetched and compiled again; warm opens close and reopen the viewer in one page.
 */

const coldRuns = 5;
const warmRuns = 20;

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

async function timeOpen(page: Page): Promise<number> {
  await page.evaluate(() => {
    performance.clearMarks();
    performance.mark('bench:click');
    document.querySelector<HTMLButtonElement>('[data-testid^="contract-open-"]')!.click();
  });
  await page.locator('[data-testid="contract-page"][data-rendered-page="1"]').waitFor();
  return page.evaluate((firstPage) => performance.measure('bench:first-page', 'bench:click', firstPage).duration, viewerMarks.firstPage);
}

function row(name: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `| ${name} | ${samples.length} | ${percentile(sorted, 0.5).toFixed(0)} | ${percentile(sorted, 0.9).toFixed(0)} | ${sorted.at(-1)!.toFixed(0)} |`;
}

async function main(): Promise<void> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'eid-bench-viewer-'));
  const portalDir = path.join(workDir, 'portal');
  await build({ configFile: path.resolve(import.meta.dirname, '../renderer/vite.config.ts'), logLevel: 'warn', build: { outDir: portalDir, emptyOutDir: true } });

  const logger = createLogger({ level: 'silent', destination: pino.destination(2) });
  const dataDir = path.join(workDir, 'data');
  const service = await startService({ dataDir, port: 0, logger, portalDir });
  const browser = await launchChromium();

  try {
    const context = await openServiceContext({ dataDir, logger });
    const holder = await enrollDigitalId(
      context,
      { kind: 'digital-id', personalNumber: '8999999998', givenName: 'Arbëreshë Çiçek', surname: 'Čolić-Đurić', email: 'bench@example.org', phoneNumber: '+38344000002' },
      'bench',
    );
    await context.store.close();

    const cold: number[] = [];
    const warm: number[] = [];
    let page: Page | undefined;
    for (let run = 0; run < coldRuns; run += 1) {
      const browserContext = await browser.newContext();
      page = await browserContext.newPage();
      await page.goto(`${service.url}/`);
      await page.locator('#username').fill(holder.username);
      await page.locator('#password').fill(holder.password);
      await page.getByTestId('sign-in-submit').click();
      await page.getByTestId('nav-contracts').click();
      await page.getByTestId('contract-list').waitFor();
      cold.push(await timeOpen(page));
      if (run < coldRuns - 1) await browserContext.close();
    }

    for (let run = 0; run < warmRuns; run += 1) {
      await page!.getByTestId('contract-close').click();
      await page!.getByTestId('contract-viewer').waitFor({ state: 'detached' });
      warm.push(await timeOpen(page!));
    }

    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    console.log(`Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${browser.version()}`);
    console.log('');
    console.log('| contract viewer, 3-page contract | opens | p50 ms | p90 ms | max ms |');
    console.log('| --- | --- | --- | --- | --- |');
    console.log(row('click Open to first page drawn, cold (new browser context)', cold));
    console.log(row('click Open to first page drawn, warm (pdf.js already loaded)', warm));
  } finally {
    await browser.close();
    await service.close();
    await rm(workDir, { recursive: true, force: true });
  }
}

await main();
