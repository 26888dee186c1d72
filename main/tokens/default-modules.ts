import { existsSync } from 'node:fs';

/**
 * Where OpenSC and SoftHSM2 install their PKCS#11 modules, per platform: Debian/Ubuntu and
 * Fedora package paths, the OpenSC and SoftHSM2 Windows installers, and the macOS OpenSC
 * package and Homebrew.
 */
const knownModulePaths: Record<string, readonly string[]> = {
  linux: [
    '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so',
    '/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so',
    '/usr/lib64/opensc-pkcs11.so',
    '/usr/lib/opensc-pkcs11.so',
    '/usr/lib/softhsm/libsofthsm2.so',
    '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
    '/usr/lib64/pkcs11/libsofthsm2.so',
    '/usr/local/lib/softhsm/libsofthsm2.so',
  ],
  win32: [
    'C:\\Windows\\System32\\opensc-pkcs11.dll',
    'C:\\Program Files\\OpenSC Project\\OpenSC\\pkcs11\\opensc-pkcs11.dll',
    'C:\\SoftHSM2\\lib\\softhsm2-x64.dll',
  ],
  darwin: [
    '/Library/OpenSC/lib/opensc-pkcs11.so',
    '/opt/homebrew/lib/opensc-pkcs11.so',
    '/usr/local/lib/opensc-pkcs11.so',
    '/opt/homebrew/lib/softhsm/libsofthsm2.so',
    '/usr/local/lib/softhsm/libsofthsm2.so',
  ],
};

/**
 * Returns the default module list of a platform: the known OpenSC and SoftHSM2 paths that exist
 * on this computer, at most one of each, OpenSC first.
 */
export function defaultModulePaths(platform: NodeJS.Platform = process.platform, exists: (path: string) => boolean = existsSync): string[] {
  const candidates = knownModulePaths[platform] ?? [];
  const openSc = candidates.find((candidate) => /opensc/i.test(candidate) && exists(candidate));
  const softHsm = candidates.find((candidate) => /softhsm/i.test(candidate) && exists(candidate));
  return [openSc, softHsm].filter((candidate): candidate is string => candidate !== undefined);
}
