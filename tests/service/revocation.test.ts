import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { EnrollmentResult } from '../../common/api/schemas';
import { revocationSteps } from '../../service/revocation/revocation-store';
import { ercThrottle, ercThrottleKey, revokeCertificate } from '../../service/revocation/revoke';
import { revokeThroughApi, signInToken } from '../helpers/certificate-status';
import { run } from '../helpers/processes';
import { request, startTestService, uniquePersonalNumber, type TestService } from '../helpers/service';
import { createDeviceKey, enrollWithWallet, walletSign, sha256Base64 } from '../helpers/wallet';

// A clock that only moves when a test moves it, so a throttle block lasts as long as the test needs.
let clock = Date.now();
let service: TestService;

beforeAll(async () => {
  service = await startTestService({ now: () => new Date(clock) });
});

afterAll(async () => {
  await service?.close();
});

interface RevocationState {
  status: string;
  revokedAt: string | null;
  revocationReason: string | null;
  crlEntries: number;
  crlRevision: number;
  ocspGeneration: number;
  activeDevices: number;
}

/** Reads every row a revocation writes, through a second context on the data folder. */
async function revocationState(serial: string): Promise<RevocationState> {
  const context = await service.openContext();
  try {
    const database = context.store.database;
    const certificate = database.prepare('SELECT id, status, revoked_at, revocation_reason FROM certificates WHERE serial_number = ?').get(serial) as Record<string, any>;
    return {
      status: certificate.status,
      revokedAt: certificate.revoked_at,
      revocationReason: certificate.revocation_reason,
      crlEntries: (database.prepare('SELECT count(*) AS n FROM crl_entries WHERE certificate_id = ?').get(certificate.id) as any).n,
      crlRevision: (database.prepare('SELECT revision FROM crl_state').get() as any).revision,
      ocspGeneration: (database.prepare('SELECT generation FROM ocsp_state').get() as any).generation,
      activeDevices: (database.prepare('SELECT count(*) AS n FROM wallet_devices WHERE certificate_id = ? AND deactivated_at IS NULL').get(certificate.id) as any).n,
    };
  } finally {
    await context.store.close();
  }
}

const holderName = { givenName: 'Ëlira Çiçek', surname: 'Čolić-Đukić Šaž' };
const revokedSubject = 'Certifikata juaj u revokua';

/** Returns the emails to `email` in the outbox, where they stay without an SMTP server. */
async function emailsTo(email: string): Promise<Array<{ subject: string; text: string }>> {
  const context = await service.openContext();
  try {
    return context.store.database.prepare(`SELECT subject, body_text AS text FROM outbox WHERE recipient = ? AND channel = 'email'`).all(email) as Array<{
      subject: string;
      text: string;
    }>;
  } finally {
    await context.store.close();
  }
}

async function emailSubjects(email: string): Promise<string[]> {
  return (await emailsTo(email)).map((message) => message.subject);
}

