import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { ApiClient } from '../../common/api/client';
import { activationCodeLength, ActivationParamsSchema, CompleteActivationRequestSchema, deviceProofMessage } from '../../common/api/wallet';
import { EidError } from '../../common/errors';

/**
 * The wallet simulator: a stand-in for the holder's phone app, for integrators and tests. It
 * keeps an ECDSA P-256 device key in a state file and talks to the service over HTTP only.
 */

export const usage = `Usage: eid-wallet <command> [options]

Commands:
  init      Create a device key and print its public key (PEM)
            --state FILE        state file to create (mode 0600)
            [--label TEXT]      device label the portal shows (default "eID wallet simulator")
            [--force]           replace an existing state file
  public-key  Print the device public key (PEM)
            --state FILE
  sign      Sign the SHA-256 of a file with the certificate key, authorised by the device and the PIN
            --state FILE --service URL --serial SERIAL --in FILE
            --pin PIN | --pin-stdin   the PIN, or read it from the first line of stdin, which
                                      keeps it out of the process list and shell history
            [--out FILE]        where to write the DER signature (default: FILE.sig)
  activate  Connect this device as the certificate's wallet (or migrate to it)
            --state FILE --service URL --activation ID --code CODE --phone +383...

Exit status: 0 done, 1 refused by the service or failed, 2 wrong usage.
`;

interface WalletState {
  version: 1;
  label: string;
  privateKeyPem: string;
  publicKeyPem: string;
  createdAt: string;
  /** The certificate serial of the last activation, for reference. */
  credentialID?: string;
}

class UsageError extends Error {}

