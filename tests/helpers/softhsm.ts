import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { run } from './processes';

export const softHsmModule = '/usr/lib/softhsm/libsofthsm2.so';

export interface SoftHsmToken {
  label: string;
  serial: string;
  soPin: string;
  pin: string;
  /** The environment that points SoftHSM2 and pkcs11-tool at this token's own folder. */
  env: { SOFTHSM2_CONF: string };
  /** Runs pkcs11-tool against this token and returns its exit code and output. */
  tool(args: string[]): ReturnType<typeof run>;
}

/**
 * Initialises a SoftHSM2 token in a fresh temporary token folder with its own softhsm2.conf,
 * so tests never touch the system token folder, and points this process at it.
 */
export async function createSoftHsmToken(options: { label?: string; soPin?: string; pin?: string } = {}): Promise<SoftHsmToken> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'eid-softhsm-'));
  const tokenDir = path.join(root, 'tokens');
  await mkdir(tokenDir);
  const confPath = path.join(root, 'softhsm2.conf');
  await writeFile(confPath, `directories.tokendir = ${tokenDir}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const env = { SOFTHSM2_CONF: confPath };
  process.env.SOFTHSM2_CONF = confPath;

  const label = options.label ?? `eID ${path.basename(root).slice(-6)}`;
  const soPin = options.soPin ?? '87654321';
  const pin = options.pin ?? '123456';
  const init = await run('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', soPin, '--pin', pin], { env });
  if (init.code !== 0) throw new Error(`softhsm2-util --init-token failed: ${init.stderr}`);

  const show = await run('softhsm2-util', ['--show-slots'], { env });
  const slotBlocks = show.stdout.split(/^Slot /m);
  const block = slotBlocks.find((candidate) => new RegExp(`Label:\\s+${escapeRegExp(label)}\\s*$`, 'm').test(candidate));
  const serial = block ? /Serial number:\s+(\S+)/.exec(block)?.[1] : undefined;
  if (!serial) throw new Error(`The serial number of token ${label} is missing from softhsm2-util --show-slots.`);

  const tool = (args: string[]) => run('pkcs11-tool', ['--module', softHsmModule, '--token-label', label, ...args], { env });
  return { label, serial, soPin, pin, env, tool };
}

/**
 * Returns SOFTHSM2_CONF values that SoftHSM2 cannot start with: a missing file and a file whose
 * token folder does not exist. File modes cannot make a file unreadable when tests run as root.
 */
export async function unreadableSoftHsmConfs(): Promise<string[]> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'eid-softhsm-'));
  const brokenConf = path.join(root, 'softhsm2.conf');
  await writeFile(brokenConf, `directories.tokendir = ${path.join(root, 'missing-tokens')}\n`);
  return [path.join(root, 'missing-softhsm2.conf'), brokenConf];
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
