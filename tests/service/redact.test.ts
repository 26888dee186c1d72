import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';

import { redact } from '../../common/redact';
import { createLogger } from '../../service/log/logger';

const secrets = {
  password: 'Kosova-Ime-2026!',
  pin: '482913',
  puk: '73920481',
  erc: '7KQ2-M9XD-4TPA-ZB3F',
  token: 'q3JtY4oP9c2W1x8ZlA0bRkVnE5sH7uTgMiDfQyCw6Je',
  personalNumber: '1176001727',
  phoneNumber: '+38344123456',
};

describe('redact', () => {
  it('masks secret fields by name, at any depth', () => {
    const output = JSON.stringify(redact({ body: { ...secrets, nested: [{ newPin: '192837' }] }, username: 'arber.celaj.1234' }));
    for (const value of [...Object.values(secrets), '192837']) expect(output).not.toContain(value);
    expect(output).toContain('arber.celaj.1234');
  });

  it('masks personal numbers, phone numbers, bearer tokens and emails inside strings', () => {
    const line = `holder 1176001727 called from +383 44 123 456 with Bearer ${secrets.token}, mail arber@example.org, cookie eid_session=${secrets.token}`;
    const output = redact(line) as string;
    expect(output).not.toContain('1176001727');
    expect(output).not.toContain('123 456');
    expect(output).not.toContain(secrets.token);
    expect(output).not.toContain('arber@example.org');
  });

  it('keeps serial numbers whole', () => {
    const serial = '6394225828cd8c0ee41b81d201d474cf';
    expect(redact(`revoked ${serial}`)).toBe(`revoked ${serial}`);
    expect(redact({ serialNumber: serial })).toEqual({ serialNumber: serial });
    expect(redact('subject PNOXK-1176001727')).toBe('subject PNOXK-[personal-number]');
  });

  it('survives cycles and errors', () => {
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic.self = cyclic;
    expect(redact(cyclic)).toEqual({ name: 'x', self: '[circular]' });
    expect(JSON.stringify(redact(new Error('PIN for 1176001727 failed')))).not.toContain('1176001727');
  });
});

describe('service logger', () => {
  it('writes no secret into a log line', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    const logger = createLogger({ level: 'info', destination });

    logger.info({ request: { body: secrets }, authorization: `Bearer ${secrets.token}` }, `sign-in for ${secrets.personalNumber}`);
    logger.error({ err: new Error(`bad PIN ${secrets.personalNumber}`) }, 'failed');

    const output = lines.join('');
    expect(lines).toHaveLength(2);
    for (const value of Object.values(secrets)) expect(output).not.toContain(value);
  });
});
