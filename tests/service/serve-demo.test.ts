import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { repositoryRoot } from '../helpers/processes';
import { request } from '../helpers/service';

let parent: string;

beforeAll(async () => {
  parent = await mkdtemp(path.join(os.tmpdir(), 'eid-serve-demo-'));
});

afterAll(async () => {
  await rm(parent, { recursive: true, force: true });
});

describe('eid-service serve --demo', () => {
  it('prints a demo holder who can sign in, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['bin/eid-service.js', 'serve', '--demo', '--data', path.join(parent, 'data'), '--port', '0'], {
      cwd: repositoryRoot,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      let stdout = '';
      const portalLine = /eID Self-Service portal: (http:\/\/127\.0\.0\.1:\d+)\//;
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString('utf8');
          if (portalLine.test(stdout)) resolve();
        });
        child.on('exit', (code) => reject(new Error(`serve exited with ${code} before it listened:\n${stdout}`)));
      });

      const url = portalLine.exec(stdout)![1]!;
      const username = /User name : (\S+)/.exec(stdout)?.[1];
      const password = /Password {2}: (\S+)/.exec(stdout)?.[1];
      expect(stdout).toContain("The demo holder's personal number is 1176001727, email demo.holder@example.org, phone +38344123456.");

      const signedIn = await request({ url }, 'POST', '/api/v1/sessions', { body: { username, password, client: 'desktop' } });
      expect(signedIn.status).toBe(201);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
