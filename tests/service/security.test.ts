import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SmtpSink } from '../peers/smtp-sink';
import { request, startTestService, type TestService } from '../helpers/service';
import { signIn } from '../helpers/wallet';

let smtp: SmtpSink;
let service: TestService;

beforeAll(async () => {
  smtp = new SmtpSink();
  service = await startTestService({ smtpUrl: await smtp.start() });
});

afterAll(async () => {
  await service?.close();
  await smtp?.stop();
});

type Holder = Awaited<ReturnType<TestService['enroll']>>;

async function enrolled(overrides: Parameters<TestService['enroll']>[0] = {}): Promise<{ holder: Holder; token: string }> {
  const holder = await service.enroll({ email: `holder.${Math.random().toString(36).slice(2)}@example.org`, ...overrides });
  return { holder, token: await signIn(service, holder) };
}

function api(token: string, method: string, path: string, body?: unknown) {
  return request(service, method, path, { token, body });
}

/** Reads the credential row as stored, to prove that a rejected request changed nothing. */
async function credentialRow(serial: string): Promise<Record<string, unknown>> {
  const context = await service.openContext();
  try {
    return context.store.database
      .prepare('SELECT cr.* FROM credentials cr JOIN certificates c ON c.id = cr.certificate_id WHERE c.serial_number = ?')
      .get(serial) as Record<string, unknown>;
  } finally {
    await context.store.close();
  }
}

async function setRevoked(serial: string): Promise<void> {
  const context = await service.openContext();
  try {
    context.store.database.prepare(`UPDATE certificates SET status = 'revoked', revoked_at = ? WHERE serial_number = ?`).run(new Date().toISOString(), serial);
  } finally {
    await context.store.close();
  }
}

async function auditEvents(serial: string): Promise<string[]> {
  const context = await service.openContext();
  try {
    const row = context.store.database.prepare('SELECT id FROM certificates WHERE serial_number = ?').get(serial) as { id: number };
    expect(await context.store.verifyAuditChain()).toBeNull();
    return (await context.store.listAudit(row.id, 100)).map((entry) => entry.event).reverse();
  } finally {
    await context.store.close();
  }
}

describe('security state', () => {
  it('shows the PIN, PUK, wallet and certificate state', async () => {
    const { token } = await enrolled();
    const state = await api(token, 'GET', '/api/v1/security');
    expect(state.status).toBe(200);
    expect(state.body).toEqual({
      pin: { state: 'ok', triesLeft: 3, maxTries: 3 },
      puk: { state: 'ok', triesLeft: 10, maxTries: 10 },
      wallet: { state: 'none', deviceLabel: null, since: null },
      certificateRevoked: false,
    });
  });

  it('requires a session', async () => {
    const response = await request(service, 'GET', '/api/v1/security');
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('UNAUTHENTICATED');
  });
});

