import pino from 'pino';
import { describe, expect, it } from 'vitest';

import { createMainLogger } from '../../main/logger';
import { ExpiryReminders, expiryReminderFor, MemoryReminderLog } from '../../main/reminders/expiry-reminders';

const logger = createMainLogger({ level: 'silent', destination: pino.destination(2) });
const certificate = { serialNumber: '0a1b', subject: 'CN=Arbër Krasniqi', issuer: 'CN=Issuing CA', notBefore: '2024-06-01T00:00:00.000Z', notAfter: '2026-06-01T00:00:00.000Z', status: 'active' as const };

describe('expiry reminders', () => {
  it('starts 60 days before notAfter', () => {
    expect(expiryReminderFor(certificate, new Date('2026-04-01T23:59:59Z'))).toBeNull();
    expect(expiryReminderFor(certificate, new Date('2026-04-02T00:00:00Z'))).toEqual({ notAfter: certificate.notAfter, daysLeft: 60, status: 'active' });
    expect(expiryReminderFor(certificate, new Date('2026-07-01T00:00:00Z'))?.daysLeft).toBe(0);
    expect(expiryReminderFor({ ...certificate, status: 'revoked' }, new Date('2026-05-01T00:00:00Z'))).toBeNull();
  });

  it('notifies at most once a week', () => {
    let now = new Date('2026-04-10T09:00:00Z');
    const shown: { title: string; body: string }[] = [];
    const reminders = new ExpiryReminders({ notifier: { notify: (notification) => shown.push(notification) }, log: () => log, language: () => 'sq', logger, now: () => now });
    const log = new MemoryReminderLog();

    expect(reminders.check(certificate)?.daysLeft).toBe(52);
    now = new Date('2026-04-16T09:00:00Z');
    expect(reminders.check(certificate)?.daysLeft).toBe(46);
    now = new Date('2026-04-17T09:00:00Z');
    reminders.check(certificate);

    expect(shown).toHaveLength(2);
    expect(shown[0]?.title).toBe('Certifikata juaj po skadon');
    expect(shown[0]?.body).toContain('ARC');
    expect(shown[0]?.body).toContain('ARBK');
  });
});
