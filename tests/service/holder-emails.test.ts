import { describe, expect, it } from 'vitest';

import { outcomeEmail } from '../../service/recovery/emails';
import { buildSecurityEmail } from '../../service/security/emails';

function owner(language: string): Parameters<typeof buildSecurityEmail>[1] {
  return {
    certificateId: 1,
    serialNumber: '5a0c31f2',
    kind: 'digital-id',
    businessName: null,
    holder: { givenName: 'Drita', surname: 'Berisha', language, email: 'drita@example.org', phoneNumber: '+38344123456', personalNumber: '1176001727' },
  };
}

describe('security email time', () => {
  it('uses Kosovo time and offset', () => {
    // 23:30 UTC on 4 December is already 5 December in Kosovo (UTC+01:00).
    expect(buildSecurityEmail('pin-changed', owner('sq'), new Date('2026-12-04T23:30:00Z')).text).toContain('Koha: 05.12.2026 00:30, ora e Kosovës (UTC+01:00).');
    expect(buildSecurityEmail('pin-changed', owner('sr-Latn'), new Date('2026-07-01T22:05:00Z')).text).toContain('Vreme: 02.07.2026 00:05, vreme na Kosovu (UTC+02:00).');
    expect(buildSecurityEmail('certificate-revoked', owner('en'), new Date('2026-03-29T01:00:00Z')).html).toContain('Time: 29.03.2026 03:00, Kosovo time (UTC+02:00).');
  });
});

describe('recovery notice time', () => {
  it('uses Kosovo time and offset', () => {
    const notice = outcomeEmail({ to: 'drita@example.org', name: 'Drita Berisha', language: 'sq', outcome: { kind: 'usernames' }, at: new Date('2026-12-04T23:30:00Z') });
    expect(notice.text).toContain('Koha: 05.12.2026 00:30, ora e Kosovës (UTC+01:00).');
  });
});

describe('recovery notice advice', () => {
  const certificate = { kind: 'digital-id' as const, businessName: null, serialNumber: '5a0c31f2' };
  const notice = (outcome: Parameters<typeof outcomeEmail>[0]['outcome']) =>
    outcomeEmail({ to: 'drita@example.org', name: 'Drita Berisha', language: 'en', outcome, at: new Date('2026-12-04T12:00:00Z') }).text;

  it('blames the email after an emailed code', () => {
    expect(notice({ kind: 'usernames' })).toContain('someone else can read your email.');
    expect(notice({ kind: 'usernames' })).not.toContain('knows your');
  });

  it('blames the ERC after a reset with it', () => {
    expect(notice({ kind: 'password-reset-with-erc', certificate })).toContain('someone else knows your user name and ERC.');
    expect(notice({ kind: 'password-reset-with-erc', certificate })).not.toContain('can read your email');
  });
});