describe('PIN change', () => {
  it.each([
    { language: 'sr-Latn' as const, subject: 'PIN vašeg sertifikata je promenjen' },
    { language: 'en' as const, subject: 'The PIN of your certificate was changed' },
  ])('emails the holder in $language', async ({ language, subject }) => {
    const email = `pin.change.${language.toLowerCase()}@example.org`;
    const { holder, token } = await enrolled({ email, language });
    const response = await api(token, 'POST', '/api/v1/security/pin', { currentPin: holder.pin, newPin: '730518' });
    expect(response.status).toBe(200);
    expect((await smtp.waitFor(email)).subject).toBe(subject);
  });

  it('changes the PIN, emails the holder without the PIN, and audits', async () => {
    const { holder, token } = await enrolled({ email: 'pin.change@example.org' });
    const before = await credentialRow(holder.serial);

    const response = await api(token, 'POST', '/api/v1/security/pin', { currentPin: holder.pin, newPin: '730518' });
    expect(response.status).toBe(200);
    expect(response.body.pin).toEqual({ state: 'ok', triesLeft: 3, maxTries: 3 });

    const after = await credentialRow(holder.serial);
    expect(Buffer.compare(after.pin_wrapped_key as Buffer, before.pin_wrapped_key as Buffer)).not.toBe(0);
    expect(Buffer.compare(after.sealed_private_key as Buffer, before.sealed_private_key as Buffer)).toBe(0);

    const email = await smtp.waitFor('pin.change@example.org');
    expect(email.subject).toBe('PIN-i i certifikatës suaj u ndryshua');
    // Quoted-printable bodies break long lines with "=" at the end. Joined again, the serial is whole.
    expect(email.raw.replace(/=\r?\n/g, '')).toContain(holder.serial);
    expect(email.raw).not.toContain('730518');
    expect(email.raw).not.toContain(holder.pin);
    expect(email.raw).toContain('text/html');

    // The old PIN no longer opens the key: using it as the current PIN is a wrong try.
    const old = await api(token, 'POST', '/api/v1/security/pin', { currentPin: holder.pin, newPin: '285194' });
    expect(old.body.error.code).toBe('WRONG_PIN');
    expect(old.body.error.triesLeft).toBe(2);
    expect(await auditEvents(holder.serial)).toEqual(['enrollment', 'sign-in', 'pin-changed', 'pin-wrong']);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['non-digits in the new PIN', { newPin: '12a456' }, 'INVALID_PIN'],
    ['a new PIN of 5 digits', { newPin: '73051' }, 'INVALID_PIN'],
    ['a new PIN of 9 digits', { newPin: '730518294' }, 'INVALID_PIN'],
    ['one digit repeated', { newPin: '777777' }, 'WEAK_PIN'],
    ['an ascending run', { newPin: '345678' }, 'WEAK_PIN'],
    ['a descending run', { newPin: '98765432' }, 'WEAK_PIN'],
    ['a part of the personal number', { newPin: 'PERSONAL' }, 'WEAK_PIN'],
    ['the current PIN again', { newPin: 'CURRENT' }, 'PIN_UNCHANGED'],
    ['a current PIN with letters', { currentPin: 'abcdef' }, 'INVALID_PIN'],
    ['a missing new PIN', { newPin: undefined }, 'VALIDATION_FAILED'],
    ['a missing current PIN', { currentPin: undefined }, 'VALIDATION_FAILED'],
    ['a number instead of a string', { newPin: 730518 }, 'VALIDATION_FAILED'],
    ['an unknown field', { extra: '1' }, 'VALIDATION_FAILED'],
  ])('rejects %s without counting a try', async (_label, change, code) => {
    const { holder, token } = await enrolled();
    const before = await credentialRow(holder.serial);
    const body: Record<string, unknown> = { currentPin: holder.pin, newPin: '730518', ...change };
    if (body.newPin === 'PERSONAL') body.newPin = (await personalNumberOf(holder.serial)).slice(2, 8);
    if (body.newPin === 'CURRENT') body.newPin = holder.pin;

    const response = await api(token, 'POST', '/api/v1/security/pin', body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe(code);
    expect(await credentialRow(holder.serial)).toEqual(before);
  });

  it('counts wrong PINs, locks at the third, then refuses the right PIN', async () => {
    const { holder, token } = await enrolled();
    const wrong = async () => api(token, 'POST', '/api/v1/security/pin', { currentPin: '592046', newPin: '730518' });

    const first = await wrong();
    expect(first.status).toBe(400);
    expect(first.body.error).toMatchObject({ code: 'WRONG_PIN', triesLeft: 2, fields: [{ path: 'currentPin', code: 'WRONG_PIN' }] });
    expect((await api(token, 'GET', '/api/v1/security')).body.pin.triesLeft).toBe(2);
    expect((await wrong()).body.error).toMatchObject({ code: 'WRONG_PIN', triesLeft: 1 });

    const third = await wrong();
    expect(third.status).toBe(423);
    expect(third.body.error).toMatchObject({ code: 'PIN_LOCKED', triesLeft: 0 });
    expect((await api(token, 'GET', '/api/v1/security')).body.pin).toEqual({ state: 'locked', triesLeft: 0, maxTries: 3 });

    const before = await credentialRow(holder.serial);
    const right = await api(token, 'POST', '/api/v1/security/pin', { currentPin: holder.pin, newPin: '730518' });
    expect(right.status).toBe(423);
    expect(right.body.error.code).toBe('PIN_LOCKED');
    expect(await credentialRow(holder.serial)).toEqual(before);
  });

  it('gives 20 concurrent wrong PINs exactly 3 tries', async () => {
    const { holder, token } = await enrolled();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) => api(token, 'POST', '/api/v1/security/pin', { currentPin: String(500_100 + index * 7), newPin: '730518' })),
    );

    const codes = responses.map((response) => response.body.error.code as string);
    expect(codes.filter((code) => code === 'WRONG_PIN')).toHaveLength(2);
    expect(codes.filter((code) => code === 'PIN_LOCKED')).toHaveLength(18);
    expect(responses.filter((response) => response.body.error.code === 'WRONG_PIN').map((response) => response.body.error.triesLeft).sort()).toEqual([1, 2]);
    expect((await credentialRow(holder.serial)).pin_tries_left).toBe(0);
    expect((await auditEvents(holder.serial)).filter((event) => event === 'pin-wrong')).toHaveLength(3);
  });

  it('refuses a PIN change while the PIN is locked, whatever the input', async () => {
    const { holder, token } = await enrolled();
    for (let index = 0; index < 3; index += 1) await api(token, 'POST', '/api/v1/security/pin', { currentPin: '592046', newPin: '730518' });
    const before = await credentialRow(holder.serial);

    const weak = await api(token, 'POST', '/api/v1/security/pin', { currentPin: holder.pin, newPin: '111111' });
    expect(weak.body.error.code).toBe('PIN_LOCKED');
    expect(await credentialRow(holder.serial)).toEqual(before);
  });
});

