import { createPublicKey, sign, verify } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { deviceProofMessage } from '../../common/api/wallet';
import { run } from '../helpers/processes';
import { holderRequest, request, startTestService, type TestService } from '../helpers/service';
import { createDeviceKey, deviceKeyIdOf, enrollWithWallet, runService, runWallet, sha256Base64, signIn, walletSign } from '../helpers/wallet';

let service: TestService;
let workDir: string;
let clock = new Date();

beforeAll(async () => {
  service = await startTestService({ now: () => clock });
  workDir = await mkdtemp(path.join(os.tmpdir(), 'eid-wallet-test-'));
});

afterAll(async () => {
  await service?.close();
  await rm(workDir, { recursive: true, force: true });
});

/** Creates a simulator state, enrolls through `eid-service enroll --wallet-device-key`, and returns both. */
async function enrollWithSimulator(name: string) {
  const state = path.join(workDir, `${name}.json`);
  const init = await runWallet(['init', '--state', state]);
  expect(init.code).toBe(0);
  const keyFile = path.join(workDir, `${name}.pem`);
  await writeFile(keyFile, init.stdout);

  const request = holderRequest();
  const enroll = await runService([
    'enroll', '--data', service.dataDir, '--json', '--wallet-device-key', keyFile,
    '--personal-number', request.personalNumber, '--given-name', request.givenName, '--surname', request.surname,
    '--email', request.email, '--phone', request.phoneNumber,
  ]);
  expect(enroll.stderr).toBe('');
  expect(enroll.code).toBe(0);
  const holder = JSON.parse(enroll.stdout) as { username: string; password: string; pin: string; puk: string; serial: string; certificatePem: string };

  const certificateFile = path.join(workDir, `${name}.crt`);
  await writeFile(certificateFile, holder.certificatePem);
  const publicKey = await run('openssl', ['x509', '-in', certificateFile, '-pubkey', '-noout']);
  const publicKeyFile = path.join(workDir, `${name}.pub.pem`);
  await writeFile(publicKeyFile, publicKey.stdout);
  return { state, holder, publicKeyFile };
}

async function signWithSimulator(state: string, serial: string, pin: string, name: string) {
  const input = path.join(workDir, `${name}.txt`);
  await writeFile(input, `Kontratë për nënshkrim — ${name}\n`);
  const output = `${input}.sig`;
  const result = await runWallet(['sign', '--state', state, '--service', service.url, '--serial', serial, '--pin', pin, '--in', input, '--out', output]);
  return { result, input, output };
}

async function opensslVerifies(publicKeyFile: string, input: string, signature: string): Promise<boolean> {
  const result = await run('openssl', ['dgst', '-sha256', '-verify', publicKeyFile, '-signature', signature, input]);
  return result.code === 0 && result.stdout.includes('Verified OK');
}

