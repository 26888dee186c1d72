import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';

import { openServiceContext } from '../service/context';
import { enrollDigitalId } from '../service/enrollment/enroll';
import { createLogger } from '../service/log/logger';
import { revokeCertificate } from '../service/revocation/revoke';
import { runLoad, type LoadResult } from './load';

/**
 * OCSP throughput and p99 on 127.0.0.1 for three targets in one run, with the same load
 * generator. The targets are the service's responder, `openssl ocsp -index … -port` with the same
 * certificates and responder certificate, and a bare Fastify route that returns a fixed response
 * of the same size. Each target runs in its own process, and the load generator runs here.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const requestsPerTarget = 40_000;
const warmUpRequests = 5_000;
const concurrency = 16;
const distinctRequests = 200;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function runCommand(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${output}`))));
  });
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`The process for port ${port} exited with ${child.exitCode}.`);
    const open = await new Promise<boolean>((resolve) => {
      const request = http.request({ host: '127.0.0.1', port, method: 'GET', path: '/' }, (response) => {
        response.resume();
        resolve(true);
      });
      request.on('error', () => resolve(false));
      request.end();
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Nothing listens on port ${port}.`);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

function post(port: number, body: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/pki/ocsp', agent, headers: { 'content-type': 'application/ocsp-request', 'content-length': body.length } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => (response.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`HTTP ${response.statusCode}`))));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

async function measure(port: number, requests: Buffer[]): Promise<LoadResult> {
  let next = 0;
  const operation = async () => {
    const response = await post(port, requests[next++ % requests.length]!);
    // 0x0a 0x01 0x00: responseStatus successful, right after the outer SEQUENCE header.
    if (response.length < 5 || response.includes(Buffer.from([0x0a, 0x01, 0x00])) === false) throw new Error('unsuccessful OCSP response');
  };
  await runLoad(warmUpRequests, concurrency, operation);
  return runLoad(requestsPerTarget, concurrency, operation);
}

function opensslTime(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'eid-bench-ocsp-'));
  const work = await mkdtemp(path.join(os.tmpdir(), 'eid-bench-ocsp-files-'));
  const children: ChildProcess[] = [];

  try {
    const servicePort = await freePort();
    const service = spawn(process.execPath, ['bin/eid-service.js', 'serve', '--data', dataDir, '--port', String(servicePort), '--host', '127.0.0.1'], { cwd: root, stdio: 'ignore' });
    children.push(service);
    await waitForPort(servicePort, service);

    // Holders enrolled through a second context, as `eid-service enroll` does; every other one is revoked.
    const context = await openServiceContext({ dataDir, logger: createLogger({ level: 'silent', destination: pino.destination(2) }) });
    const index: string[] = [];
    const serials: string[] = [];
    for (let holder = 0; holder < 10; holder += 1) {
      const enrolled = await enrollDigitalId(
        context,
        { kind: 'digital-id', personalNumber: String(7_000_000_000 + holder), givenName: 'Bench', surname: `Holder ${holder}`, email: 'bench@example.org', phoneNumber: '+38344000000' },
        'bench',
      );
      serials.push(enrolled.serial);
      const account = (await context.store.findAccountByUsername(enrolled.username))!;
      const expiry = opensslTime(new Date(account.certificate.notAfter));
      const subject = `/C=XK/CN=Bench Holder ${holder}`;
      if (holder % 2 === 1) {
        const revoked = await revokeCertificate(context, { certificate: account.certificate, reason: 'keyCompromise', actor: 'bench' });
        index.push(`R\t${expiry}\t${opensslTime(new Date(revoked.revokedAt))},keyCompromise\t${enrolled.serial.toUpperCase()}\tunknown\t${subject}`);
      } else {
        index.push(`V\t${expiry}\t\t${enrolled.serial.toUpperCase()}\tunknown\t${subject}`);
      }
    }
    const passphrase = context.secrets.caKeyPassphrase;
    await context.store.close();

    const caDir = path.join(dataDir, 'ca');
    const files = { index: path.join(work, 'index.txt'), issuing: path.join(caDir, 'issuing.crt'), signer: path.join(caDir, 'ocsp-responder.crt'), key: path.join(caDir, 'ocsp-responder.key') };
    await writeFile(files.index, `${index.join('\n')}\n`);

    // Distinct requests, each with its own nonce, for good and revoked certificates in turn.
    const requests: Buffer[] = [];
    for (let number = 0; number < distinctRequests; number += 1) {
      const file = path.join(work, `request-${number}.der`);
      await runCommand('openssl', ['ocsp', '-issuer', files.issuing, '-serial', `0x${serials[number % serials.length]}`, '-reqout', file]);
      requests.push(await readFile(file));
    }
    // Requests without a nonce, as clients of the RFC 5019 profile send them: one per certificate.
    const requestsWithoutNonce: Buffer[] = [];
    for (const [number, serial] of serials.entries()) {
      const file = path.join(work, `request-without-nonce-${number}.der`);
      await runCommand('openssl', ['ocsp', '-issuer', files.issuing, '-serial', `0x${serial}`, '-no_nonce', '-reqout', file]);
      requestsWithoutNonce.push(await readFile(file));
    }

    const opensslPort = await freePort();
    const openssl = spawn(
      'openssl',
      ['ocsp', '-index', files.index, '-port', String(opensslPort), '-CA', files.issuing, '-rsigner', files.signer, '-rkey', files.key, '-passin', `pass:${passphrase}`, '-nmin', '60', '-ignore_err'],
      { cwd: root, stdio: 'ignore' },
    );
    children.push(openssl);
    // openssl's responder sends an error response to GET /, which shows that it listens.
    await waitForPort(opensslPort, openssl);

    const sample = await post(servicePort, requests[0]!);
    const barePort = await freePort();
    const sampleFile = path.join(work, 'sample-response.der');
    await writeFile(sampleFile, sample);
    const bare = spawn(process.execPath, ['--import', 'tsx', 'bench/bare-server.ts', String(barePort), sampleFile], { cwd: root, stdio: 'ignore' });
    children.push(bare);
    await waitForPort(barePort, bare);

    const results: Array<[string, LoadResult]> = [
      ['eID service POST /pki/ocsp (parse, status lookup, ECDSA P-256 signature per request)', await measure(servicePort, requests)],
      ['openssl ocsp -index … -port (OpenSSL 3, one process)', await measure(opensslPort, requests)],
      [`bare Fastify route, fixed ${sample.length}-byte response`, await measure(barePort, requests)],
      ['eID service, requests without a nonce (a response is reused within its second)', await measure(servicePort, requestsWithoutNonce)],
      ['openssl ocsp -index … -port, requests without a nonce', await measure(opensslPort, requestsWithoutNonce)],
    ];

    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    console.log(`Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
    console.log(
      `Load: ${requestsPerTarget} POST requests per target after ${warmUpRequests} warm-up requests, ${concurrency} in flight, keep-alive; ${distinctRequests} distinct requests with nonces, or ${serials.length} without`,
    );
    console.log('');
    console.log('| OCSP target | requests | per second | p50 ms | p99 ms |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const [name, result] of results) {
      console.log(`| ${name} | ${result.requests} | ${result.perSecond.toFixed(1)} | ${result.p50Ms.toFixed(2)} | ${result.p99Ms.toFixed(2)} |`);
    }
    const [ours, theirs, ceiling, oursWithoutNonce, theirsWithoutNonce] = results.map(([, result]) => result.perSecond);
    console.log('');
    console.log(`With nonces: service vs openssl ${(ours! / theirs!).toFixed(2)}×, service vs bare route ${((ours! / ceiling!) * 100).toFixed(0)} %`);
    console.log(
      `Without nonces: service vs openssl ${(oursWithoutNonce! / theirsWithoutNonce!).toFixed(2)}×, service vs bare route ${((oursWithoutNonce! / ceiling!) * 100).toFixed(0)} %`,
    );
  } finally {
    agent.destroy();
    for (const child of children) child.kill();
    await rm(dataDir, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  }
}

await main();
