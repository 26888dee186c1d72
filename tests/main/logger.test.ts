import { describe, expect, it } from 'vitest';

import { createCapturingLogger } from './log-capture';

const password = 'Correct-Horse-Battery-9';
const pin = '482913';
const bearerToken = 'eyJhbGciOiJIUzI1NiJ9.c2Vzc2lvbi0xMjM.sig-Abc_123';
const personalNumber = '1176001727';

describe('main logger', () => {
  it('redacts secrets in the merging object by key', () => {
    const capture = createCapturingLogger();

    capture.logger.info({ password, pin, request: { newPassword: password, currentPin: pin } }, 'credentials received');

    const output = capture.text();
    expect(output).not.toContain(password);
    expect(output).not.toContain(pin);
    const record = capture.records()[0];
    expect(record?.password).toBe('[redacted]');
    expect(record?.pin).toBe('[redacted]');
    expect(record?.request).toEqual({ newPassword: '[redacted]', currentPin: '[redacted]' });
  });

  it('redacts a bearer token and personal number inside strings', () => {
    const capture = createCapturingLogger();

    capture.logger.info({ header: `Bearer ${bearerToken}`, note: `holder ${personalNumber}` }, 'request');

    const output = capture.text();
    expect(output).not.toContain(bearerToken);
    expect(output).not.toContain(personalNumber);
    expect(capture.records()[0]?.header).toBe('Bearer [redacted]');
    expect(capture.records()[0]?.note).toBe('holder [personal-number]');
  });

  it('redacts the message string', () => {
    const capture = createCapturingLogger();

    capture.logger.warn(`lookup of ${personalNumber} with Bearer ${bearerToken} failed`);

    const output = capture.text();
    expect(output).not.toContain(personalNumber);
    expect(output).not.toContain(bearerToken);
    expect(capture.records()[0]?.msg).toBe('lookup of [personal-number] with Bearer [redacted] failed');
  });

  it('redacts interpolation values', () => {
    const capture = createCapturingLogger();

    capture.logger.info('holder %s sent %o', personalNumber, { password });

    const output = capture.text();
    expect(output).not.toContain(personalNumber);
    expect(output).not.toContain(password);
  });

  it('redacts an error and its implied message', () => {
    const capture = createCapturingLogger();
    const error = new Error(`no holder with personal number ${personalNumber}`);

    capture.logger.error(error);
    capture.logger.error({ err: error });

    const output = capture.text();
    expect(output).not.toContain(personalNumber);
    expect(capture.records()[0]?.msg).toBe('no holder with personal number [personal-number]');
    expect(capture.records()[1]?.msg).toBe('no holder with personal number [personal-number]');
  });

  it('redacts child logger bindings', () => {
    const capture = createCapturingLogger();

    const child = capture.logger.child({ personalNumber, holder: `PNOXK-${personalNumber}` });
    child.info('child line');
    child.child({ authorization: `Bearer ${bearerToken}` }).info('grandchild line');

    const output = capture.text();
    expect(output).not.toContain(personalNumber);
    expect(output).not.toContain(bearerToken);
    expect(capture.records()[0]?.personalNumber).toBe('[redacted]');
    expect(capture.records()[1]?.authorization).toBe('[redacted]');
  });

  it('keeps ordinary fields readable', () => {
    const capture = createCapturingLogger();

    capture.logger.info({ channel: 'profile:get', errorCode: 'INVALID_CREDENTIALS' }, 'IPC call failed.');

    const record = capture.records()[0];
    expect(record?.channel).toBe('profile:get');
    expect(record?.errorCode).toBe('INVALID_CREDENTIALS');
    expect(record?.msg).toBe('IPC call failed.');
  });
});
