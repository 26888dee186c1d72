import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';

import { EidError } from '../../common/errors';
import { createMainLogger } from '../../main/logger';
import { defaultModulePaths } from '../../main/tokens/default-modules';
import { TokenService } from '../../main/tokens/token-service';
import { run } from '../helpers/processes';
import { createSoftHsmToken, softHsmModule, unreadableSoftHsmConfs, type SoftHsmToken } from '../helpers/softhsm';

const logger = createMainLogger({ level: 'silent', destination: pino.destination(2) });
const tokens = new TokenService({ logger });

let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'eid-tokens-'));
});

/** Returns the catalogue code a call fails with, or 'no error'. */
function codeOf(call: () => unknown): string {
  try {
    call();
    return 'no error';
  } catch (error) {
    return error instanceof EidError ? error.code : `unexpected ${String(error)}`;
  }
}

async function loginWorks(token: SoftHsmToken, pin: string): Promise<boolean> {
  const result = await token.tool(['--login', '--pin', pin, '--list-objects']);
  return result.code === 0;
}

/** Creates an EC P-256 key pair on the token with pkcs11-tool and a certificate for its public key, signed by a throwaway key. */
async function keyAndCertificate(token: SoftHsmToken, id: string): Promise<string> {
  const keygen = await token.tool(['--login', '--pin', token.pin, '--keypairgen', '--key-type', 'EC:prime256v1', '--id', id, '--label', `key ${id}`]);
  expect(keygen.code, keygen.stderr).toBe(0);

  const publicDer = path.join(workDir, `${token.label}-${id}.der`);
  const publicPem = path.join(workDir, `${token.label}-${id}.pem`);
  const signerKey = path.join(workDir, `${token.label}-${id}-signer.key`);
  const certificate = path.join(workDir, `${token.label}-${id}.crt`);
  expect((await token.tool(['--read-object', '--type', 'pubkey', '--id', id, '-o', publicDer])).code).toBe(0);
  expect((await run('openssl', ['pkey', '-pubin', '-inform', 'DER', '-in', publicDer, '-out', publicPem])).code).toBe(0);
  expect((await run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', signerKey])).code).toBe(0);
  const issued = await run('openssl', ['x509', '-new', '-subj', '/CN=Arber Celaj/serialNumber=PNOXK-1176001727/C=XK', '-force_pubkey', publicPem, '-key', signerKey, '-days', '30', '-out', certificate]);
  expect(issued.code, issued.stderr).toBe(0);
  return readFile(certificate, 'utf8');
}

function tokenOf(token: SoftHsmToken) {
  const [report] = tokens.listModules([softHsmModule]);
  return report?.tokens.find((entry) => entry.label === token.label);
}

describe('TokenService on SoftHSM2', () => {
  it('lists the token with its flags in words', async () => {
    const token = await createSoftHsmToken();

    const [report] = tokens.listModules([softHsmModule]);
    const listed = report?.tokens.find((entry) => entry.label === token.label);

    expect(report?.errorCode).toBeUndefined();
    expect(report?.library?.manufacturer).toBe('SoftHSM');
    expect(listed?.serialNumber).toBe(token.serial);
    expect(listed?.flags).toEqual(expect.arrayContaining(['CKF_TOKEN_INITIALIZED', 'CKF_USER_PIN_INITIALIZED', 'CKF_LOGIN_REQUIRED']));
    expect(listed?.flags).not.toContain('CKF_USER_PIN_LOCKED');
    expect(listed?.minPinLength).toBe(4);
  });

  it('changes the PIN, judged by pkcs11-tool', async () => {
    const token = await createSoftHsmToken();
    const newPin = 'Çelës-2026';

    expect(tokens.changePin({ modulePath: softHsmModule, tokenSerial: token.serial, currentPin: token.pin, newPin })).toBeNull();

    expect(await loginWorks(token, newPin)).toBe(true);
    expect(await loginWorks(token, token.pin)).toBe(false);
  });

  it('rejects a wrong current PIN and keeps the PIN', async () => {
    const token = await createSoftHsmToken();

    const code = codeOf(() => tokens.changePin({ modulePath: softHsmModule, tokenSerial: token.serial, currentPin: '999999', newPin: '111111' }));

    // SoftHSM2 has no retry counter and only raises CKF_USER_PIN_COUNT_LOW after a wrong try.
    expect(code).toBe('TOKEN_PIN_COUNT_LOW');
    expect(tokenOf(token)?.flags).toContain('CKF_USER_PIN_COUNT_LOW');
    expect(await loginWorks(token, token.pin)).toBe(true);
    expect(await loginWorks(token, '111111')).toBe(false);
  });

  it('rejects a PIN shorter than the token allows before trying it', async () => {
    const token = await createSoftHsmToken();

    const code = codeOf(() => tokens.changePin({ modulePath: softHsmModule, tokenSerial: token.serial, currentPin: token.pin, newPin: '12' }));

    expect(code).toBe('TOKEN_PIN_LENGTH');
    expect(tokenOf(token)?.flags).not.toContain('CKF_USER_PIN_COUNT_LOW');
    expect(await loginWorks(token, token.pin)).toBe(true);
  });

  it('resets a forgotten PIN with the SO PIN', async () => {
    const token = await createSoftHsmToken();

    expect(tokens.resetPin({ modulePath: softHsmModule, tokenSerial: token.serial, soPin: token.soPin, newPin: '24681357' })).toBeNull();

    expect(await loginWorks(token, '24681357')).toBe(true);
    expect(await loginWorks(token, token.pin)).toBe(false);
  });

  it('rejects a wrong SO PIN and keeps the user PIN', async () => {
    const token = await createSoftHsmToken();

    const code = codeOf(() => tokens.resetPin({ modulePath: softHsmModule, tokenSerial: token.serial, soPin: '00000000', newPin: '24681357' }));

    expect(code).toBe('TOKEN_PUK_INCORRECT');
    expect(await loginWorks(token, token.pin)).toBe(true);
    expect(await loginWorks(token, '24681357')).toBe(false);
  });

  it('imports a certificate next to its key', async () => {
    const token = await createSoftHsmToken();
    await keyAndCertificate(token, 'a1');
    const certificate = await keyAndCertificate(token, '01');

    const imported = tokens.importCertificate({ modulePath: softHsmModule, tokenSerial: token.serial, pin: token.pin, certificate });
    const again = tokens.importCertificate({ modulePath: softHsmModule, tokenSerial: token.serial, pin: token.pin, certificate });

    expect(imported.id).toBe('01');
    expect(imported.subject).toContain('CN=Arber Celaj');
    expect(again.fingerprint).toBe(imported.fingerprint);
    const listing = await token.tool(['--login', '--pin', token.pin, '--list-objects', '--type', 'cert']);
    expect(listing.stdout.match(/Certificate Object/g)).toHaveLength(1);
    expect(listing.stdout).toMatch(/Certificate Object[\s\S]*ID:\s+01/);
    expect(tokenOf(token)?.certificates.map((entry) => entry.id)).toEqual(['01']);
  });

  it('rejects a certificate without a key on the token', async () => {
    const token = await createSoftHsmToken();
    const other = await createSoftHsmToken();
    const foreignCertificate = await keyAndCertificate(other, '02');
    process.env.SOFTHSM2_CONF = token.env.SOFTHSM2_CONF;
    await keyAndCertificate(token, '01');

    const code = codeOf(() => tokens.importCertificate({ modulePath: softHsmModule, tokenSerial: token.serial, pin: token.pin, certificate: foreignCertificate }));
    const garbage = codeOf(() => tokens.importCertificate({ modulePath: softHsmModule, tokenSerial: token.serial, pin: token.pin, certificate: 'not a certificate' }));

    expect(code).toBe('TOKEN_KEY_NOT_FOUND');
    expect(garbage).toBe('TOKEN_CERTIFICATE_INVALID');
    const listing = await token.tool(['--login', '--pin', token.pin, '--list-objects', '--type', 'cert']);
    expect(listing.stdout).not.toContain('Certificate Object');
  });

  it('reports an unknown token serial as not present', async () => {
    await createSoftHsmToken();

    expect(codeOf(() => tokens.changePin({ modulePath: softHsmModule, tokenSerial: '0000000000000000', currentPin: '123456', newPin: '654321' }))).toBe('TOKEN_NOT_PRESENT');
  });
});

describe('TokenService module errors', () => {
  it('reports a missing module', () => {
    const missing = path.join(workDir, 'no-such-module.so');

    expect(tokens.listModules([missing])).toEqual([{ path: missing, tokens: [], errorCode: 'PKCS11_MODULE_NOT_FOUND' }]);
    expect(tokens.listModules(['relative/opensc-pkcs11.so'])[0]?.errorCode).toBe('PKCS11_MODULE_NOT_FOUND');
    expect(codeOf(() => tokens.changePin({ modulePath: missing, tokenSerial: '1', currentPin: '1234', newPin: '5678' }))).toBe('PKCS11_MODULE_NOT_FOUND');
  });

  it('reports files that are not PKCS#11 libraries', async () => {
    const textFile = path.join(workDir, 'module.so');
    await writeFile(textFile, 'not a shared library');
    const sharedLibraries = (await run('sh', ['-c', 'ls /usr/lib/x86_64-linux-gnu/libz.so.1 /lib/x86_64-linux-gnu/libz.so.1 2>/dev/null | head -1'])).stdout.trim();

    expect(tokens.listModules([textFile])[0]?.errorCode).toBe('PKCS11_MODULE_INVALID');
    if (sharedLibraries) expect(tokens.listModules([sharedLibraries])[0]?.errorCode).toBe('PKCS11_MODULE_INVALID');
    expect(tokens.listModules([workDir])[0]?.errorCode).toBe('PKCS11_MODULE_INVALID');
  });

  it('reports SoftHSM2 without a readable configuration', async () => {
    const token = await createSoftHsmToken();
    for (const conf of await unreadableSoftHsmConfs()) {
      process.env.SOFTHSM2_CONF = conf;

      expect(tokens.listModules([softHsmModule])[0]?.errorCode, conf).toBe('PKCS11_MODULE_MISCONFIGURED');
      expect(codeOf(() => tokens.changePin({ modulePath: softHsmModule, tokenSerial: token.serial, currentPin: token.pin, newPin: '654321' }))).toBe('PKCS11_MODULE_MISCONFIGURED');
    }
    process.env.SOFTHSM2_CONF = token.env.SOFTHSM2_CONF;
    expect(await loginWorks(token, token.pin)).toBe(true);
  });

  it('defaults to the OpenSC and SoftHSM2 modules that exist', () => {
    const present = new Set(['/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so', '/usr/lib/softhsm/libsofthsm2.so', 'C:\\Windows\\System32\\opensc-pkcs11.dll']);
    const exists = (candidate: string) => present.has(candidate);

    expect(defaultModulePaths('linux', exists)).toEqual(['/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so', '/usr/lib/softhsm/libsofthsm2.so']);
    expect(defaultModulePaths('win32', exists)).toEqual(['C:\\Windows\\System32\\opensc-pkcs11.dll']);
    expect(defaultModulePaths('darwin', exists)).toEqual([]);
  });
});
