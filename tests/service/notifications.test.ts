import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SmsSink } from '../peers/sms-sink';
import { SmtpSink } from '../peers/smtp-sink';
import { startTestService, type TestService } from '../helpers/service';

let smtp: SmtpSink;
let sms: SmsSink;
let service: TestService;

beforeAll(async () => {
  smtp = new SmtpSink();
  sms = new SmsSink();
  service = await startTestService({ smtpUrl: await smtp.start(), smsUrl: await sms.start() });
});

afterAll(async () => {
  await service?.close();
  await smtp?.stop();
  await sms?.stop();
});

describe('notifier', () => {
  it('delivers email over SMTP with a UTF-8 subject and marks it sent', async () => {
    const context = await service.openContext();
    try {
      await context.notifier.sendEmail({ to: 'drita@example.org', subject: 'Fjalëkalimi u ndryshua', text: 'Përshëndetje, Drita!' });
      const received = await smtp.waitFor('drita@example.org');
      expect(received.subject).toBe('Fjalëkalimi u ndryshua');
      expect(context.notifier.listOutbox('drita@example.org')[0]?.subject).toBe('Fjalëkalimi u ndryshua');
    } finally {
      await context.store.close();
    }
  });

  it('posts SMS to the gateway as JSON', async () => {
    const context = await service.openContext();
    try {
      await context.notifier.sendSms({ to: '+38344123456', text: 'Kodi: 123456' });
      expect(sms.latest('+38344123456')).toEqual({ to: '+38344123456', text: 'Kodi: 123456' });
    } finally {
      await context.store.close();
    }
  });

  it('reports a gateway failure and keeps the message in the outbox', async () => {
    const context = await service.openContext();
    try {
      sms.failNext = true;
      await expect(context.notifier.sendSms({ to: '+38344999888', text: 'Kodi: 654321' })).rejects.toThrow('HTTP status 503');
      expect(context.notifier.listOutbox('+38344999888')[0]?.text).toBe('Kodi: 654321');
    } finally {
      await context.store.close();
    }
  });
});