async function personalNumberOf(serial: string): Promise<string> {
  const context = await service.openContext();
  try {
    const row = context.store.database
      .prepare('SELECT h.personal_number FROM holders h JOIN certificates c ON c.holder_id = h.id WHERE c.serial_number = ?')
      .get(serial) as { personal_number: string };
    return row.personal_number;
  } finally {
    await context.store.close();
  }
}

describe('PIN unlock with the PUK', () => {
  it('unlocks a locked PIN, sets the new PIN and resets the counter', async () => {
    const { holder, token } = await enrolled({ email: 'unlock@example.org' });
    for (let index = 0; index < 3; index += 1) await api(token, 'POST', '/api/v1/security/pin', { currentPin: '592046', newPin: '730518' });

    const unlocked = await api(token, 'POST', '/api/v1/security/pin/unlock', { puk: holder.puk, newPin: '730518' });
    expect(unlocked.status).toBe(200);
    expect(unlocked.body.pin).toEqual({ state: 'ok', triesLeft: 3, maxTries: 3 });
    expect(unlocked.body.puk.triesLeft).toBe(10);
    expect((await smtp.waitFor('unlock@example.org')).subject).toBe('PIN-i i certifikatës suaj u zhbllokua');

    // The new PIN is now the current one.
    const change = await api(token, 'POST', '/api/v1/security/pin', { currentPin: '730518', newPin: '285194' });
    expect(change.status).toBe(200);
  });

  it('counts a wrong PUK and keeps the PIN locked', async () => {
    const { holder, token } = await enrolled();
    for (let index = 0; index < 3; index += 1) await api(token, 'POST', '/api/v1/security/pin', { currentPin: '592046', newPin: '730518' });
    const wrongPuk = holder.puk === '11111111' ? '22222222' : '11111111';

    const response = await api(token, 'POST', '/api/v1/security/pin/unlock', { puk: wrongPuk, newPin: '730518' });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'WRONG_PUK', triesLeft: 9, fields: [{ path: 'puk', code: 'WRONG_PUK' }] });
    expect((await api(token, 'GET', '/api/v1/security')).body.pin.state).toBe('locked');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a PUK of 7 digits', { puk: '1234567' }, 'INVALID_PUK'],
    ['a PUK with letters', { puk: '1234567a' }, 'INVALID_PUK'],
    ['a weak new PIN', { newPin: '000000' }, 'WEAK_PIN'],
    ['a missing PUK', { puk: undefined }, 'VALIDATION_FAILED'],
  ])('rejects %s without counting a try', async (_label, change, code) => {
    const { holder, token } = await enrolled();
    const before = await credentialRow(holder.serial);
    const response = await api(token, 'POST', '/api/v1/security/pin/unlock', { puk: holder.puk, newPin: '730518', ...change });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe(code);
    expect(await credentialRow(holder.serial)).toEqual(before);
  });
});

