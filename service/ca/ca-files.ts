import { constants } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The file names of the CA in its directory. Keys are encrypted PKCS#8 PEM, certificates PEM. */
export const caFileNames = {
  rootCertificate: 'root.crt',
  rootKey: 'root.key',
  issuingCertificate: 'issuing.crt',
  issuingKey: 'issuing.key',
} as const;

export type CaFileKey = keyof typeof caFileNames;
export type CaFiles = Record<CaFileKey, string>;

const fileModes: Record<CaFileKey, number> = {
  rootCertificate: 0o644,
  rootKey: 0o600,
  issuingCertificate: 0o644,
  issuingKey: 0o600,
};

// A new CA is first written into the partial directory. Renaming it to the staged directory is
// the commit point: after that, every open moves its files into place, so a crash at any step
// leaves either no CA or a complete one.
const partialDirectoryName = '.ca-staging.partial';
const stagedDirectoryName = '.ca-staging';

/** Thrown when the CA directory contains some but not all of the CA files. */
export class IncompleteCaError extends Error {
  override name = 'IncompleteCaError';
}

/**
 * Reads the CA files from `dir`, first finishing or discarding a creation that a crash
 * interrupted. Returns null when `dir` contains no CA.
 */
export async function readCaFiles(dir: string): Promise<CaFiles | null> {
  await recoverInterruptedWrite(dir);

  const keys = Object.keys(caFileNames) as CaFileKey[];
  const present = await Promise.all(keys.map((key) => fileExists(join(dir, caFileNames[key]))));
  if (present.every((exists) => !exists)) return null;

  const missing = keys.filter((_, index) => !present[index]).map((key) => caFileNames[key]);
  if (missing.length > 0) {
    throw new IncompleteCaError(`The CA directory ${dir} is incomplete, missing: ${missing.join(', ')}. Restore the missing files from a backup.`);
  }

  const contents = await Promise.all(keys.map((key) => readFile(join(dir, caFileNames[key]), 'utf8')));
  return Object.fromEntries(keys.map((key, index) => [key, contents[index]])) as CaFiles;
}

/**
 * Writes a new CA into `dir`, all files or none. The caller has checked that `dir` contains no CA.
 * NOTE: nothing stops two processes from creating a CA in the same empty directory at once,
 * because the service opens its CA only once, at startup.
 */
export async function writeCaFiles(dir: string, files: CaFiles): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });

  const partialDirectory = join(dir, partialDirectoryName);
  await rm(partialDirectory, { recursive: true, force: true });
  await mkdir(partialDirectory, { mode: 0o700 });

  for (const key of Object.keys(caFileNames) as CaFileKey[]) {
    await writeFileDurably(join(partialDirectory, caFileNames[key]), files[key], fileModes[key]);
  }
  await syncDirectory(partialDirectory);

  await rename(partialDirectory, join(dir, stagedDirectoryName));
  await syncDirectory(dir);
  await moveStagedFiles(dir);
}

async function recoverInterruptedWrite(dir: string): Promise<void> {
  await rm(join(dir, partialDirectoryName), { recursive: true, force: true });
  if (await fileExists(join(dir, stagedDirectoryName))) await moveStagedFiles(dir);
}

async function moveStagedFiles(dir: string): Promise<void> {
  const stagedDirectory = join(dir, stagedDirectoryName);

  // Files moved before a crash are no longer in the staged directory, so this step can repeat.
  for (const name of await readdir(stagedDirectory)) {
    await rename(join(stagedDirectory, name), join(dir, name));
  }
  await rmdir(stagedDirectory);
  await syncDirectory(dir);
}

/**
 * Writes a file and flushes it to disk before returning. `exclusive` fails when the file exists;
 * without it an existing file is truncated.
 */
export async function writeFileDurably(path: string, content: string, mode: number, exclusive = true): Promise<void> {
  const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | (exclusive ? constants.O_EXCL : constants.O_TRUNC), mode);
  try {
    await handle.writeFile(content, 'utf8');
    // The mode given to open is reduced by the umask, so set it again explicitly.
    await handle.chmod(mode);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

// Makes renames inside `dir` durable. Windows cannot open a directory for fsync, and there the
// rename is the best the platform offers, so that failure is ignored.
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, constants.O_RDONLY);
  } catch (error) {
    if (process.platform === 'win32') return;
    throw error;
  }
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function fileExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
