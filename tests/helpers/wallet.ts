import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

import type { EnrollmentRequest, EnrollmentResult } from '../../common/api/schemas';
import { deviceProofMessage } from '../../common/api/wallet';
import { enrollDigitalId } from '../../service/enrollment/enroll';
import { run, type CommandResult } from './processes';
import { holderRequest, request, type TestService } from './service';

/** Helpers for the security and wallet tests: sessions, device keys and in-process wallet calls. */

export interface DeviceKey {
  privateKey: KeyObject;
  publicKeyPem: string;
}

export function createDeviceKey(): DeviceKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }) as string };
}

export function deviceKeyIdOf(device: DeviceKey): string {
  return createHash('sha256').update(Buffer.from(device.publicKeyPem.replace(/-----[^-]+-----|\s/g, ''), 'base64')).digest('base64url');
}

export function sha256Base64(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('base64');
}

/** Enrolls a holder with `device` bound as the wallet, through a second context as the CLI does. */
export async function enrollWithWallet(service: TestService, device: DeviceKey | null, overrides: Partial<EnrollmentRequest> = {}): Promise<EnrollmentResult> {
  const context = await service.openContext();
  try {
    return await enrollDigitalId(context, holderRequest(overrides), 'test', device ? { walletDevicePublicKey: device.publicKeyPem } : {});
  } finally {
    await context.store.close();
  }
}

export async function signIn(service: TestService, holder: { username: string; password: string }): Promise<string> {
  const response = await request(service, 'POST', '/api/v1/sessions', { body: { username: holder.username, password: holder.password, client: 'desktop' } });
  if (response.status !== 201) throw new Error(`Sign-in failed with ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body.token as string;
}

/** Asks for a challenge and sends one signature request, as the wallet app does. */
export async function walletSign(
  service: { url: string },
  options: { device: DeviceKey; serial: string; pin: string; hashes: string[]; proofHashes?: string[] },
): Promise<{ status: number; body: any }> {
  const challenge = await request(service, 'POST', '/wallet/v1/challenges', { body: { credentialID: options.serial } });
  if (challenge.status !== 201) return challenge;
  const proof = deviceProofMessage({
    credentialID: options.serial,
    challengeId: challenge.body.challengeId,
    challenge: challenge.body.challenge,
    hashes: options.proofHashes ?? options.hashes,
  });
  const deviceSignature = sign('sha256', Buffer.from(proof), { key: options.device.privateKey, dsaEncoding: 'der' }).toString('base64');
  return request(service, 'POST', '/wallet/v1/signatures', {
    body: { credentialID: options.serial, hashes: options.hashes, pin: options.pin, challengeId: challenge.body.challengeId, deviceSignature },
  });
}

/** Runs the wallet simulator, the package's `eid-wallet` bin. */
export function runWallet(args: string[], input?: string): Promise<CommandResult> {
  return run(process.execPath, ['bin/eid-wallet.js', ...args], { input });
}

/** Runs the service CLI, the package's `eid-service` bin. */
export function runService(args: string[]): Promise<CommandResult> {
  return run(process.execPath, ['bin/eid-service.js', ...args]);
}
