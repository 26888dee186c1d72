import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { run } from '../helpers/processes';
import { request, startTestService, type TestService } from '../helpers/service';

let service: TestService;

beforeAll(async () => {
  service = await startTestService();
});

afterAll(async () => {
  await service?.close();
});

describe('eid-service outbox', () => {
  it('prints the email a PIN change made when no SMTP server is set', async () => {
    const holder = await service.enroll({ email: 'outbox.reader@example.org', pin: '482913' });
    const session = await request(service, 'POST', '/api/v1/sessions', { body: { username: holder.username, password: holder.password, client: 'desktop' } });
    const change = await request(service, 'POST', '/api/v1/security/pin', { token: session.body.token, body: { currentPin: '482913', newPin: '730194' } });
    expect(change.status).toBe(200);

    const result = await run('npx', ['--no-install', 'eid-service', 'outbox', '--data', service.dataDir, '--to', 'outbox.reader@example.org', '--json']);
    expect(result.code).toBe(0);
    const messages = JSON.parse(result.stdout) as Array<{ channel: string; text: string }>;
    expect(messages.length).toBeGreaterThan(0);
    expect(messages[0]!.channel).toBe('email');
    expect(messages[0]!.text).not.toContain('730194');
  });

  it('requires --to', async () => {
    const result = await run('npx', ['--no-install', 'eid-service', 'outbox', '--data', service.dataDir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--to ADDRESS');
  });
});