describe('wallet signatures with the simulator', () => {
  it('signs a file so that openssl and node:crypto verify it against the certificate', async () => {
    const { state, holder, publicKeyFile } = await enrollWithSimulator('first');
    const { result, input, output } = await signWithSimulator(state, holder.serial, holder.pin, 'first');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    expect(await opensslVerifies(publicKeyFile, input, output)).toBe(true);
    const certificateKey = createPublicKey(holder.certificatePem);
    expect(verify('sha256', await readFile(input), { key: certificateKey, dsaEncoding: 'der' }, await readFile(output))).toBe(true);

    // A control: the same signature does not verify for other data.
    await writeFile(`${input}.other`, 'other data');
    expect(await opensslVerifies(publicKeyFile, `${input}.other`, output)).toBe(false);
  });

  it('reads the PIN from stdin', async () => {
    const { state, holder, publicKeyFile } = await enrollWithSimulator('stdin');
    const input = path.join(workDir, 'stdin.txt');
    await writeFile(input, 'Kontratë me PIN nga stdin\n');
    const common = ['sign', '--state', state, '--service', service.url, '--serial', holder.serial, '--in', input, '--out', `${input}.sig`];

    const signed = await runWallet([...common, '--pin-stdin'], `${holder.pin}\n`);
    expect(signed.stderr).toBe('');
    expect(signed.code).toBe(0);
    expect(await opensslVerifies(publicKeyFile, input, `${input}.sig`)).toBe(true);

    const wrong = await runWallet([...common, '--pin-stdin'], '592046\n');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('WRONG_PIN');

    const empty = await runWallet([...common, '--pin-stdin'], '');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--pin-stdin read no PIN');

    const neither = await runWallet(common);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('--pin PIN or --pin-stdin is required.');

    const both = await runWallet([...common, '--pin-stdin', '--pin', holder.pin], `${holder.pin}\n`);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('not both');
  });

  it('accepts only the new PIN after a change', async () => {
    const { state, holder, publicKeyFile } = await enrollWithSimulator('changed');
    const token = await signIn(service, holder);
    const change = await request(service, 'POST', '/api/v1/security/pin', { token, body: { currentPin: holder.pin, newPin: '730518' } });
    expect(change.status).toBe(200);

    const fresh = await signWithSimulator(state, holder.serial, '730518', 'changed-new');
    expect(fresh.result.code).toBe(0);
    expect(await opensslVerifies(publicKeyFile, fresh.input, fresh.output)).toBe(true);

    const old = await signWithSimulator(state, holder.serial, holder.pin, 'changed-old');
    expect(old.result.code).toBe(1);
    expect(old.result.stderr).toContain('WRONG_PIN');
    expect(old.result.stderr).toContain('2 tries left');
  });

  it('locks after 3 wrong PINs until unlocked', async () => {
    const { state, holder, publicKeyFile } = await enrollWithSimulator('locked');
    const outputs: string[] = [];
    for (let index = 0; index < 3; index += 1) outputs.push((await signWithSimulator(state, holder.serial, '592046', `locked-${index}`)).result.stderr);
    expect(outputs[0]).toContain('WRONG_PIN');
    expect(outputs[2]).toContain('PIN_LOCKED');

    const right = await signWithSimulator(state, holder.serial, holder.pin, 'locked-right');
    expect(right.result.code).toBe(1);
    expect(right.result.stderr).toContain('PIN_LOCKED');

    const token = await signIn(service, holder);
    const unlock = await request(service, 'POST', '/api/v1/security/pin/unlock', { token, body: { puk: holder.puk, newPin: '730518' } });
    expect(unlock.status).toBe(200);
    const after = await signWithSimulator(state, holder.serial, '730518', 'locked-after');
    expect(after.result.code).toBe(0);
    expect(await opensslVerifies(publicKeyFile, after.input, after.output)).toBe(true);
  });

  it('refuses a revoked certificate', async () => {
    const { state, holder } = await enrollWithSimulator('revoked');
    const context = await service.openContext();
    try {
      context.store.database.prepare(`UPDATE certificates SET status = 'revoked' WHERE serial_number = ?`).run(holder.serial);
    } finally {
      await context.store.close();
    }
    const signed = await signWithSimulator(state, holder.serial, holder.pin, 'revoked');
    expect(signed.result.code).toBe(1);
    expect(signed.result.stderr).toContain('CERTIFICATE_REVOKED');
  });

  it('reports wrong usage with exit status 2', async () => {
    const missing = await runWallet(['sign', '--state', path.join(workDir, 'none.json')]);
    expect(missing.code).toBe(2);
    const unknown = await runWallet(['fly']);
    expect(unknown.code).toBe(2);
  });
});

