import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openServiceContext, type ServiceContext } from '../../service/context';
import { createLogger } from '../../service/log/logger';
import { createRawOcspHandler } from '../../service/status/raw-ocsp-handler';
import { statusServiceFor } from '../../service/status/status-service';

let dataDir: string;
let context: ServiceContext;
let server: http.Server;
let url: string;
const lines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'eid-ocsp-log-'));
  context = await openServiceContext({ dataDir, logger: createLogger({ level: 'silent', destination: pino.destination(2) }) });
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      callback();
    },
  });
  const handle = createRawOcspHandler(statusServiceFor(context), createLogger({ level: 'info', destination }));
  server = http.createServer((request, response) => {
    if (!handle(request, response)) response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pki/ocsp`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  statusServiceFor(context).stop();
  await context?.store.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('OCSP handler log', () => {
  it('logs rejected and malformed requests', async () => {
    const wrongType = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(wrongType.status).toBe(415);
    const malformed = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: 'not DER' });
    expect(malformed.status).toBe(200);
    const malformedGet = await fetch(`${url}/${Buffer.from('not DER either').toString('base64')}`);
    expect(malformedGet.status).toBe(200);

    const rejected = lines.filter((line) => line.msg === 'request rejected');
    expect(rejected.map((line) => line.errorCode ?? line.ocspResponseStatus)).toEqual(['UNSUPPORTED_OCSP_MEDIA_TYPE', 'malformedRequest', 'malformedRequest']);
    expect(rejected.map((line) => line.method)).toEqual(['POST', 'POST', 'GET']);
    // A GET carries the request in its URL, so only the path is logged.
    for (const line of rejected) expect(line.path).toBe('/pki/ocsp');
  });
});
