import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { databaseFile } from '../../service/context';
import { SmtpSink } from '../peers/smtp-sink';
import { codeFromEmail, uniqueEmail, waitForEmails } from '../helpers/recovery';
import { holderRequest, request, startTestService, uniquePersonalNumber, type TestService } from '../helpers/service';

const newPassword = 'Liqeni i Batllavës 2026';
const generousLimit = { freeFailures: 10_000, maxDelaySeconds: 1, windowSeconds: 60 };

let sink: SmtpSink;
let service: TestService;
let clockOffsetMs = 0;

beforeAll(async () => {
  sink = new SmtpSink();
  await sink.start();
  service = await startTestService({
    smtpUrl: sink.url,
    now: () => new Date(Date.now() + clockOffsetMs),
    // Every request here comes from 127.0.0.1; the per-address limits get their own test below.
    recoveryThrottle: { address: generousLimit, ercAddress: generousLimit },
  });
});

afterAll(async () => {
  await service?.close();
  await sink?.stop();
});

function tableCounts(): Record<string, number> {
  const db = new Database(databaseFile(service.dataDir), { readonly: true });
  try {
    const counts: Record<string, number> = {};
    for (const table of ['recovery_requests', 'audit_log', 'sign_in_throttle', 'outbox']) {
      counts[table] = (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    }
    return counts;
  } finally {
    db.close();
  }
}

function auditEvents(requestId: string): string[] {
  const db = new Database(databaseFile(service.dataDir), { readonly: true });
  try {
    const rows = db.prepare(`SELECT event FROM audit_log WHERE json_extract(details, '$.requestId') = ? ORDER BY id`).all(requestId) as Array<{ event: string }>;
    return rows.map((row) => row.event);
  } finally {
    db.close();
  }
}

async function enrollHolder() {
  const holder = holderRequest({ email: uniqueEmail() });
  const digitalId = await service.enroll(holder);
  return { holder, digitalId };
}

/** Starts a request and returns its id and the code from the email it sent. */
async function startAndReadCode(personalNumber: string, email: string, want: 'username' | 'erc' | 'password') {
  const before = sink.messages.filter((message) => message.to.includes(email)).length;
  const started = await request(service, 'POST', '/api/v1/recovery', { body: { personalNumber, email, want } });
  expect(started.status).toBe(202);
  const emails = await waitForEmails(sink, email, before + 1);
  return { requestId: started.body.requestId as string, code: codeFromEmail(emails[before]!), email: emails[before]! };
}

const verify = (requestId: string, code: string) => request(service, 'POST', `/api/v1/recovery/${requestId}/verify`, { body: { code } });
const signIn = (username: string, password: string) =>
  request(service, 'POST', '/api/v1/sessions', { body: { username, password, client: 'desktop' } });

describe('user name recovery', () => {
  it('emails a code and returns the user names of every certificate', async () => {
    const { holder, digitalId } = await enrollHolder();
    const { kind: _kind, ...personal } = holder;
    const seal = await service.enrollSeal({ ...personal, businessName: 'Drita SH.P.K.' });

    const { requestId, code, email } = await startAndReadCode(holder.personalNumber, holder.email, 'username');
    expect(email.subject).toBe('Kodi për rikthimin e të dhënave të certifikatës');
    expect(email.subject).not.toContain(code);
    expect(email.raw).toContain('Content-Type: text/plain');
    expect(email.raw).toContain('Content-Type: text/html');

    const verified = await verify(requestId, code);
    expect(verified.status).toBe(200);
    expect(verified.body.want).toBe('username');
    expect(verified.body.grant).toBeNull();
    expect(verified.body.certificates.map((certificate: { username: string }) => certificate.username).sort()).toEqual([digitalId.username, seal.username].sort());

    const notices = await waitForEmails(sink, holder.email, 2);
    expect(notices[1]!.subject).toBe('Të dhënat e certifikatës suaj u rikthyen');
    expect(notices[1]!.raw).not.toContain(digitalId.username);

    expect(auditEvents(requestId)).toEqual(['recovery-requested', 'recovery-verified']);
  });

  it('refuses a used code', async () => {
    const { holder } = await enrollHolder();
    const { requestId, code } = await startAndReadCode(holder.personalNumber, holder.email, 'username');
    expect((await verify(requestId, code)).status).toBe(200);

    const again = await verify(requestId, code);
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe('RECOVERY_REQUEST_CLOSED');
  });

  it('refuses an expired code', async () => {
    const { holder } = await enrollHolder();
    const { requestId, code } = await startAndReadCode(holder.personalNumber, holder.email, 'username');
    clockOffsetMs = 10 * 60 * 1000 + 1000;
    try {
      const late = await verify(requestId, code);
      expect(late.status).toBe(410);
      expect(late.body.error.code).toBe('RECOVERY_CODE_EXPIRED');
    } finally {
      clockOffsetMs = 0;
    }
  });

  it('ends the request after 5 wrong codes', async () => {
    const { holder } = await enrollHolder();
    const { requestId, code } = await startAndReadCode(holder.personalNumber, holder.email, 'username');
    const wrong = code === '00000000' ? '11111111' : '00000000';

    for (let attempt = 1; attempt <= 4; attempt += 1) {
      const answer = await verify(requestId, wrong);
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('RECOVERY_CODE_WRONG');
      expect(answer.body.error.triesLeft).toBe(5 - attempt);
    }
    const fifth = await verify(requestId, wrong);
    expect(fifth.body.error.code).toBe('RECOVERY_REQUEST_CLOSED');

    const right = await verify(requestId, code);
    expect(right.status).toBe(410);
    expect(right.body.error.code).toBe('RECOVERY_REQUEST_CLOSED');
  });

  it('invalidates the older code when a new request starts', async () => {
    const { holder } = await enrollHolder();
    const older = await startAndReadCode(holder.personalNumber, holder.email, 'username');
    const newer = await startAndReadCode(holder.personalNumber, holder.email, 'username');

    const stale = await verify(older.requestId, older.code);
    expect(stale.body.error.code).toBe('RECOVERY_REQUEST_CLOSED');
    expect((await verify(newer.requestId, newer.code)).status).toBe(200);
  });
});

describe('ERC recovery', () => {
  it('shows the chosen certificate ERC once', async () => {
    const { holder, digitalId } = await enrollHolder();
    const { requestId, code } = await startAndReadCode(holder.personalNumber, holder.email, 'erc');

    const verified = await verify(requestId, code);
    expect(verified.status).toBe(200);
    expect(verified.body.grant).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(verified.body.certificates).toEqual([expect.objectContaining({ serialNumber: digitalId.serial, kind: 'digital-id', username: null })]);

    const body = { grant: verified.body.grant, certificateSerial: digitalId.serial };
    const shown = await request(service, 'POST', `/api/v1/recovery/${requestId}/erc`, { body });
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual({ certificateSerial: digitalId.serial, erc: digitalId.erc });

    const again = await request(service, 'POST', `/api/v1/recovery/${requestId}/erc`, { body });
    expect(again.body.error.code).toBe('RECOVERY_REQUEST_CLOSED');

    const notices = await waitForEmails(sink, holder.email, 2);
    expect(notices[1]!.raw).not.toContain(digitalId.erc);
    expect(auditEvents(requestId)).toEqual(['recovery-requested', 'recovery-verified', 'recovery-erc-shown']);
  });

  it('rejects a wrong grant and the password step on an ERC request', async () => {
    const { holder, digitalId } = await enrollHolder();
    const { requestId, code } = await startAndReadCode(holder.personalNumber, holder.email, 'erc');
    const verified = await verify(requestId, code);

    const forged = await request(service, 'POST', `/api/v1/recovery/${requestId}/erc`, { body: { grant: 'A'.repeat(43), certificateSerial: digitalId.serial } });
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('RECOVERY_STEP_NOT_ALLOWED');

    const wrongStep = await request(service, 'POST', `/api/v1/recovery/${requestId}/password`, {
      body: { grant: verified.body.grant, certificateSerial: digitalId.serial, newPassword },
    });
    expect(wrongStep.body.error.code).toBe('RECOVERY_STEP_NOT_ALLOWED');
    expect((await signIn(digitalId.username, digitalId.password)).status).toBe(201);
  });
});

describe('password recovery', () => {
  it('resets only the chosen seal password', async () => {
    const { holder, digitalId } = await enrollHolder();
    const { kind: _kind, ...personal } = holder;
    const sealA = await service.enrollSeal({ ...personal, businessName: 'Drita SH.P.K.' });
    const sealB = await service.enrollSeal({ ...personal, businessName: 'Agro Kosova L.L.C.' });

    const sessions = {
      digitalId: (await signIn(digitalId.username, digitalId.password)).body.token as string,
      sealA: (await signIn(sealA.username, sealA.password)).body.token as string,
      sealB: (await signIn(sealB.username, sealB.password)).body.token as string,
    };

    const { requestId, code } = await startAndReadCode(holder.personalNumber, holder.email, 'password');
    const verified = await verify(requestId, code);
    expect(verified.body.certificates.map((certificate: { serialNumber: string }) => certificate.serialNumber).sort()).toEqual(
      [digitalId.serial, sealA.serial, sealB.serial].sort(),
    );
    const listedSealB = verified.body.certificates.find((certificate: { serialNumber: string }) => certificate.serialNumber === sealB.serial);
    expect(listedSealB).toMatchObject({ kind: 'digital-seal', businessName: 'Agro Kosova L.L.C.' });

    const tooShort = await request(service, 'POST', `/api/v1/recovery/${requestId}/password`, {
      body: { grant: verified.body.grant, certificateSerial: sealB.serial, newPassword: 'short' },
    });
    expect(tooShort.body.error.code).toBe('PASSWORD_TOO_SHORT');

    const reset = await request(service, 'POST', `/api/v1/recovery/${requestId}/password`, {
      body: { grant: verified.body.grant, certificateSerial: sealB.serial, newPassword },
    });
    expect(reset.status).toBe(200);
    expect(reset.body).toEqual({ certificateSerial: sealB.serial, username: sealB.username, endedSessions: 1 });

    expect((await signIn(sealB.username, newPassword)).status).toBe(201);
    expect((await signIn(sealB.username, sealB.password)).status).toBe(401);
    expect((await signIn(digitalId.username, digitalId.password)).status).toBe(201);
    expect((await signIn(sealA.username, sealA.password)).status).toBe(201);

    expect((await request(service, 'GET', '/api/v1/me', { token: sessions.sealB })).body.error.code).toBe('SESSION_EXPIRED');
    expect((await request(service, 'GET', '/api/v1/me', { token: sessions.digitalId })).status).toBe(200);
    expect((await request(service, 'GET', '/api/v1/me', { token: sessions.sealA })).status).toBe(200);

    expect(auditEvents(requestId)).toEqual(['recovery-requested', 'recovery-verified', 'recovery-password-reset']);
  });
});

describe('password reset with the ERC', () => {
  it('sets the password with the user name and ERC', async () => {
    const { holder, digitalId } = await enrollHolder();
    const reset = await request(service, 'POST', '/api/v1/recovery/password-with-erc', {
      body: { username: digitalId.username, erc: digitalId.erc.toLowerCase(), newPassword },
    });
    expect(reset.status).toBe(200);
    expect(reset.body).toEqual({ endedSessions: 0 });
    expect((await signIn(digitalId.username, newPassword)).status).toBe(201);

    const notices = await waitForEmails(sink, holder.email, 1);
    expect(notices[0]!.subject).toBe('Të dhënat e certifikatës suaj u rikthyen');
  });

  it('answers a wrong user name and a wrong ERC the same way', async () => {
    const { digitalId } = await enrollHolder();
    const wrongErc = await request(service, 'POST', '/api/v1/recovery/password-with-erc', {
      body: { username: digitalId.username, erc: 'AAAA-BBBB-CCCC-DDDD', newPassword },
    });
    const wrongUsername = await request(service, 'POST', '/api/v1/recovery/password-with-erc', {
      body: { username: `${digitalId.username}x`, erc: digitalId.erc, newPassword },
    });
    expect(wrongErc.status).toBe(400);
    expect(wrongUsername.status).toBe(wrongErc.status);
    expect(wrongUsername.body).toEqual(wrongErc.body);
    expect(wrongErc.body.error.code).toBe('INVALID_USERNAME_OR_ERC');
    expect((await signIn(digitalId.username, digitalId.password)).status).toBe(201);
  });

  it('slows down wrong ERCs per user name', async () => {
    const { digitalId } = await enrollHolder();
    const attempt = () =>
      request(service, 'POST', '/api/v1/recovery/password-with-erc', { body: { username: digitalId.username, erc: 'AAAA-BBBB-CCCC-DDDD', newPassword } });
    for (let index = 0; index < 5; index += 1) expect((await attempt()).body.error.code).toBe('INVALID_USERNAME_OR_ERC');
    const blocked = await attempt();
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('TOO_MANY_ATTEMPTS');
  });
});

describe('recovery bad input', () => {
  it.each([
    ['a malformed personal number', { personalNumber: '12345', email: 'a@example.org', want: 'username' }, 400, 'INVALID_PERSONAL_NUMBER'],
    ['a malformed email', { personalNumber: '1234567890', email: 'not-an-email', want: 'username' }, 400, 'INVALID_EMAIL'],
    ['a missing email', { personalNumber: '1234567890', want: 'username' }, 400, 'VALIDATION_FAILED'],
    ['an unknown want', { personalNumber: '1234567890', email: 'a@example.org', want: 'pin' }, 400, 'VALIDATION_FAILED'],
  ])('rejects %s before any look-up and writes nothing', async (_label, body, status, code) => {
    const before = tableCounts();
    const answer = await request(service, 'POST', '/api/v1/recovery', { body });
    expect(answer.status).toBe(status);
    expect(answer.body.error.code).toBe(code);
    expect(tableCounts()).toEqual(before);
  });

  it('rejects an unknown request id', async () => {
    const unknown = await verify('A'.repeat(22), '12345678');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('RECOVERY_NOT_FOUND');

    const malformed = await verify('not-an-id', '12345678');
    expect(malformed.status).toBe(404);
    expect(malformed.body.error.code).toBe('RECOVERY_NOT_FOUND');
  });

  it('rejects a malformed code without using a try', async () => {
    const { holder } = await enrollHolder();
    const { requestId, code } = await startAndReadCode(holder.personalNumber, holder.email, 'username');
    for (const bad of ['1234', 'abcdefgh', '']) {
      const answer = await verify(requestId, bad);
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('INVALID_RECOVERY_CODE');
    }
    expect((await verify(requestId, code)).status).toBe(200);
  });

  it('rejects the code of another request and keeps both usable', async () => {
    const first = await enrollHolder();
    const second = await enrollHolder();
    const a = await startAndReadCode(first.holder.personalNumber, first.holder.email, 'username');
    const b = await startAndReadCode(second.holder.personalNumber, second.holder.email, 'username');
    if (a.code === b.code) return;

    const crossed = await verify(b.requestId, a.code);
    expect(crossed.status).toBe(400);
    expect(crossed.body.error.code).toBe('RECOVERY_CODE_WRONG');
    expect((await verify(a.requestId, a.code)).status).toBe(200);
    expect((await verify(b.requestId, b.code)).status).toBe(200);
  });
});

describe('recovery throttling', () => {
  it('slows down requests for one personal number', async () => {
    const { holder } = await enrollHolder();
    for (let index = 0; index < 5; index += 1) {
      const email = index === 0 ? holder.email : uniqueEmail('other');
      expect((await request(service, 'POST', '/api/v1/recovery', { body: { personalNumber: holder.personalNumber, email, want: 'username' } })).status).toBe(202);
    }
    const blocked = await request(service, 'POST', '/api/v1/recovery', { body: { personalNumber: holder.personalNumber, email: uniqueEmail('other'), want: 'username' } });
    expect(blocked.status).toBe(429);
  });

  it('slows down requests for one email address', async () => {
    const email = uniqueEmail('target');
    for (let index = 0; index < 5; index += 1) {
      expect((await request(service, 'POST', '/api/v1/recovery', { body: { personalNumber: uniquePersonalNumber(), email, want: 'erc' } })).status).toBe(202);
    }
    const blocked = await request(service, 'POST', '/api/v1/recovery', { body: { personalNumber: uniquePersonalNumber(), email, want: 'erc' } });
    expect(blocked.status).toBe(429);
  });

  it('slows down requests from one address with the default policy', async () => {
    const defaults = await startTestService();
    try {
      const send = () =>
        request(defaults, 'POST', '/api/v1/recovery', { body: { personalNumber: uniquePersonalNumber(), email: uniqueEmail('address'), want: 'username' } });
      for (let index = 0; index < 30; index += 1) expect((await send()).status).toBe(202);
      expect((await send()).status).toBe(429);
    } finally {
      await defaults.close();
    }
  });
});
