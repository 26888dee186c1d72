import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openServiceContext } from '../../service/context';
import { open } from '../../service/credentials/aead';
import { openDataKey, openPrivateKey, type SealedSigningKey } from '../../service/credentials/signing-key';
import { enrollDigitalId } from '../../service/enrollment/enroll';
import { createLogger } from '../../service/log/logger';
import { startService, type RunningService } from '../../service/server';
import { holderRequest, request } from '../helpers/service';
import { createDeviceKey, sha256Base64, walletSign } from '../helpers/wallet';

let dataDir: string;
let logLines = '';
const logger = () =>
  createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logLines += chunk.toString('utf8');
        callback();
      },
    }),
  });

async function start(): Promise<RunningService> {
  return startService({ dataDir, host: '127.0.0.1', port: 0, logger: logger(), portalDir: path.join(dataDir, 'no-portal') });
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'eid-storage-test-'));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function enroll(device: ReturnType<typeof createDeviceKey>) {
  const context = await openServiceContext({ dataDir, logger: logger() });
  try {
    return await enrollDigitalId(context, holderRequest(), 'test', { walletDevicePublicKey: device.publicKeyPem });
  } finally {
    await context.store.close();
  }
}

describe('counters across a restart', () => {
  it('keeps tries left after a restart', async () => {
    const device = createDeviceKey();
    const holder = await enroll(device);
    const wrongPuk = holder.puk === '11111111' ? '22222222' : '11111111';

    let service = await start();
    const first = { url: service.url };
    const session = await request(first, 'POST', '/api/v1/sessions', { body: { username: holder.username, password: holder.password, client: 'desktop' } });
    const wrongPin = await walletSign({ url: service.url }, { device, serial: holder.serial, pin: '592046', hashes: [sha256Base64('a')] });
    expect(wrongPin.body.error).toMatchObject({ code: 'WRONG_PIN', triesLeft: 2 });
    const wrongPukResponse = await request(first, 'POST', '/api/v1/security/puk', { token: session.body.token, body: { currentPuk: wrongPuk, newPuk: '50381947' } });
    expect(wrongPukResponse.body.error).toMatchObject({ code: 'WRONG_PUK', triesLeft: 9 });
    await service.close();

    service = await start();
    try {
      const again = await request({ url: service.url }, 'POST', '/api/v1/sessions', { body: { username: holder.username, password: holder.password, client: 'desktop' } });
      const state = await request({ url: service.url }, 'GET', '/api/v1/security', { token: again.body.token });
      expect(state.body.pin).toEqual({ state: 'ok', triesLeft: 2, maxTries: 3 });
      expect(state.body.puk).toEqual({ state: 'ok', triesLeft: 9, maxTries: 10 });
      expect(state.body.wallet.state).toBe('active');

      const next = await walletSign({ url: service.url }, { device, serial: holder.serial, pin: '592046', hashes: [sha256Base64('b')] });
      expect(next.body.error).toMatchObject({ code: 'WRONG_PIN', triesLeft: 1 });
      const right = await walletSign({ url: service.url }, { device, serial: holder.serial, pin: holder.pin, hashes: [sha256Base64('c')] });
      expect(right.status).toBe(200);
    } finally {
      await service.close();
    }

    // Every secret that went through the service in this test stays out of its log.
    for (const secret of [holder.pin, holder.puk, wrongPuk, '592046', '50381947', holder.password, holder.erc]) expect(logLines).not.toContain(secret);
    expect(logLines).toContain('a wrong PIN or PUK was counted');
  });
});

describe('the database alone cannot sign', () => {
  it('yields no key without PIN or PUK', async () => {
    const device = createDeviceKey();
    const holder = await enroll(device);
    const db = new Database(path.join(dataDir, 'eid.sqlite'), { readonly: true });
    const row = db
      .prepare('SELECT cr.* FROM credentials cr JOIN certificates c ON c.id = cr.certificate_id WHERE c.serial_number = ?')
      .get(holder.serial) as Record<string, Buffer>;
    db.close();
    const sealed: SealedSigningKey = {
      sealedPrivateKey: row.sealed_private_key!,
      pinSalt: row.pin_salt!,
      pinWrappedKey: row.pin_wrapped_key!,
      pukSalt: row.puk_salt!,
      pukWrappedKey: row.puk_wrapped_key!,
    };

    // The stored private key is ciphertext: it is no PKCS#8 key.
    expect(() => createPrivateKey({ key: sealed.sealedPrivateKey, format: 'der', type: 'pkcs8' })).toThrow();
    // Nothing else in the row opens it as a data key.
    for (const candidate of [sealed.pinWrappedKey, sealed.pukWrappedKey, sealed.pinSalt, sealed.pukSalt]) {
      const key = Buffer.alloc(32);
      candidate.copy(key, 0, 0, Math.min(32, candidate.length));
      expect(open(key, sealed.sealedPrivateKey, `signing-key/${holder.serial}/private-key`)).toBeNull();
    }

    const context = await openServiceContext({ dataDir, logger: logger() });
    const pepper = context.secrets.credentialPepper;
    await context.store.close();

    // With the service pepper but a wrong PIN or PUK, the data key stays wrapped.
    expect(await openDataKey(sealed, 'pin', '592046', pepper, holder.serial)).toBeNull();
    expect(await openDataKey(sealed, 'puk', '00000000', pepper, holder.serial)).toBeNull();
    // With the right PIN but without the service pepper (the database alone), it stays wrapped too.
    expect(await openDataKey(sealed, 'pin', holder.pin, Buffer.alloc(32), holder.serial)).toBeNull();
    expect(await openDataKey(sealed, 'puk', holder.puk, Buffer.alloc(32), holder.serial)).toBeNull();

    // The control: PIN plus pepper opens a key that signs for the certificate.
    const dataKey = await openDataKey(sealed, 'pin', holder.pin, pepper, holder.serial);
    expect(dataKey).not.toBeNull();
    const pkcs8 = openPrivateKey(sealed, dataKey!, holder.serial)!;
    const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
    const signature = sign('sha256', Buffer.from('control'), privateKey);
    expect(verify('sha256', Buffer.from('control'), createPublicKey(holder.certificatePem), signature)).toBe(true);

    // And the raw private scalar appears nowhere in the database file.
    const scalar = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
    const files = await Promise.all(['eid.sqlite', 'eid.sqlite-wal'].map((name) => readFile(path.join(dataDir, name)).catch(() => Buffer.alloc(0))));
    for (const file of files) {
      expect(file.includes(scalar)).toBe(false);
      expect(file.includes(pkcs8)).toBe(false);
    }
  });
});