describe('signature endpoint', () => {
  it('returns one DER signature per hash', async () => {
    const device = createDeviceKey();
    const holder = await enrollWithWallet(service, device);
    const documents = ['one', 'two', 'three'].map((text) => Buffer.from(`document ${text}`));
    const response = await walletSign(service, { device, serial: holder.serial, pin: holder.pin, hashes: documents.map((document) => sha256Base64(document)) });
    expect(response.status).toBe(200);
    expect(response.body.signAlgo).toBe('1.2.840.10045.4.3.2');
    const key = createPublicKey(holder.certificatePem);
    response.body.signatures.forEach((signature: string, index: number) => {
      expect(verify('sha256', documents[index]!, { key, dsaEncoding: 'der' }, Buffer.from(signature, 'base64'))).toBe(true);
    });
  });

  it('rejects a proof from another device key without counting a PIN try', async () => {
    const device = createDeviceKey();
    const holder = await enrollWithWallet(service, device);
    const response = await walletSign(service, { device: createDeviceKey(), serial: holder.serial, pin: '592046', hashes: [sha256Base64('x')] });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('INVALID_DEVICE_SIGNATURE');
    const token = await signIn(service, holder);
    expect((await request(service, 'GET', '/api/v1/security', { token })).body.pin.triesLeft).toBe(3);
  });

  it('binds the proof to the hashes', async () => {
    const device = createDeviceKey();
    const holder = await enrollWithWallet(service, device);
    const response = await walletSign(service, { device, serial: holder.serial, pin: holder.pin, hashes: [sha256Base64('sent')], proofHashes: [sha256Base64('approved')] });
    expect(response.body.error.code).toBe('INVALID_DEVICE_SIGNATURE');
  });

  it('accepts a challenge once and not after it expires', async () => {
    const device = createDeviceKey();
    const holder = await enrollWithWallet(service, device);
    const hashes = [sha256Base64('once')];
    const send = async (challenge: { challengeId: string; challenge: string }) => {
      const proof = deviceProofMessage({ credentialID: holder.serial, challengeId: challenge.challengeId, challenge: challenge.challenge, hashes });
      const deviceSignature = sign('sha256', Buffer.from(proof), { key: device.privateKey, dsaEncoding: 'der' }).toString('base64');
      return request(service, 'POST', '/wallet/v1/signatures', { body: { credentialID: holder.serial, hashes, pin: holder.pin, challengeId: challenge.challengeId, deviceSignature } });
    };

    const first = (await request(service, 'POST', '/wallet/v1/challenges', { body: { credentialID: holder.serial, deviceKeyId: deviceKeyIdOf(device) } })).body;
    expect((await send(first)).status).toBe(200);
    const replay = await send(first);
    expect(replay.status).toBe(400);
    expect(replay.body.error.code).toBe('CHALLENGE_INVALID');

    const second = (await request(service, 'POST', '/wallet/v1/challenges', { body: { credentialID: holder.serial } })).body;
    clock = new Date(clock.getTime() + 3 * 60 * 1000);
    try {
      expect((await send(second)).body.error.code).toBe('CHALLENGE_INVALID');
    } finally {
      clock = new Date();
    }
  });

  it('refuses a certificate without a wallet and an unknown serial', async () => {
    const holder = await enrollWithWallet(service, null);
    const none = await request(service, 'POST', '/wallet/v1/challenges', { body: { credentialID: holder.serial } });
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe('WALLET_NOT_CONNECTED');
    const unknown = await request(service, 'POST', '/wallet/v1/challenges', { body: { credentialID: 'abcdef0123' } });
    expect(unknown.status).toBe(404);
  });

  it.each<[string, Record<string, unknown>]>([
    ['no hashes', { hashes: [] }],
    ['a hash that is not 32 bytes', { hashes: [Buffer.alloc(20).toString('base64')] }],
    ['a PIN with letters', { pin: '12345a' }],
    ['a missing PIN', { pin: undefined }],
    ['another hash algorithm', { hashAlgorithmOID: '1.3.14.3.2.26' }],
  ])('rejects %s without counting a try', async (_label, change) => {
    const device = createDeviceKey();
    const holder = await enrollWithWallet(service, device);
    const challenge = (await request(service, 'POST', '/wallet/v1/challenges', { body: { credentialID: holder.serial } })).body;
    const response = await request(service, 'POST', '/wallet/v1/signatures', {
      body: { credentialID: holder.serial, hashes: [sha256Base64('x')], pin: '592046', challengeId: challenge.challengeId, deviceSignature: 'AAAA', ...change },
    });
    expect(response.status).toBe(400);
    expect(['VALIDATION_FAILED', 'INVALID_PIN']).toContain(response.body.error.code);
    const token = await signIn(service, holder);
    expect((await request(service, 'GET', '/api/v1/security', { token })).body.pin.triesLeft).toBe(3);
  });

  it('gives 20 concurrent wrong-PIN signature requests exactly 3 tries', async () => {
    const device = createDeviceKey();
    const holder = await enrollWithWallet(service, device);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) => walletSign(service, { device, serial: holder.serial, pin: String(600_100 + index * 13), hashes: [sha256Base64(`c${index}`)] })),
    );
    const codes = responses.map((response) => response.body.error?.code as string);
    expect(codes.filter((code) => code === 'WRONG_PIN')).toHaveLength(2);
    expect(codes.filter((code) => code === 'PIN_LOCKED')).toHaveLength(18);

    const locked = await walletSign(service, { device, serial: holder.serial, pin: holder.pin, hashes: [sha256Base64('after')] });
    expect(locked.body.error.code).toBe('PIN_LOCKED');
  });
});
