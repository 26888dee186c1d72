import { sign } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { deviceProofMessage } from '../../common/api/wallet';
import { SmsSink } from '../peers/sms-sink';
import { SmtpSink } from '../peers/smtp-sink';
import { request, startTestService, type TestService } from '../helpers/service';
import { createDeviceKey, deviceKeyIdOf, enrollWithWallet, runWallet, sha256Base64, signIn, walletSign } from '../helpers/wallet';

let sms: SmsSink;
let smtp: SmtpSink;
let service: TestService;
let workDir: string;
let clock = new Date();

beforeAll(async () => {
  sms = new SmsSink();
  smtp = new SmtpSink();
  service = await startTestService({ smsUrl: await sms.start(), smtpUrl: await smtp.start(), now: () => clock });
  workDir = await mkdtemp(path.join(os.tmpdir(), 'eid-activation-test-'));
});

afterAll(async () => {
  await service?.close();
  await sms?.stop();
  await smtp?.stop();
  await rm(workDir, { recursive: true, force: true });
});

let phoneCounter = 0;
function uniquePhone(): string {
  phoneCounter += 1;
  return `+38349${String(process.pid % 1000).padStart(3, '0')}${String(phoneCounter).padStart(3, '0')}`;
}

/** Starts an activation in the portal and returns it with the code the SMS sink received. */
async function startActivation(token: string, phone: string) {
  const response = await request(service, 'POST', '/api/v1/wallet/activations', { token });
  expect(response.status).toBe(201);
  const message = sms.latest(phone);
  expect(message).toBeDefined();
  const code = /\b(\d{6,8})\b/.exec(message!.text)?.[1];
  expect(code).toBeDefined();
  return { ...(response.body as { activationId: string; qrPayload: string; expiresAt: string; migration: boolean }), code: code! };
}

function complete(activationId: string, body: Record<string, unknown>) {
  return request(service, 'POST', `/wallet/v1/activations/${activationId}`, { body });
}