describe('PUK change', () => {
  it('changes the PUK so that only the new one unlocks', async () => {
    const { holder, token } = await enrolled({ email: 'puk.change@example.org' });
    const changed = await api(token, 'POST', '/api/v1/security/puk', { currentPuk: holder.puk, newPuk: '50381947' });
    expect(changed.status).toBe(200);
    expect((await smtp.waitFor('puk.change@example.org')).raw).not.toContain('50381947');

    const old = await api(token, 'POST', '/api/v1/security/pin/unlock', { puk: holder.puk, newPin: '730518' });
    expect(old.body.error.code).toBe('WRONG_PUK');
    const fresh = await api(token, 'POST', '/api/v1/security/pin/unlock', { puk: '50381947', newPin: '730518' });
    expect(fresh.status).toBe(200);
  });

  it('rejects same, malformed and weak PUKs without counting', async () => {
    const { holder, token } = await enrolled();
    const before = await credentialRow(holder.serial);
    expect((await api(token, 'POST', '/api/v1/security/puk', { currentPuk: holder.puk, newPuk: holder.puk })).body.error.code).toBe('PUK_UNCHANGED');
    expect((await api(token, 'POST', '/api/v1/security/puk', { currentPuk: holder.puk, newPuk: '123' })).body.error.code).toBe('INVALID_PUK');
    for (const weakPuk of ['11111111', '12345678', '98765432']) {
      expect((await api(token, 'POST', '/api/v1/security/puk', { currentPuk: holder.puk, newPuk: weakPuk })).body.error.code).toBe('WEAK_PUK');
    }
    expect((await api(token, 'POST', '/api/v1/security/puk', { newPuk: '50381947' })).body.error.code).toBe('VALIDATION_FAILED');
    expect(await credentialRow(holder.serial)).toEqual(before);
  });

  it('blocks the credential for good after 10 wrong PUKs', async () => {
    const { holder, token } = await enrolled({ email: 'puk.blocked@example.org' });
    const wrongPuk = holder.puk === '11111111' ? '22222222' : '11111111';
    const codes: string[] = [];
    for (let index = 0; index < 10; index += 1) {
      codes.push((await api(token, 'POST', '/api/v1/security/puk', { currentPuk: wrongPuk, newPuk: '50381947' })).body.error.code);
    }
    expect(codes).toEqual([...Array<string>(9).fill('WRONG_PUK'), 'PUK_BLOCKED']);

    const state = await api(token, 'GET', '/api/v1/security');
    expect(state.body.puk).toEqual({ state: 'blocked', triesLeft: 0, maxTries: 10 });
    expect((await smtp.waitFor('puk.blocked@example.org')).subject).toBe('PUK-u i certifikatës suaj u bllokua përfundimisht');

    // Nothing works any more, not even the right PUK or PIN.
    const before = await credentialRow(holder.serial);
    expect((await api(token, 'POST', '/api/v1/security/puk', { currentPuk: holder.puk, newPuk: '50381947' })).body.error.code).toBe('PUK_BLOCKED');
    expect((await api(token, 'POST', '/api/v1/security/pin/unlock', { puk: holder.puk, newPin: '730518' })).body.error.code).toBe('PUK_BLOCKED');
    expect((await api(token, 'POST', '/api/v1/security/pin', { currentPin: holder.pin, newPin: '730518' })).body.error.code).toBe('PUK_BLOCKED');
    expect(await credentialRow(holder.serial)).toEqual(before);
  });
});

describe('revoked certificate', () => {
  it('refuses every PIN and PUK operation and changes nothing', async () => {
    const { holder, token } = await enrolled();
    await setRevoked(holder.serial);
    const before = await credentialRow(holder.serial);

    const attempts: Array<[string, Record<string, unknown>]> = [
      ['/api/v1/security/pin', { currentPin: holder.pin, newPin: '730518' }],
      ['/api/v1/security/pin', { currentPin: '592046', newPin: '730518' }],
      ['/api/v1/security/pin', { currentPin: holder.pin, newPin: '111111' }],
      ['/api/v1/security/puk', { currentPuk: holder.puk, newPuk: '50381947' }],
      ['/api/v1/security/pin/unlock', { puk: holder.puk, newPin: '730518' }],
    ];
    for (const [path, body] of attempts) {
      const response = await api(token, 'POST', path, body);
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe('CERTIFICATE_REVOKED');
    }
    expect(await credentialRow(holder.serial)).toEqual(before);
    expect((await api(token, 'GET', '/api/v1/security')).body.certificateRevoked).toBe(true);
  });
});

describe('ERC recovery', () => {
  it('shows the ERC after the password and emails the holder', async () => {
    const { holder, token } = await enrolled({ email: 'erc@example.org' });
    const response = await api(token, 'POST', '/api/v1/security/erc/reveal', { password: holder.password });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ erc: holder.erc });

    const email = await smtp.waitFor('erc@example.org');
    expect(email.subject).toBe('Kodi ERC u shfaq në portal');
    expect(email.raw).not.toContain(holder.erc);
    expect(await auditEvents(holder.serial)).toContain('erc-revealed');
  });

  it('rejects a wrong password and a missing one', async () => {
    const { token } = await enrolled();
    const wrong = await api(token, 'POST', '/api/v1/security/erc/reveal', { password: 'not the password' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'WRONG_CURRENT_PASSWORD', fields: [{ path: 'password', code: 'WRONG_CURRENT_PASSWORD' }] });
    expect(wrong.body.error.erc).toBeUndefined();

    const missing = await api(token, 'POST', '/api/v1/security/erc/reveal', {});
    expect(missing.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('slows down password guessing', async () => {
    const { holder, token } = await enrolled();
    const codes: string[] = [];
    for (let index = 0; index < 7; index += 1) codes.push((await api(token, 'POST', '/api/v1/security/erc/reveal', { password: `guess-${index}` })).body.error.code);
    expect(codes.slice(0, 5)).toEqual(Array(5).fill('WRONG_CURRENT_PASSWORD'));
    expect(codes).toContain('TOO_MANY_ATTEMPTS');

    const blocked = await api(token, 'POST', '/api/v1/security/erc/reveal', { password: holder.password });
    expect(blocked.status).toBe(429);
  });
});
