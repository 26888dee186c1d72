import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { EnrollmentResult } from '../../common/api/schemas';
import { revokeCertificate } from '../../service/revocation/revoke';
import { parseCommonOcspRequest, parseOcspRequestWithPkijs } from '../../service/status/ocsp';
import { generationCheckIntervalMs } from '../../service/status/status-service';
import { fetchBytes, revokeThroughApi, signInToken, writePkiFiles, type PkiFiles } from '../helpers/certificate-status';
import { run } from '../helpers/processes';
import { request, startTestService, type TestService } from '../helpers/service';

let service: TestService;
let holder: EnrollmentResult;
let files: PkiFiles;

beforeAll(async () => {
  service = await startTestService();
  holder = await service.enroll({ givenName: 'Ëndrit', surname: 'Çollaku' });
  files = await writePkiFiles(service, holder.certificatePem);
});

afterAll(async () => {
  await service?.close();
});

function ocspQuery(...extra: string[]) {
  // openssl reads the digest flag (-sha256) only before -cert.
  return run('openssl', ['ocsp', '-issuer', files.issuing, ...extra, '-cert', files.holder, '-url', `${service.url}/pki/ocsp`, '-CAfile', files.root]);
}

/** Builds a request file with openssl (with a nonce) and returns its path. */
async function writeRequest(name: string, ...extra: string[]): Promise<string> {
  const file = path.join(files.dir, name);
  const result = await run('openssl', ['ocsp', '-issuer', files.issuing, ...extra, '-cert', files.holder, '-reqout', file]);
  expect(result.code, result.stderr).toBe(0);
  return file;
}

/** Converts every byte field of a parsed request to hex, so both readers' byte types compare equal. */
function asHex(parsed: ReturnType<typeof parseOcspRequestWithPkijs>) {
  const hex = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes).toString('hex'));
  return {
    nonce: hex(parsed.nonce),
    certIds: parsed.certIds.map((certId) => ({ ...certId, der: hex(certId.der), issuerNameHash: hex(certId.issuerNameHash), issuerKeyHash: hex(certId.issuerKeyHash) })),
  };
}

