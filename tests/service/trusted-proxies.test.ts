import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { parseTrustedProxies } from '../../service/http/trusted-proxies';
import { run } from '../helpers/processes';
import { request, startTestService, type TestService } from '../helpers/service';

// A documentation address (RFC 5737): only written into a header, never connected to.
const clientAddress = '203.0.113.7';

let behindProxy: TestService;
let direct: TestService;

beforeAll(async () => {
  behindProxy = await startTestService({ trustedProxies: ['127.0.0.1'] });
  direct = await startTestService();
});

afterAll(async () => {
  await behindProxy?.close();
  await direct?.close();
});

/** Fails one sign-in with a forwarded client address and returns the failures counted per address. */
async function failSignIn(service: TestService, forwardedFor = clientAddress): Promise<{ client: number; connection: number }> {
  const failed = await request(service, 'POST', '/api/v1/sessions', {
    body: { username: 'no.such.holder.1234', password: 'not the password', client: 'browser' },
    headers: { 'x-forwarded-for': forwardedFor },
  });
  expect(failed.status).toBe(401);

  const context = await service.openContext();
  try {
    return {
      client: (await context.store.getThrottle(`address:${clientAddress}`))?.failures ?? 0,
      connection: (await context.store.getThrottle('address:127.0.0.1'))?.failures ?? 0,
    };
  } finally {
    await context.store.close();
  }
}

describe('client address', () => {
  it('comes from X-Forwarded-For of a listed proxy', async () => {
    expect(await failSignIn(behindProxy)).toEqual({ client: 1, connection: 0 });
  });

  it('is the proxy address when X-Forwarded-For holds no address', async () => {
    // The first test counted only the forwarded address, so this is the proxy address's first failure.
    expect((await failSignIn(behindProxy, 'not-an-address')).connection).toBe(1);
  });

  it('ignores X-Forwarded-For by default', async () => {
    expect(await failSignIn(direct)).toEqual({ client: 0, connection: 1 });
  });
});

describe('--trust-proxy', () => {
  it('accepts addresses and ranges separated by commas', () => {
    expect(parseTrustedProxies('127.0.0.1, 10.0.0.0/8,::1,fd00::/16')).toEqual(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/16']);
  });

  it.each(['', '127.0.0.1,', '*', 'true', '10.0.0.0/33', 'fd00::/129', '10.0.0.0/', '10.0.0.0/8/1', 'fe80::1%eth0', 'proxy.example'])('rejects "%s"', (value) => {
    expect(() => parseTrustedProxies(value)).toThrow(/--trust-proxy expects IP addresses or CIDR ranges/);
  });

  // Each of these lets every IPv4 client, or a large share of them, choose its own address.
  it.each(['0.0.0.0/0', '0.0.0.0/1', '10.0.0.0/7', '::/0', '::/16', 'fd00::/8', '::ffff:0:0/96', '::ffff:10.0.0.0/103', '0:0:0:0:0:ffff::/80'])(
    'rejects the wide range "%s"',
    (value) => {
      expect(() => parseTrustedProxies(value)).toThrow(`--trust-proxy: "${value}" is too wide.`);
    },
  );

  it('accepts narrow IPv6 ranges, and IPv4-mapped ones of /104 or narrower', () => {
    expect(parseTrustedProxies('2400:cb00::/32,fd00::/16,::ffff:10.0.0.0/104,::ffff:10.0.0.5')).toHaveLength(4);
  });

  it('names the environment variable a bad value came from', () => {
    expect(() => parseTrustedProxies('0.0.0.0/1', 'EID_TRUST_PROXY')).toThrow('EID_TRUST_PROXY: "0.0.0.0/1" is too wide.');
  });

  it('stops serve before it writes anything', async () => {
    const parent = await mkdtemp(path.join(os.tmpdir(), 'eid-trust-proxy-'));
    try {
      const data = path.join(parent, 'data');
      const result = await run('npx', ['--no-install', 'eid-service', 'serve', '--port', '0', '--data', data, '--trust-proxy', '0.0.0.0/1,128.0.0.0/1']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--trust-proxy: "0.0.0.0/1" is too wide.');
      expect(await readdir(parent)).toEqual([]);

      const fromEnvironment = await run('npx', ['--no-install', 'eid-service', 'serve', '--port', '0', '--data', data], { env: { ...process.env, EID_TRUST_PROXY: '::ffff:0:0/96' } });
      expect(fromEnvironment.code).toBe(2);
      expect(fromEnvironment.stderr).toContain('EID_TRUST_PROXY: "::ffff:0:0/96" is too wide.');
      expect(await readdir(parent)).toEqual([]);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});