function required(values: Record<string, string | boolean | undefined>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required.`);
  return value;
}

function readState(file: string): WalletState {
  if (!existsSync(file)) throw new UsageError(`The state file ${file} does not exist; create it with "eid-wallet init --state ${file}".`);
  const state = JSON.parse(readFileSync(file, 'utf8')) as WalletState;
  if (state.version !== 1 || typeof state.privateKeyPem !== 'string') throw new Error(`The state file ${file} is not an eid-wallet state file.`);
  return state;
}

function writeState(file: string, state: WalletState): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

function serviceClient(url: string): ApiClient {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--service "${url}" is not a URL; give the service's base URL, such as http://127.0.0.1:8080.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`--service must be an http or https URL, not "${url}".`);
  return new ApiClient({ baseUrl: parsed.toString().replace(/\/+$/, '') });
}

function deviceKeyId(publicKeyPem: string): string {
  const spki = createPublicKey(publicKeyPem).export({ format: 'der', type: 'spki' });
  return createHash('sha256').update(spki).digest('base64url');
}

function init(values: Record<string, string | boolean | undefined>): number {
  const file = required(values, 'state');
  if (existsSync(file) && values.force !== true) throw new UsageError(`The state file ${file} exists; pass --force to replace its device key.`);

  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const state: WalletState = {
    version: 1,
    label: typeof values.label === 'string' ? values.label : 'eID wallet simulator',
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }) as string,
    createdAt: new Date().toISOString(),
  };
  writeState(file, state);
  process.stdout.write(state.publicKeyPem);
  return 0;
}

async function readPin(values: Record<string, string | boolean | undefined>): Promise<string> {
  if (values['pin-stdin'] !== true) {
    if (typeof values.pin !== 'string' || values.pin === '') throw new UsageError('--pin PIN or --pin-stdin is required.');
    return values.pin;
  }
  if (values.pin !== undefined) throw new UsageError('Give the PIN either with --pin or with --pin-stdin, not both.');

  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  const pin = text.split(/\r?\n/, 1)[0]!;
  if (pin === '') throw new UsageError('--pin-stdin read no PIN. Write the PIN as the first line of stdin.');
  return pin;
}

async function signFile(values: Record<string, string | boolean | undefined>): Promise<number> {
  const state = readState(required(values, 'state'));
  const client = serviceClient(required(values, 'service'));
  const credentialID = required(values, 'serial').toLowerCase();
  const pin = await readPin(values);
  const input = required(values, 'in');
  const output = typeof values.out === 'string' ? values.out : `${input}.sig`;

  const hash = createHash('sha256').update(readFileSync(input)).digest('base64');
  const challenge = await client.callWith('createWalletChallenge', { body: { credentialID, deviceKeyId: deviceKeyId(state.publicKeyPem) } });
  const proof = deviceProofMessage({ credentialID, challengeId: challenge.challengeId, challenge: challenge.challenge, hashes: [hash] });
  const deviceSignature = sign('sha256', Buffer.from(proof, 'utf8'), { key: createPrivateKey(state.privateKeyPem), dsaEncoding: 'der' }).toString('base64');

  const result = await client.callWith('walletSignatures', {
    body: { credentialID, hashes: [hash], pin, challengeId: challenge.challengeId, deviceSignature },
  });
  writeFileSync(output, Buffer.from(result.signatures[0]!, 'base64'));
  process.stdout.write(`Signature written to ${output} (ECDSA P-256 with SHA-256, DER).\n`);
  return 0;
}

async function activate(values: Record<string, string | boolean | undefined>): Promise<number> {
  const file = required(values, 'state');
  const state = readState(file);
  const client = serviceClient(required(values, 'service'));
  const id = required(values, 'activation');
  const code = required(values, 'code');
  const phoneNumber = required(values, 'phone');

  // Checked here, so that a typing mistake names its option instead of coming back as a refusal.
  // The messages leave out the code and the phone number, which stderr logs must not keep.
  if (!ActivationParamsSchema.shape.id.safeParse(id).success) {
    throw new UsageError(`--activation "${id}" is not an activation ID. Copy the ID shown next to the QR code in Identity management.`);
  }
  if (!CompleteActivationRequestSchema.shape.code.safeParse(code).success) {
    throw new UsageError(`--code must be the ${activationCodeLength.min} to ${activationCodeLength.max} digits of the SMS, with nothing else.`);
  }
  if (!CompleteActivationRequestSchema.shape.phoneNumber.safeParse(phoneNumber).success) {
    throw new UsageError('--phone must be the enrollment phone number in international form, such as +38344123456.');
  }

  const result = await client.callWith('completeWalletActivation', {
    params: { id },
    body: { code, phoneNumber, devicePublicKey: state.publicKeyPem, deviceLabel: state.label },
  });
  writeState(file, { ...state, credentialID: result.credentialID });
  process.stdout.write(
    `This device is now the wallet of certificate ${result.credentialID}${result.replacedDevice ? '; the previous device no longer works' : ''}.\n`,
  );
  return 0;
}

function describeRefusal(error: EidError): string {
  const tries = error.triesLeft === undefined ? '' : ` (${error.triesLeft} ${error.triesLeft === 1 ? 'try' : 'tries'} left)`;
  const retry = error.retryAfterSeconds === undefined ? '' : ` Retry in ${error.retryAfterSeconds} s.`;
  const fields = error.fields?.length ? ` [${error.fields.map((field) => `${field.path}: ${field.code}`).join(', ')}]` : '';
  return `Refused: ${error.code}: ${error.message}${tries}${retry}${fields}\n`;
}

/** Runs one command and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const { values } = parseArgs({
      args: rest,
      strict: true,
      options: {
        state: { type: 'string' },
        label: { type: 'string' },
        force: { type: 'boolean' },
        service: { type: 'string' },
        serial: { type: 'string' },
        pin: { type: 'string' },
        'pin-stdin': { type: 'boolean' },
        in: { type: 'string' },
        out: { type: 'string' },
        activation: { type: 'string' },
        code: { type: 'string' },
        phone: { type: 'string' },
      },
    });

    switch (command) {
      case 'init':
        return init(values);
      case 'public-key':
        process.stdout.write(readState(required(values, 'state')).publicKeyPem);
        return 0;
      case 'sign':
        return await signFile(values);
      case 'activate':
        return await activate(values);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(usage);
        return command === undefined ? 2 : 0;
      default:
        process.stderr.write(`Unknown command "${command}".\n\n${usage}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof EidError) {
      process.stderr.write(error.code === 'SERVICE_UNAVAILABLE' ? `The service cannot be reached: ${String((error.cause as Error | undefined)?.message ?? '')}\n` : describeRefusal(error));
      return 1;
    }
    if (error instanceof UsageError || (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`${error.message}\n\n${usage}`);
      return 2;
    }
    process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
