import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { derToPem } from '../../service/ca/pem';
import { request, type TestService } from './service';

/** PEM files of the CA chain and one holder certificate in a fresh temporary folder, for openssl. */
export interface PkiFiles {
  dir: string;
  root: string;
  issuing: string;
  /** The issuing and the root CA certificate in one file. */
  chain: string;
  holder: string;
}

export async function writePkiFiles(service: TestService, holderPem: string): Promise<PkiFiles> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'eid-pki-'));
  const rootPem = derToPem(await fetchBytes(service, '/pki/root.crt'), 'CERTIFICATE');
  const issuingPem = derToPem(await fetchBytes(service, '/pki/issuing.crt'), 'CERTIFICATE');

  const files: PkiFiles = {
    dir,
    root: path.join(dir, 'root.pem'),
    issuing: path.join(dir, 'issuing.pem'),
    chain: path.join(dir, 'chain.pem'),
    holder: path.join(dir, 'holder.pem'),
  };
  await writeFile(files.root, rootPem);
  await writeFile(files.issuing, issuingPem);
  await writeFile(files.chain, issuingPem + rootPem);
  await writeFile(files.holder, holderPem);
  return files;
}

export async function fetchBytes(service: { url: string }, urlPath: string, init?: RequestInit): Promise<Uint8Array<ArrayBuffer>> {
  const response = await fetch(`${service.url}${urlPath}`, init);
  if (!response.ok) throw new Error(`${urlPath} answered ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Signs in through the API as the desktop client does and returns the bearer token. */
export async function signInToken(service: TestService, holder: { username: string; password: string }): Promise<string> {
  const response = await request(service, 'POST', '/api/v1/sessions', { body: { username: holder.username, password: holder.password, client: 'desktop' } });
  if (response.status !== 201) throw new Error(`Sign-in failed with ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body.token as string;
}

/** Revokes the signed-in certificate through the API. */
export async function revokeThroughApi(service: TestService, token: string, erc: string, reason = 'keyCompromise'): Promise<{ status: number; body: any }> {
  return request(service, 'POST', '/api/v1/certificate/revocation', { token, body: { reason, erc, confirmation: 'REVOKE' } });
}
