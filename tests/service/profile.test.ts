import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { request, startTestService, type TestService } from '../helpers/service';

let service: TestService;

beforeAll(async () => {
  service = await startTestService();
});

afterAll(async () => {
  await service?.close();
});

async function signIn(username: string, password: string, client: 'browser' | 'desktop' = 'desktop') {
  return request(service, 'POST', '/api/v1/sessions', { body: { username, password, client } });
}

describe('profile', () => {
  it('returns the data encoded in the certificate', async () => {
    const holder = await service.enroll({
      givenName: 'Dëshirë Çiçek',
      surname: 'Đorđević-Šušić Žužić',
      phoneNumber: '+38349876556',
      gender: 'F',
      birthDate: '1975-11-02',
      birthCity: 'Gjakovë',
    });
    const { body: session } = await signIn(holder.username, holder.password);
    const me = await request(service, 'GET', '/api/v1/me', { token: session.token });

    expect(me.status).toBe(200);
    expect(me.body.givenName).toBe('Dëshirë Çiçek');
    expect(me.body.surname).toBe('Đorđević-Šušić Žužić');
    expect(me.body.commonName).toBe('Dëshirë Çiçek Đorđević-Šušić Žužić');
    expect(me.body.gender).toBe('F');
    expect(me.body.birthDate).toBe('1975-11-02');
    expect(me.body.birthCity).toBe('Gjakovë');
    expect(me.body.birthCountry).toBe('XK');
    expect(me.body.country).toBe('XK');
    expect(me.body.subjectSerialNumber).toBe(`PNOXK-${me.body.personalNumber}`);
    expect(me.body.phoneNumberMasked).toBe('+383*****56');
    expect(me.body.certificateKind).toBe('digital-id');
    expect(me.body.certificate.serialNumber).toBe(holder.serial);
    expect(me.body.certificate.status).toBe('active');
    expect(me.body.certificate.subject).toContain('serialNumber=PNOXK-');
    expect(me.body.certificate.subject).not.toContain('2.5.4.5');
  });
});

describe('password change', () => {
  it('changes the password, ends other sessions and keeps the current one', async () => {
    const holder = await service.enroll();
    const first = await signIn(holder.username, holder.password);
    const second = await signIn(holder.username, holder.password);

    const change = await request(service, 'PUT', '/api/v1/me/password', {
      token: first.body.token,
      body: { currentPassword: holder.password, newPassword: 'Lule-bore në Prishtinë 2026' },
    });
    expect(change.status).toBe(200);
    expect(change.body.endedSessions).toBe(1);

    expect((await request(service, 'GET', '/api/v1/me', { token: first.body.token })).status).toBe(200);
    const ended = await request(service, 'GET', '/api/v1/me', { token: second.body.token });
    expect(ended.status).toBe(401);
    expect(ended.body.error.code).toBe('SESSION_EXPIRED');

    expect((await signIn(holder.username, holder.password)).status).toBe(401);
    expect((await signIn(holder.username, 'Lule-bore në Prishtinë 2026')).status).toBe(201);
  });

  it.each<[string, { currentPassword?: string; newPassword?: string | null }, string]>([
    ['a wrong current password', { currentPassword: 'wrong-password' }, 'WRONG_CURRENT_PASSWORD'],
    ['a short password', { newPassword: 'short' }, 'PASSWORD_TOO_SHORT'],
    ['a common password', { newPassword: 'Password123' }, 'PASSWORD_TOO_COMMON'],
    ['the same password', { newPassword: null }, 'PASSWORD_UNCHANGED'],
    ['the user name inside', { newPassword: 'USERNAME-and-more' }, 'PASSWORD_CONTAINS_USERNAME'],
    ['an overlong password', { newPassword: 'x'.repeat(129) }, 'PASSWORD_TOO_LONG'],
  ])('rejects %s and keeps the old one', async (_label, change, code) => {
    const holder = await service.enroll();
    const session = await signIn(holder.username, holder.password);
    const body = {
      currentPassword: change.currentPassword ?? holder.password,
      newPassword: change.newPassword === null ? holder.password : (change.newPassword ?? 'a fine new passphrase').replace('USERNAME', holder.username),
    };

    const response = await request(service, 'PUT', '/api/v1/me/password', { token: session.body.token, body });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe(code);
    expect((await signIn(holder.username, holder.password)).status).toBe(201);
  });

  it('rejects a missing field', async () => {
    const holder = await service.enroll();
    const session = await signIn(holder.username, holder.password);
    const response = await request(service, 'PUT', '/api/v1/me/password', { token: session.body.token, body: { newPassword: 'a fine new passphrase' } });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(response.body.error.fields).toEqual([{ path: 'currentPassword', code: 'VALIDATION_FAILED' }]);
  });
});

describe('audit log', () => {
  it('records sign-ins and password changes in an intact hash chain', async () => {
    const holder = await service.enroll();
    const session = await signIn(holder.username, holder.password);
    await request(service, 'PUT', '/api/v1/me/password', {
      token: session.body.token,
      body: { currentPassword: holder.password, newPassword: 'Another good passphrase' },
    });

    const context = await service.openContext();
    try {
      const account = await context.store.findAccountByUsername(holder.username);
      const events = (await context.store.listAudit(account!.certificate.id, 10)).map((entry) => entry.event);
      expect(events).toEqual(['password-changed', 'sign-in', 'enrollment']);
      expect(await context.store.verifyAuditChain()).toBeNull();
    } finally {
      await context.store.close();
    }
  });
});

describe('service documents', () => {
  it('publishes the OpenAPI document generated from the schemas', async () => {
    const response = await request(service, 'GET', '/api/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    expect(Object.keys(response.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/sessions', '/api/v1/sessions/current', '/api/v1/me', '/api/v1/me/password']),
    );
    expect(response.body.paths['/api/v1/sessions'].post.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/SignInRequest');
    expect(response.body.components.schemas.SignInRequest.required).toEqual(['username', 'password']);
    expect(response.body.components.schemas.ErrorBody.properties.error.properties.code.enum).toContain('INVALID_CREDENTIALS');
  });

  it('sends the strict content security policy', async () => {
    const response = await request(service, 'GET', '/api/v1/health');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});
