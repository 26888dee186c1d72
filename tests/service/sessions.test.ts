import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { request, startTestService, type TestService } from '../helpers/service';

let service: TestService;

beforeAll(async () => {
  service = await startTestService();
});

afterAll(async () => {
  await service?.close();
});

function cookieFrom(headers: Headers): string {
  const setCookie = headers.get('set-cookie') ?? '';
  return setCookie.split(';')[0]!;
}

describe('sign-in', () => {
  it('sets an httpOnly SameSite=Strict cookie for the browser and returns no token', async () => {
    const holder = await service.enroll();
    const response = await request(service, 'POST', '/api/v1/sessions', { body: { username: holder.username, password: holder.password } });

    expect(response.status).toBe(201);
    expect(response.body.token).toBeUndefined();
    expect(response.body.session.username).toBe(holder.username);
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^eid_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
  });

  it('returns a bearer token and no cookie for the desktop', async () => {
    const holder = await service.enroll();
    const response = await request(service, 'POST', '/api/v1/sessions', {
      body: { username: holder.username, password: holder.password, client: 'desktop' },
    });

    expect(response.status).toBe(201);
    expect(response.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(response.headers.get('set-cookie')).toBeNull();

    const me = await request(service, 'GET', '/api/v1/me', { token: response.body.token });
    expect(me.status).toBe(200);
    expect(me.body.username).toBe(holder.username);
  });

  it('answers an unknown user exactly like a wrong password', async () => {
    const holder = await service.enroll();
    const wrongPassword = await request(service, 'POST', '/api/v1/sessions', { body: { username: holder.username, password: 'not-the-password' } });
    const unknownUser = await request(service, 'POST', '/api/v1/sessions', { body: { username: 'nobody.here.0000', password: 'not-the-password' } });

    expect(wrongPassword.status).toBe(401);
    expect(unknownUser.status).toBe(401);
    expect(unknownUser.body).toEqual(wrongPassword.body);
    expect(wrongPassword.body.error.code).toBe('INVALID_CREDENTIALS');
  });

  it('slows down repeated failures per account, then lets the owner in', async () => {
    const holder = await service.enroll();
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const failed = await request(service, 'POST', '/api/v1/sessions', { body: { username: holder.username, password: `wrong-${attempt}` } });
      expect(failed.status).toBe(401);
    }

    const blocked = await request(service, 'POST', '/api/v1/sessions', { body: { username: holder.username, password: 'wrong-again' } });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);

    // The block is short and ends by itself: the owner is slowed down, not locked out.
    await new Promise((resolve) => setTimeout(resolve, (blocked.body.error.retryAfterSeconds as number) * 1000 + 100));
    const allowed = await request(service, 'POST', '/api/v1/sessions', { body: { username: holder.username, password: holder.password } });
    expect(allowed.status).toBe(201);
  });

  it('throttles an unknown user name the same way', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await request(service, 'POST', '/api/v1/sessions', { body: { username: 'ghost.user.1234', password: `wrong-${attempt}` } });
    }
    const blocked = await request(service, 'POST', '/api/v1/sessions', { body: { username: 'ghost.user.1234', password: 'wrong' } });
    expect(blocked.status).toBe(429);
  });

  it('signs out and rejects the ended session', async () => {
    const holder = await service.enroll();
    const signIn = await request(service, 'POST', '/api/v1/sessions', { body: { username: holder.username, password: holder.password } });
    const cookie = cookieFrom(signIn.headers);

    const signOut = await request(service, 'DELETE', '/api/v1/sessions/current', { cookie });
    expect(signOut.status).toBe(204);
    expect(signOut.headers.get('set-cookie')).toContain('eid_session=;');

    const me = await request(service, 'GET', '/api/v1/me', { cookie });
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe('SESSION_EXPIRED');
  });

  it('rejects requests without a session', async () => {
    const me = await request(service, 'GET', '/api/v1/me');
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe('UNAUTHENTICATED');

    const badToken = await request(service, 'GET', '/api/v1/me', { token: 'x'.repeat(43) });
    expect(badToken.status).toBe(401);
  });

  it('rejects a cookie-authenticated change from another origin', async () => {
    const holder = await service.enroll();
    const signIn = await request(service, 'POST', '/api/v1/sessions', { body: { username: holder.username, password: holder.password } });
    const response = await request(service, 'PUT', '/api/v1/me/password', {
      cookie: cookieFrom(signIn.headers),
      headers: { origin: 'http://attacker.invalid' },
      body: { currentPassword: holder.password, newPassword: 'a much better passphrase' },
    });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('FORBIDDEN_ORIGIN');
  });
});