describe('wallet migration with the simulator', () => {
  it('migrates: new device signs, old rejected', async () => {
    const phone = uniquePhone();
    const oldDevice = createDeviceKey();
    const holder = await enrollWithWallet(service, oldDevice, { phoneNumber: phone, email: 'migrate@example.org' });
    const token = await signIn(service, holder);
    expect((await walletSign(service, { device: oldDevice, serial: holder.serial, pin: holder.pin, hashes: [sha256Base64('before')] })).status).toBe(200);

    const activation = await startActivation(token, phone);
    expect(activation.migration).toBe(true);
    expect(activation.activationId).toMatch(/^[0-9a-f]{36}$/);
    expect(activation.qrPayload).toBe(`eid-wallet:activate?service=${encodeURIComponent(service.url)}&activation=${activation.activationId}`);
    expect(sms.latest(phone)!.text).toMatch(/^eID: kodi për zhvendosjen e portofolit në një telefon tjetër është \d{6}\. Telefoni i vjetër do të ndalojë së punuari\./);

    const state = await request(service, 'GET', '/api/v1/wallet', { token });
    expect(state.body.pendingActivation).toEqual({ activationId: activation.activationId, expiresAt: activation.expiresAt });

    const newState = path.join(workDir, 'new-phone.json');
    expect((await runWallet(['init', '--state', newState, '--label', 'Pixel i ri'])).code).toBe(0);
    // The simulator catches typing mistakes itself, names the option, and exits with status 2.
    const typos: Array<[string[], string]> = [
      [['--activation', 'xyz', '--code', activation.code, '--phone', phone], '--activation "xyz" is not an activation ID.'],
      [['--activation', activation.activationId, '--code', '12', '--phone', phone], '--code must be the 6 to 8 digits of the SMS, with nothing else.'],
      [['--activation', activation.activationId, '--code', activation.code, '--phone', '044123456'], '--phone must be the enrollment phone number in international form'],
    ];
    for (const [options, message] of typos) {
      const typo = await runWallet(['activate', '--state', newState, '--service', service.url, ...options]);
      expect(typo.code, message).toBe(2);
      expect(typo.stderr).toContain(message);
      expect(typo.stderr).not.toContain('044123456');
    }

    const activated = await runWallet(['activate', '--state', newState, '--service', service.url, '--activation', activation.activationId, '--code', activation.code, '--phone', phone]);
    expect(activated.stderr).toBe('');
    expect(activated.code).toBe(0);
    expect(activated.stdout).toContain('the previous device no longer works');

    const input = path.join(workDir, 'after-migration.txt');
    await writeFile(input, 'signed by the new phone');
    const signed = await runWallet(['sign', '--state', newState, '--service', service.url, '--serial', holder.serial, '--pin', holder.pin, '--in', input]);
    expect(signed.code).toBe(0);

    const old = await walletSign(service, { device: oldDevice, serial: holder.serial, pin: holder.pin, hashes: [sha256Base64('after')] });
    expect(old.status).toBe(401);
    expect(old.body.error.code).toBe('INVALID_DEVICE_SIGNATURE');
    const oldKeyId = deviceKeyIdOf(oldDevice);
    const oldChallenge = await request(service, 'POST', '/wallet/v1/challenges', { body: { credentialID: holder.serial, deviceKeyId: oldKeyId } });
    expect(oldChallenge.status).toBe(403);
    expect(oldChallenge.body.error.code).toBe('WALLET_DEVICE_REPLACED');

    const wallet = await request(service, 'GET', '/api/v1/wallet', { token });
    expect(wallet.body).toMatchObject({ state: 'active', device: { label: 'Pixel i ri' }, pendingActivation: null, phoneNumberMasked: `${phone.slice(0, 4)}*****${phone.slice(-2)}` });
    expect((await smtp.waitFor('migrate@example.org')).subject).toBe('Portofoli i certifikatës suaj u zhvendos në një pajisje tjetër');

    const again = await complete(activation.activationId, { code: activation.code, phoneNumber: phone, devicePublicKey: createDeviceKey().publicKeyPem });
    expect(again.body.error.code).toBe('ACTIVATION_EXPIRED');
  });

  it('cancels challenges of the old device', async () => {
    const phone = uniquePhone();
    const oldDevice = createDeviceKey();
    const holder = await enrollWithWallet(service, oldDevice, { phoneNumber: phone });
    const token = await signIn(service, holder);
    const challenge = (await request(service, 'POST', '/wallet/v1/challenges', { body: { credentialID: holder.serial } })).body;

    const activation = await startActivation(token, phone);
    expect((await complete(activation.activationId, { code: activation.code, phoneNumber: phone, devicePublicKey: createDeviceKey().publicKeyPem })).status).toBe(200);

    const hashes = [sha256Base64('late')];
    const proof = deviceProofMessage({ credentialID: holder.serial, challengeId: challenge.challengeId, challenge: challenge.challenge, hashes });
    const response = await request(service, 'POST', '/wallet/v1/signatures', {
      body: { credentialID: holder.serial, hashes, pin: holder.pin, challengeId: challenge.challengeId, deviceSignature: sign('sha256', Buffer.from(proof), { key: oldDevice.privateKey, dsaEncoding: 'der' }).toString('base64') },
    });
    expect(response.body.error.code).toBe('CHALLENGE_INVALID');
  });

  it('connects a first wallet to a certificate without one', async () => {
    const phone = uniquePhone();
    const holder = await enrollWithWallet(service, null, { phoneNumber: phone, email: 'connect@example.org' });
    const token = await signIn(service, holder);
    expect((await request(service, 'GET', '/api/v1/wallet', { token })).body.state).toBe('none');

    const activation = await startActivation(token, phone);
    expect(activation.migration).toBe(false);
    expect(sms.latest(phone)!.text).toMatch(/^eID: kodi për lidhjen e portofolit është \d{6}\. Vlen 10 minuta\./);
    const device = createDeviceKey();
    const done = await complete(activation.activationId, { code: activation.code, phoneNumber: phone, devicePublicKey: device.publicKeyPem });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ credentialID: holder.serial, replacedDevice: false });
    expect((await walletSign(service, { device, serial: holder.serial, pin: holder.pin, hashes: [sha256Base64('first')] })).status).toBe(200);
    expect((await smtp.waitFor('connect@example.org')).subject).toBe('Një portofol u lidh me certifikatën tuaj');
  });
});