describe('revocation', () => {
  it('revokes certificate, CRL, OCSP and wallet together', async () => {
    const device = createDeviceKey();
    const email = 'revoked.holder@example.org';
    const holder = await enrollWithWallet(service, device, { ...holderName, email });
    const token = await signInToken(service, holder);
    const before = await revocationState(holder.serial);
    expect(before).toMatchObject({ status: 'active', crlEntries: 0, activeDevices: 1 });
    expect(await emailSubjects(email)).not.toContain(revokedSubject);

    const response = await revokeThroughApi(service, token, holder.erc.toLowerCase(), 'keyCompromise');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ serialNumber: holder.serial, revokedAt: new Date(Math.floor(clock / 1000) * 1000).toISOString(), revocationReason: 'keyCompromise' });

    const after = await revocationState(holder.serial);
    expect(after).toEqual({
      status: 'revoked',
      revokedAt: response.body.revokedAt,
      revocationReason: 'keyCompromise',
      crlEntries: 1,
      crlRevision: before.crlRevision + 1,
      ocspGeneration: before.ocspGeneration + 1,
      activeDevices: 0,
    });
    const notice = (await emailsTo(email)).find((message) => message.subject === revokedSubject);
    expect(notice?.text).toContain(`Certifikata: ID digjitale, nr. serik ${holder.serial}.`);

    const signature = await walletSign(service, { device, serial: holder.serial, pin: holder.pin, hashes: [sha256Base64('document')] });
    expect(signature.status).toBeGreaterThanOrEqual(400);
  });

  it('keeps sign-in, certificate view and downloads after revocation', async () => {
    const holder = await service.enroll(holderName);
    const token = await signInToken(service, holder);
    expect((await revokeThroughApi(service, token, holder.erc, 'cessationOfOperation')).status).toBe(200);

    const again = await signInToken(service, holder);
    const info = await request(service, 'GET', '/api/v1/certificate', { token: again });
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ status: 'revoked', serialNumber: holder.serial, revocationReason: 'cessationOfOperation' });

    const download = await fetch(`${service.url}/api/v1/certificate/download?format=pem`, { headers: { authorization: `Bearer ${again}` } });
    expect(download.status).toBe(200);
    expect(await download.text()).toBe(holder.certificatePem);
  });

  it('names the revoked seal in the email', async () => {
    const email = 'seal.holder@example.org';
    const seal = await service.enrollSeal({ email, businessName: 'Ilir Trade SH.P.K.' });
    const token = await signInToken(service, seal);
    expect((await revokeThroughApi(service, token, seal.erc, 'cessationOfOperation')).status).toBe(200);

    const notice = (await emailsTo(email)).find((message) => message.subject === revokedSubject);
    expect(notice?.text).toContain(`Certifikata: vula digjitale e Ilir Trade SH.P.K., nr. serik ${seal.serial}.`);
  });

  it('issues a revocation receipt with serial, time, reason and the holder name', async () => {
    const holder = await service.enroll(holderName);
    const token = await signInToken(service, holder);
    const early = await request(service, 'GET', '/api/v1/certificate/revocation/receipt', { token });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('CERTIFICATE_NOT_REVOKED');

    const revoked = await revokeThroughApi(service, token, holder.erc, 'affiliationChanged');
    const response = await fetch(`${service.url}/api/v1/certificate/revocation/receipt`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const file = path.join(os.tmpdir(), `eid-receipt-${holder.serial}.pdf`);
    await writeFile(file, new Uint8Array(await response.arrayBuffer()));

    const text = await run('pdftotext', ['-enc', 'UTF-8', file, '-']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`${holderName.givenName} ${holderName.surname}`);
    expect(text.stdout).toContain(holder.serial);
    for (const part of ['Ndryshim i të dhënave', 'Promena podataka', 'Affiliation changed']) expect(text.stdout).toContain(part);
    for (const title of ['Dëftesë e revokimit të certifikatës', 'Potvrda o opozivu sertifikata', 'Certificate revocation receipt']) expect(text.stdout).toContain(title);
    const at = new Date(revoked.body.revokedAt);
    expect(text.stdout).toContain(`${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}:${String(at.getUTCSeconds()).padStart(2, '0')} UTC`);
  });

  describe('bad input changes nothing', () => {
    let holder: EnrollmentResult;
    let token: string;

    beforeAll(async () => {
      holder = await service.enroll();
      token = await signInToken(service, holder);
    });

    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['unknown reason', { reason: 'certificateHold', confirmation: 'REVOKE' }, 'INVALID_REVOCATION_REASON'],
      ['missing confirmation', { reason: 'keyCompromise' }, 'REVOCATION_NOT_CONFIRMED'],
      ['wrong confirmation word', { reason: 'keyCompromise', confirmation: 'yes' }, 'REVOCATION_NOT_CONFIRMED'],
      ['confirmation word in lower case', { reason: 'keyCompromise', confirmation: 'revoko' }, 'REVOCATION_NOT_CONFIRMED'],
      ['missing ERC', { reason: 'keyCompromise', confirmation: 'REVOKE', erc: undefined }, 'VALIDATION_FAILED'],
    ];
    for (const [name, body, code] of cases) {
      it(`rejects ${name}`, async () => {
        const before = await revocationState(holder.serial);
        const response = await request(service, 'POST', '/api/v1/certificate/revocation', { token, body: { erc: holder.erc, ...body } });
        expect(response.status).toBe(400);
        expect(response.body.error.code).toBe(code);
        expect(await revocationState(holder.serial)).toEqual(before);
      });
    }

    it('accepts the confirmation word of each language', async () => {
      for (const confirmation of ['REVOKO', ' OPOZOVI ', 'REVOKE']) {
        const response = await request(service, 'POST', '/api/v1/certificate/revocation', { token, body: { reason: 'keyCompromise', erc: 'WRONG-WRONG-WRONG', confirmation } });
        // Past validation, the wrong ERC is what fails.
        expect(response.body.error.code).toBe('WRONG_ERC');
      }
      const context = await service.openContext();
      const certificateId = (context.store.database.prepare('SELECT id FROM certificates WHERE serial_number = ?').get(holder.serial) as any).id;
      await context.store.clearThrottle(ercThrottleKey(certificateId));
      await context.store.close();
    });

    it('rejects an unauthenticated revocation', async () => {
      const response = await request(service, 'POST', '/api/v1/certificate/revocation', { body: { reason: 'keyCompromise', erc: holder.erc, confirmation: 'REVOKE' } });
      expect(response.status).toBe(401);
      expect((await revocationState(holder.serial)).status).toBe('active');
    });
  });

  it('counts a wrong ERC and throttles ERC guessing', async () => {
    const holder = await service.enroll();
    const token = await signInToken(service, holder);
    const before = await revocationState(holder.serial);

    for (let attempt = 1; attempt <= ercThrottle.freeFailures; attempt += 1) {
      const response = await revokeThroughApi(service, token, 'AAAA-BBBB-CCCC-DDDD');
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('WRONG_ERC');
      expect(response.body.error.fields).toEqual([{ path: 'erc', code: 'WRONG_ERC' }]);
    }

    const context = await service.openContext();
    const certificateId = (context.store.database.prepare('SELECT id FROM certificates WHERE serial_number = ?').get(holder.serial) as any).id;
    const throttle = await context.store.getThrottle(ercThrottleKey(certificateId));
    await context.store.close();
    expect(throttle?.failures).toBe(ercThrottle.freeFailures);

    // Blocked now, even with the right ERC.
    const blocked = await revokeThroughApi(service, token, holder.erc);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(blocked.body.error.retryAfterSeconds).toBeGreaterThan(0);
    expect(await revocationState(holder.serial)).toEqual(before);

    clock += 2000;
    expect((await revokeThroughApi(service, token, holder.erc)).status).toBe(200);
  });

  it('rejects revoking twice', async () => {
    const holder = await service.enroll();
    const token = await signInToken(service, holder);
    expect((await revokeThroughApi(service, token, holder.erc)).status).toBe(200);
    const before = await revocationState(holder.serial);

    const second = await revokeThroughApi(service, token, holder.erc, 'superseded');
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('CERTIFICATE_ALREADY_REVOKED');
    expect(await revocationState(holder.serial)).toEqual(before);
  });

  describe('atomicity', () => {
    for (const failingStep of revocationSteps) {
      it(`rolls back everything when the ${failingStep} step fails`, async () => {
        const holder = await enrollWithWallet(service, createDeviceKey());
        const before = await revocationState(holder.serial);
        const context = await service.openContext();
        try {
          const account = (await context.store.findAccountByUsername(holder.username))!;
          const steps: string[] = [];
          await expect(
            revokeCertificate(context, {
              certificate: account.certificate,
              reason: 'keyCompromise',
              actor: 'test',
              afterStep: (step) => {
                steps.push(step);
                if (step === failingStep) throw new Error(`injected failure after ${step}`);
              },
            }),
          ).rejects.toThrow(`injected failure after ${failingStep}`);
          expect(steps).toEqual(revocationSteps.slice(0, revocationSteps.indexOf(failingStep) + 1));
        } finally {
          await context.store.close();
        }
        expect(await revocationState(holder.serial)).toEqual(before);
      });
    }

    it('writes every step when none fails', async () => {
      const holder = await enrollWithWallet(service, createDeviceKey());
      const before = await revocationState(holder.serial);
      const context = await service.openContext();
      try {
        const account = (await context.store.findAccountByUsername(holder.username))!;
        await revokeCertificate(context, { certificate: account.certificate, reason: 'superseded', actor: 'test', afterStep: () => undefined });
      } finally {
        await context.store.close();
      }
      expect(await revocationState(holder.serial)).toMatchObject({
        status: 'revoked',
        revocationReason: 'superseded',
        crlEntries: 1,
        crlRevision: before.crlRevision + 1,
        ocspGeneration: before.ocspGeneration + 1,
        activeDevices: 0,
      });
    });
  });

  describe('emergency revocation', () => {
    const path = '/api/v1/certificate/emergency-revocation';

    it('answers the same for wrong details and changes nothing', async () => {
      const personalNumber = uniquePersonalNumber();
      const email = 'emergency.mismatch@example.org';
      const holder = await service.enroll({ personalNumber, email });
      const before = await revocationState(holder.serial);

      const attempts = [
        { personalNumber, username: holder.username, erc: 'AAAA-BBBB-CCCC-DDDD' },
        { personalNumber: uniquePersonalNumber(), username: holder.username, erc: holder.erc },
        { personalNumber, username: 'nobody.here.0000', erc: holder.erc },
      ];
      for (const body of attempts) {
        const response = await request(service, 'POST', path, { body });
        expect(response.status).toBe(202);
        expect(response.body).toEqual({ status: 'received' });
      }
      expect(await revocationState(holder.serial)).toEqual(before);
      expect(await emailSubjects(email)).not.toContain(revokedSubject);
    });

    it('revokes when personal number, user name and ERC match', async () => {
      const personalNumber = uniquePersonalNumber();
      const email = 'emergency.match@example.org';
      const holder = await service.enroll({ personalNumber, email });
      const response = await request(service, 'POST', path, { body: { personalNumber, username: holder.username, erc: holder.erc } });
      expect(response.status).toBe(202);
      expect(response.body).toEqual({ status: 'received' });
      expect(await revocationState(holder.serial)).toMatchObject({ status: 'revoked', revocationReason: 'keyCompromise', crlEntries: 1 });
      // The email is sent after the response, so that its timing does not reveal a match.
      await expect.poll(() => emailSubjects(email)).toContain(revokedSubject);
    });

    it('throttles attempts per personal number', async () => {
      const personalNumber = uniquePersonalNumber();
      const holder = await service.enroll({ personalNumber });
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 4; attempt += 1) {
        statuses.push((await request(service, 'POST', path, { body: { personalNumber, username: holder.username, erc: 'AAAA-BBBB-CCCC-DDDD' } })).status);
      }
      expect(statuses).toEqual([202, 202, 202, 429]);
      const blocked = await request(service, 'POST', path, { body: { personalNumber, username: holder.username, erc: holder.erc } });
      expect(blocked.body.error.code).toBe('TOO_MANY_ATTEMPTS');
      expect((await revocationState(holder.serial)).status).toBe('active');
    });

    it('rejects an invalid personal number with its catalogue code', async () => {
      const response = await request(service, 'POST', path, { body: { personalNumber: '12', username: 'a', erc: 'b' } });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('INVALID_PERSONAL_NUMBER');
    });
  });
});