describe('current session', () => {
  it('returns null without a session instead of 401', async () => {
    const response = await request(service, 'GET', '/api/v1/sessions/current');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ session: null });

    const unknownToken = await request(service, 'GET', '/api/v1/sessions/current', { token: 'x'.repeat(43) });
    expect(unknownToken.status).toBe(200);
    expect(unknownToken.body).toEqual({ session: null });

    const unknownCookie = await request(service, 'GET', '/api/v1/sessions/current', { cookie: `eid_session=${'y'.repeat(43)}` });
    expect(unknownCookie.status).toBe(200);
    expect(unknownCookie.body).toEqual({ session: null });
  });

  it('returns the session of a browser cookie', async () => {
    const holder = await service.enroll();
    const signIn = await request(service, 'POST', '/api/v1/sessions', { body: { username: holder.username, password: holder.password } });

    const response = await request(service, 'GET', '/api/v1/sessions/current', { cookie: cookieFrom(signIn.headers) });
    expect(response.status).toBe(200);
    expect(response.body.session).toEqual(signIn.body.session);
  });

  it('returns the session of a desktop token', async () => {
    const holder = await service.enroll();
    const signIn = await request(service, 'POST', '/api/v1/sessions', {
      body: { username: holder.username, password: holder.password, client: 'desktop' },
    });

    const response = await request(service, 'GET', '/api/v1/sessions/current', { token: signIn.body.token });
    expect(response.status).toBe(200);
    expect(response.body.session.username).toBe(holder.username);
    expect(response.body.session.displayName).toBe(signIn.body.session.displayName);
    expect(response.body).not.toHaveProperty('token');
  });

  it('returns null after sign-out', async () => {
    const holder = await service.enroll();
    const signIn = await request(service, 'POST', '/api/v1/sessions', { body: { username: holder.username, password: holder.password } });
    const cookie = cookieFrom(signIn.headers);
    expect((await request(service, 'DELETE', '/api/v1/sessions/current', { cookie })).status).toBe(204);

    const response = await request(service, 'GET', '/api/v1/sessions/current', { cookie });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ session: null });
  });
});

describe('bad input at sign-in', () => {
  it('rejects malformed JSON', async () => {
    const response = await request(service, 'POST', '/api/v1/sessions', { rawBody: '{"username": "a", ' });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('MALFORMED_JSON');
  });

  it('rejects wrong types with the field paths', async () => {
    const response = await request(service, 'POST', '/api/v1/sessions', { body: { username: 42, password: ['x'] } });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(response.body.error.fields.map((field: { path: string }) => field.path).sort()).toEqual(['password', 'username']);
  });

  it('rejects unknown fields', async () => {
    const response = await request(service, 'POST', '/api/v1/sessions', { body: { username: 'a', password: 'b', admin: true } });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('rejects an oversized body', async () => {
    const response = await request(service, 'POST', '/api/v1/sessions', { body: { username: 'a', password: 'b'.repeat(100_000) } });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('BODY_TOO_LARGE');
  });

  it('rejects a body that is not JSON', async () => {
    const response = await request(service, 'POST', '/api/v1/sessions', { rawBody: 'username=a', headers: { 'content-type': 'text/plain' } });
    expect(response.status).toBe(415);
    expect(response.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers unknown paths with NOT_FOUND', async () => {
    const response = await request(service, 'GET', '/api/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('NOT_FOUND');
  });
});