describe('activation input', () => {
  async function pending() {
    const phone = uniquePhone();
    const oldDevice = createDeviceKey();
    const holder = await enrollWithWallet(service, oldDevice, { phoneNumber: phone });
    const token = await signIn(service, holder);
    return { phone, oldDevice, holder, token, activation: await startActivation(token, phone) };
  }

  async function stillOldDevice(setup: Awaited<ReturnType<typeof pending>>): Promise<void> {
    const response = await walletSign(service, { device: setup.oldDevice, serial: setup.holder.serial, pin: setup.holder.pin, hashes: [sha256Base64('still')] });
    expect(response.status).toBe(200);
  }

  it('rejects a phone number other than the enrollment number', async () => {
    const setup = await pending();
    const wrongPhone = setup.phone.replace(/\d$/, (digit) => String((Number(digit) + 1) % 10));
    const response = await complete(setup.activation.activationId, { code: setup.activation.code, phoneNumber: wrongPhone, devicePublicKey: createDeviceKey().publicKeyPem });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'PHONE_NUMBER_MISMATCH', triesLeft: 4 });
    await stillOldDevice(setup);
  });

  it('rejects a wrong code, counts it, and closes the activation after 5', async () => {
    const setup = await pending();
    const wrongCode = setup.activation.code === '000000' ? '111111' : '000000';
    const codes: Array<[string, number | undefined]> = [];
    for (let index = 0; index < 5; index += 1) {
      const response = await complete(setup.activation.activationId, { code: wrongCode, phoneNumber: setup.phone, devicePublicKey: createDeviceKey().publicKeyPem });
      codes.push([response.body.error.code, response.body.error.triesLeft]);
    }
    expect(codes).toEqual([
      ['WRONG_ACTIVATION_CODE', 4],
      ['WRONG_ACTIVATION_CODE', 3],
      ['WRONG_ACTIVATION_CODE', 2],
      ['WRONG_ACTIVATION_CODE', 1],
      ['ACTIVATION_TRIES_EXHAUSTED', 0],
    ]);
    const right = await complete(setup.activation.activationId, { code: setup.activation.code, phoneNumber: setup.phone, devicePublicKey: createDeviceKey().publicKeyPem });
    expect(right.body.error.code).toBe('ACTIVATION_TRIES_EXHAUSTED');
    await stillOldDevice(setup);
  });

  it('rejects an expired code', async () => {
    const setup = await pending();
    clock = new Date(clock.getTime() + 10 * 60 * 1000 + 1000);
    try {
      const response = await complete(setup.activation.activationId, { code: setup.activation.code, phoneNumber: setup.phone, devicePublicKey: createDeviceKey().publicKeyPem });
      expect(response.status).toBe(410);
      expect(response.body.error.code).toBe('ACTIVATION_EXPIRED');
    } finally {
      clock = new Date();
    }
    await stillOldDevice(setup);
  });

  it('rejects the code of an activation replaced by a newer one', async () => {
    const setup = await pending();
    await startActivation(setup.token, setup.phone);
    const response = await complete(setup.activation.activationId, { code: setup.activation.code, phoneNumber: setup.phone, devicePublicKey: createDeviceKey().publicKeyPem });
    expect(response.body.error.code).toBe('ACTIVATION_EXPIRED');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a key that is not P-256', { devicePublicKey: 'MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=' }, 'INVALID_DEVICE_KEY'],
    ['a key that is not a key', { devicePublicKey: 'not a key' }, 'INVALID_DEVICE_KEY'],
    ['a code of 5 digits', { code: '12345' }, 'VALIDATION_FAILED'],
    ['a code with letters', { code: '12345a' }, 'VALIDATION_FAILED'],
    ['a phone number without +', { phoneNumber: '38344123456' }, 'INVALID_PHONE_NUMBER'],
    ['a missing device key', { devicePublicKey: undefined }, 'VALIDATION_FAILED'],
  ])('rejects %s without taking a try', async (_label, change, code) => {
    const setup = await pending();
    const response = await complete(setup.activation.activationId, { code: setup.activation.code, phoneNumber: setup.phone, devicePublicKey: createDeviceKey().publicKeyPem, ...change });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe(code);
    // The right input still works afterwards, with all 5 tries.
    const wrongCode = setup.activation.code === '000000' ? '111111' : '000000';
    const counted = await complete(setup.activation.activationId, { code: wrongCode, phoneNumber: setup.phone, devicePublicKey: createDeviceKey().publicKeyPem });
    expect(counted.body.error.triesLeft).toBe(4);
  });

  it('rejects an unknown activation and a revoked certificate', async () => {
    const unknown = await complete('AAAAAAAAAAAAAAAAAAAAAAAA', { code: '123456', phoneNumber: '+38344123456', devicePublicKey: createDeviceKey().publicKeyPem });
    expect(unknown.status).toBe(404);

    const setup = await pending();
    const context = await service.openContext();
    try {
      context.store.database.prepare(`UPDATE certificates SET status = 'revoked' WHERE serial_number = ?`).run(setup.holder.serial);
    } finally {
      await context.store.close();
    }
    const revoked = await complete(setup.activation.activationId, { code: setup.activation.code, phoneNumber: setup.phone, devicePublicKey: createDeviceKey().publicKeyPem });
    expect(revoked.body.error.code).toBe('CERTIFICATE_REVOKED');
    const start = await request(service, 'POST', '/api/v1/wallet/activations', { token: setup.token });
    expect(start.body.error.code).toBe('CERTIFICATE_REVOKED');
  });

  it('requires a session to start an activation', async () => {
    const response = await request(service, 'POST', '/api/v1/wallet/activations');
    expect(response.status).toBe(401);
  });
});
