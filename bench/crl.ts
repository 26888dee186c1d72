import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';

import { openServiceContext } from '../service/context';
import { createLogger } from '../service/log/logger';
import { statusServiceFor } from '../service/status/status-service';

/**
 * CRL generation for 100,000 revoked entries: the service's publication (read the entries from
 * SQLite, encode, sign with the issuing CA key, store) against `openssl ca -gencrl` reading the
 * same entries from an index file and writing the CRL. Each side runs three times; the table
 * shows the median. openssl's time includes starting the process.
 */

const entryCount = 100_000;
const runs = 3;

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

function opensslTime(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
}

function runCommand(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    child.stderr.on('data', (chunk) => (errors += chunk));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}: ${errors}`))));
  });
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'eid-bench-crl-'));
  const work = await mkdtemp(path.join(os.tmpdir(), 'eid-bench-crl-files-'));
  const context = await openServiceContext({ dataDir, logger: createLogger({ level: 'silent', destination: pino.destination(2) }) });

  try {
    // 100,000 revoked certificates written straight into the tables a revocation fills.
    const database = context.store.database;
    const now = new Date();
    const notAfter = new Date(now.getTime() + 365 * 24 * 60 * 60 * 1000);
    const index: string[] = [];
    context.store.transaction(() => {
      const holderId = Number(
        database
          .prepare(`INSERT INTO holders (personal_number, given_name, surname, email, phone_number, created_at) VALUES ('6000000000', 'Bench', 'Holder', 'bench@example.org', '+38344000000', ?)`)
          .run(now.toISOString()).lastInsertRowid,
      );
      const insertCertificate = database.prepare(
        `INSERT INTO certificates (holder_id, kind, serial_number, der, not_before, not_after, status, revoked_at, revocation_reason, created_at)
         VALUES (?, 'digital-id', ?, x'00', ?, ?, 'revoked', ?, 'keyCompromise', ?)`,
      );
      const insertEntry = database.prepare('INSERT INTO crl_entries (certificate_id, serial_number, revoked_at, reason_code) VALUES (?, ?, ?, 1)');
      for (let entry = 0; entry < entryCount; entry += 1) {
        const serial = randomBytes(16);
        serial[0] = (serial[0]! & 0x7f) | 0x01;
        const hex = serial.toString('hex');
        const revokedAt = new Date(Math.floor(now.getTime() / 1000) * 1000 - entry * 1000);
        const id = Number(insertCertificate.run(holderId, hex, now.toISOString(), notAfter.toISOString(), revokedAt.toISOString(), now.toISOString()).lastInsertRowid);
        insertEntry.run(id, hex, revokedAt.toISOString());
        index.push(`R\t${opensslTime(notAfter)}\t${opensslTime(revokedAt)},keyCompromise\t${hex.toUpperCase()}\tunknown\t/C=XK/CN=Holder ${entry}`);
      }
      database.prepare('UPDATE crl_state SET revision = revision + 1').run();
    });

    const status = statusServiceFor(context);
    await status.publishCrl();
    const ours: number[] = [];
    let crlBytes = 0;
    for (let run = 0; run < runs; run += 1) {
      const begin = performance.now();
      crlBytes = (await status.publishCrl()).length;
      ours.push(performance.now() - begin);
    }

    const caDir = path.join(dataDir, 'ca');
    await writeFile(path.join(work, 'index.txt'), `${index.join('\n')}\n`);
    await writeFile(path.join(work, 'index.txt.attr'), 'unique_subject = no\n');
    await writeFile(path.join(work, 'crlnumber'), '01\n');
    await writeFile(
      path.join(work, 'openssl.cnf'),
      [
        '[ca]',
        'default_ca = bench',
        '[bench]',
        `database = ${path.join(work, 'index.txt')}`,
        `crlnumber = ${path.join(work, 'crlnumber')}`,
        `certificate = ${path.join(caDir, 'issuing.crt')}`,
        `private_key = ${path.join(caDir, 'issuing.key')}`,
        'default_md = sha256',
        'default_crl_hours = 24',
        'crl_extensions = crl_ext',
        '[crl_ext]',
        'authorityKeyIdentifier = keyid:always',
        '',
      ].join('\n'),
    );
    const theirs: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      const begin = performance.now();
      await runCommand('openssl', ['ca', '-gencrl', '-config', 'openssl.cnf', '-passin', `pass:${context.secrets.caKeyPassphrase}`, '-out', 'crl.pem'], work);
      theirs.push(performance.now() - begin);
    }

    // The large CRL must still be one openssl accepts, with every entry.
    const crlFile = path.join(work, 'service-crl.der');
    await writeFile(crlFile, (await status.currentCrl()));
    await writeFile(path.join(work, 'issuing.pem'), context.ca.issuingCertificatePem);
    await runCommand('openssl', ['crl', '-inform', 'DER', '-in', crlFile, '-CAfile', path.join(work, 'issuing.pem'), '-noout'], work);

    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    console.log(`Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
    console.log(`CRL with ${entryCount} revoked entries (keyCompromise), ECDSA P-256 issuing key, median of ${runs} runs; the service's CRL is ${crlBytes} bytes and passes openssl crl -CAfile`);
    console.log('');
    console.log('| CRL generation | median ms | runs ms |');
    console.log('| --- | --- | --- |');
    console.log(`| eID service publishCrl (read SQLite, encode, sign, store) | ${median(ours).toFixed(0)} | ${ours.map((value) => value.toFixed(0)).join(', ')} |`);
    console.log(`| openssl ca -gencrl (read index.txt, sign, write PEM; process start included) | ${median(theirs).toFixed(0)} | ${theirs.map((value) => value.toFixed(0)).join(', ')} |`);
    console.log('');
    console.log(`Service vs openssl: ${(median(ours) / median(theirs)).toFixed(2)}× the time`);
  } finally {
    await context.store.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  }
}

await main();