describe('OCSP responder', () => {
  it('answers good for an active certificate (SHA-1 CertID)', async () => {
    const result = await ocspQuery();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`${files.holder}: good`);
    expect(result.stdout + result.stderr).toContain('Response verify OK');
    expect(result.stdout + result.stderr).not.toContain('WARNING');
  });

  it('answers good for a SHA-256 CertID', async () => {
    const result = await ocspQuery('-sha256');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`${files.holder}: good`);
    expect(result.stdout + result.stderr).toContain('Response verify OK');
  });

  it('echoes the nonce of the request', async () => {
    const requestFile = await writeRequest('nonce-request.der');
    const responseFile = path.join(files.dir, 'nonce-response.der');
    const response = await fetchBytes(service, '/pki/ocsp', { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: await readFile(requestFile) });
    await writeFile(responseFile, response);

    const requestText = await run('openssl', ['ocsp', '-reqin', requestFile, '-req_text', '-noverify']);
    const responseText = await run('openssl', ['ocsp', '-respin', responseFile, '-resp_text', '-noverify']);
    const nonceOf = (text: string) => /OCSP Nonce:\s*\n\s*([0-9A-F]+)/.exec(text)?.[1];
    expect(nonceOf(requestText.stdout)).toMatch(/^[0-9A-F]{20,}$/);
    expect(nonceOf(responseText.stdout)).toBe(nonceOf(requestText.stdout));
  });

  it('answers the GET form with the base64 request in the path', async () => {
    const requestFile = await writeRequest('get-request.der', '-sha256');
    const encoded = encodeURIComponent((await readFile(requestFile)).toString('base64'));
    const response = await fetch(`${service.url}/pki/ocsp/${encoded}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/ocsp-response');
    const responseFile = path.join(files.dir, 'get-response.der');
    await writeFile(responseFile, new Uint8Array(await response.arrayBuffer()));

    // With -reqin, openssl also checks that the response carries the request's nonce.
    const result = await run('openssl', ['ocsp', '-reqin', requestFile, '-respin', responseFile, '-CAfile', files.root, '-verify_other', files.issuing, '-resp_text']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Cert Status: good');
    expect(result.stdout).toContain('Hash Algorithm: sha256');
    expect(result.stdout + result.stderr).toContain('Response verify OK');
    expect(result.stdout + result.stderr).not.toContain('Nonce Verify error');
    expect(result.stdout + result.stderr).not.toContain('WARNING');
  });

  it('reads common requests directly exactly as pkijs does', async () => {
    const variants = [[], ['-sha256'], ['-no_nonce'], ['-sha256', '-no_nonce']];
    for (const [index, flags] of variants.entries()) {
      const der = await readFile(await writeRequest(`reader-${index}.der`, ...flags));
      const direct = parseCommonOcspRequest(der);
      expect(direct).not.toBeNull();
      expect(asHex(direct!)).toEqual(asHex(parseOcspRequestWithPkijs(der)));
    }
  });

  it('answers unknown for a serial number it never issued', async () => {
    const result = await run('openssl', ['ocsp', '-issuer', files.issuing, '-serial', '0x5eed', '-url', `${service.url}/pki/ocsp`, '-CAfile', files.root]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('0x5eed: unknown');
  });

  it('answers unknown for a CertID whose issuer name hash differs', async () => {
    // The root CA as "issuer": same kind of name, different bytes, so the hashes do not match.
    const result = await run('openssl', ['ocsp', '-issuer', files.root, '-cert', files.holder, '-url', `${service.url}/pki/ocsp`, '-CAfile', files.root]);
    expect(result.stdout).toContain(`${files.holder}: unknown`);
  });

  it('signs with a delegated responder certificate for OCSP signing with ocsp-nocheck', async () => {
    const result = await run('openssl', ['x509', '-in', path.join(service.dataDir, 'ca', 'ocsp-responder.crt'), '-noout', '-text']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('OCSP Signing');
    expect(result.stdout).toContain('OCSP No Check');
    expect(result.stdout).toContain('Issuer: C = XK, O = eID Self-Service, CN = Kosovo eID Demo Issuing CA');
    const verify = await run('openssl', ['verify', '-CAfile', files.root, '-untrusted', files.issuing, '-purpose', 'ocsphelper', path.join(service.dataDir, 'ca', 'ocsp-responder.crt')]);
    expect(verify.stdout).toContain(': OK');
  });

  it('answers a malformed request with malformedRequest', async () => {
    const response = await fetch(`${service.url}/pki/ocsp`, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: Buffer.from('not an OCSP request') });
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).toString('hex')).toBe('30030a0101');
  });

  it('answers a GET with invalid base64 with malformedRequest', async () => {
    const response = await fetch(`${service.url}/pki/ocsp/${encodeURIComponent('***not base64***')}`);
    expect(Buffer.from(await response.arrayBuffer()).toString('hex')).toBe('30030a0101');
  });

  it('answers an empty request with malformedRequest', async () => {
    const response = await fetch(`${service.url}/pki/ocsp`, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' } });
    expect(Buffer.from(await response.arrayBuffer()).toString('hex')).toBe('30030a0101');
  });

  it('rejects an oversized POST with a catalogue code', async () => {
    const response = await request(service, 'POST', '/pki/ocsp', { rawBody: 'A'.repeat(10_000), headers: { 'content-type': 'application/ocsp-request' } });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('BODY_TOO_LARGE');
  });

  it('rejects an oversized GET with a catalogue code', async () => {
    const response = await request(service, 'GET', `/pki/ocsp/${'A'.repeat(8_000)}`);
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('OCSP_REQUEST_TOO_LARGE');
  });

  it('rejects a POST that is not an OCSP request type', async () => {
    const response = await request(service, 'POST', '/pki/ocsp', { body: { hello: 'world' } });
    expect(response.status).toBe(415);
    expect(response.body.error.code).toBe('UNSUPPORTED_OCSP_MEDIA_TYPE');
    expect(response.body.error.message).toContain('application/ocsp-request');
  });

  it('answers revoked with time and reason after a revocation', async () => {
    const before = await ocspQuery();
    expect(before.stdout).toContain(`${files.holder}: good`);

    const token = await signInToken(service, holder);
    const revoked = await revokeThroughApi(service, token, holder.erc, 'keyCompromise');
    expect(revoked.status).toBe(200);

    for (const flags of [[], ['-sha256']]) {
      const after = await ocspQuery(...flags);
      expect(after.code, after.stderr).toBe(0);
      expect(after.stdout).toContain(`${files.holder}: revoked`);
      expect(after.stdout).toContain('Reason: keyCompromise');
      expect(after.stdout).toMatch(/Revocation Time: \w{3} +\d+ \d\d:\d\d:\d\d \d{4} GMT/);
      expect(after.stdout + after.stderr).toContain('Response verify OK');
    }
  });

  it('reports revocations from another process', async () => {
    const other = await service.enroll({ givenName: 'Besa', surname: 'Krasniqi' });
    const otherFiles = await writePkiFiles(service, other.certificatePem);
    const query = () =>
      run('openssl', ['ocsp', '-issuer', otherFiles.issuing, '-cert', otherFiles.holder, '-url', `${service.url}/pki/ocsp`, '-CAfile', otherFiles.root]);
    // The first response puts the certificate's status in the running service's cache.
    expect((await query()).stdout).toContain(`${otherFiles.holder}: good`);

    // A second context plays the part of an `eid-service` command run beside the service.
    const context = await service.openContext();
    try {
      const account = (await context.store.findAccountByUsername(other.username))!;
      await revokeCertificate(context, { certificate: account.certificate, reason: 'superseded', actor: 'test' });
    } finally {
      await context.store.close();
    }

    // The service reads the revocation generation again once generationCheckIntervalMs has passed.
    await new Promise((resolve) => setTimeout(resolve, generationCheckIntervalMs + 50));
    const after = await query();
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toContain(`${otherFiles.holder}: revoked`);
    expect(after.stdout).toContain('Reason: superseded');
  });
});

describe('OCSP responses without a nonce', () => {
  // A stopped clock keeps every response in one second, the span a response without a nonce is reused for.
  const stoppedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
  let frozen: TestService;
  let frozenHolder: EnrollmentResult;
  let frozenFiles: PkiFiles;

  beforeAll(async () => {
    frozen = await startTestService({ now: () => stoppedAt });
    frozenHolder = await frozen.enroll({ givenName: 'Vjosa', surname: 'Berisha' });
    frozenFiles = await writePkiFiles(frozen, frozenHolder.certificatePem);
  });

  afterAll(async () => {
    await frozen?.close();
  });

  async function post(requestFile: string): Promise<Buffer> {
    const body = await readFile(requestFile);
    return Buffer.from(await fetchBytes(frozen, '/pki/ocsp', { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body }));
  }

  async function statusIn(requestFile: string, response: Buffer): Promise<string> {
    const responseFile = path.join(frozenFiles.dir, `response-${Math.random().toString(36).slice(2)}.der`);
    await writeFile(responseFile, response);
    const result = await run('openssl', ['ocsp', '-reqin', requestFile, '-respin', responseFile, '-CAfile', frozenFiles.root, '-verify_other', frozenFiles.issuing, '-resp_text']);
    expect(result.stdout + result.stderr).toContain('Response verify OK');
    return /Cert Status: (\w+)/.exec(result.stdout)?.[1] ?? result.stdout;
  }

  async function writeFrozenRequest(name: string, ...extra: string[]): Promise<string> {
    const file = path.join(frozenFiles.dir, name);
    const result = await run('openssl', ['ocsp', '-issuer', frozenFiles.issuing, ...extra, '-cert', frozenFiles.holder, '-reqout', file]);
    expect(result.code, result.stderr).toBe(0);
    return file;
  }

  it('reuses the response within its second until the status changes', async () => {
    const withoutNonce = await writeFrozenRequest('no-nonce.der', '-no_nonce');
    const first = await post(withoutNonce);
    // ECDSA signatures are randomised, so equal bytes mean the same signed response.
    expect((await post(withoutNonce)).equals(first)).toBe(true);
    expect(await statusIn(withoutNonce, first)).toBe('good');

    const withNonce = await writeFrozenRequest('nonce.der');
    expect((await post(withNonce)).equals(await post(withNonce))).toBe(false);

    const token = await signInToken(frozen, frozenHolder);
    expect((await revokeThroughApi(frozen, token, frozenHolder.erc, 'keyCompromise')).status).toBe(200);
    const afterRevocation = await post(withoutNonce);
    expect(afterRevocation.equals(first)).toBe(false);
    expect(await statusIn(withoutNonce, afterRevocation)).toBe('revoked');
    expect((await post(withoutNonce)).equals(afterRevocation)).toBe(true);
  });
});
