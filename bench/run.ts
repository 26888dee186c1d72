import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';

import { openServiceContext } from '../service/context';
import { enrollDigitalId } from '../service/enrollment/enroll';
import { createLogger } from '../service/log/logger';
import { startService } from '../service/server';
import { runLoad, type LoadResult } from './load';

/**
 * Benchmarks of the portal service on 127.0.0.1, printed as a Markdown table for
 * docs/benchmarks.md. Each figure is one run on the machine named in the output.
 */

function row(name: string, result: LoadResult): string {
  return `| ${name} | ${result.requests} | ${result.perSecond.toFixed(1)} | ${result.p50Ms.toFixed(2)} | ${result.p99Ms.toFixed(2)} |`;
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'eid-bench-'));
  const logger = createLogger({ level: 'silent', destination: pino.destination(2) });
  const service = await startService({ dataDir, port: 0, logger });

  try {
    const context = await openServiceContext({ dataDir, logger });
    let serial = 0;
    const enrollOne = async () => {
      serial += 1;
      await enrollDigitalId(
        context,
        {
          kind: 'digital-id',
          personalNumber: String(9_000_000_000 + serial),
          givenName: 'Arbër',
          surname: 'Çelaj',
          email: 'bench@example.org',
          phoneNumber: '+38344000000',
        },
        'bench',
      );
    };
    const enrollment = await runLoad(20, 2, enrollOne);
    const holder = await enrollDigitalId(
      context,
      { kind: 'digital-id', personalNumber: '8999999999', givenName: 'Bench', surname: 'Holder', email: 'bench@example.org', phoneNumber: '+38344000001' },
      'bench',
    );
    await context.store.close();

    const signInBody = JSON.stringify({ username: holder.username, password: holder.password, client: 'desktop' });
    let token = '';
    const signIn = await runLoad(40, 4, async () => {
      const response = await fetch(`${service.url}/api/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: signInBody });
      if (response.status !== 201) throw new Error(`sign-in failed with HTTP status ${response.status}`);
      token = ((await response.json()) as { token: string }).token;
    });

    const profile = await runLoad(2000, 16, async () => {
      const response = await fetch(`${service.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
      if (response.status !== 200) throw new Error(`the profile request failed with HTTP status ${response.status}`);
      await response.arrayBuffer();
    });

    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    console.log(`Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
    console.log('');
    console.log('| operation | requests | per second | p50 ms | p99 ms |');
    console.log('| --- | --- | --- | --- | --- |');
    console.log(row('enrollment (key, certificate, 3× argon2id, one transaction), 2 at a time', enrollment));
    console.log(row('sign-in over HTTP (argon2id verify), 4 at a time', signIn));
    console.log(row('GET /api/v1/me over HTTP (session check, certificate decode), 16 at a time', profile));
  } finally {
    await service.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
