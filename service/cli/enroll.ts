import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { openServiceContext } from '../context';
import { enrollDigitalId, enrollDigitalSeal } from '../enrollment/enroll';
import { createLogger } from '../log/logger';
import { formatCertificateInformation } from './serve';
import pino from 'pino';

export async function runEnroll(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      data: { type: 'string' },
      kind: { type: 'string', default: 'digital-id' },
      'personal-number': { type: 'string' },
      'given-name': { type: 'string' },
      surname: { type: 'string' },
      email: { type: 'string' },
      phone: { type: 'string' },
      gender: { type: 'string' },
      'birth-date': { type: 'string' },
      'birth-country': { type: 'string' },
      'birth-city': { type: 'string' },
      pin: { type: 'string' },
      language: { type: 'string' },
      'wallet-device-key': { type: 'string' },
      'business-name': { type: 'string' },
      'business-number': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });

  if (!values.data) {
    process.stderr.write('--data DIR is required: the data folder of the service to enroll into.\n');
    return 2;
  }
  if (values.kind !== 'digital-id' && values.kind !== 'digital-seal') {
    process.stderr.write(`--kind "${values.kind}" is not supported; use "digital-id" or "digital-seal".\n`);
    return 2;
  }
  if (values.kind === 'digital-seal' && values['wallet-device-key'] !== undefined) {
    process.stderr.write('--wallet-device-key applies to --kind digital-id only.\n');
    return 2;
  }
  const businessOptions = values['business-name'] !== undefined || values['business-number'] !== undefined;
  if (values.kind === 'digital-id' && businessOptions) {
    process.stderr.write('--business-name and --business-number apply to --kind digital-seal only.\n');
    return 2;
  }

  // Logs go to stderr so that --json leaves stdout to the one JSON object.
  const logger = createLogger({ level: process.env.EID_LOG_LEVEL ?? 'warn', destination: pino.destination(2) });
  const context = await openServiceContext({ dataDir: values.data, logger });
  try {
    const holder = {
      personalNumber: values['personal-number'] ?? '',
      givenName: values['given-name'] ?? '',
      surname: values.surname ?? '',
      email: values.email ?? '',
      phoneNumber: values.phone ?? '',
      gender: values.gender as 'F' | 'M' | undefined,
      birthDate: values['birth-date'],
      birthCountry: values['birth-country'],
      birthCity: values['birth-city'],
      pin: values.pin,
      language: values.language as 'sq' | 'sr-Latn' | 'en' | undefined,
    };
    const result =
      values.kind === 'digital-seal'
        ? await enrollDigitalSeal(
            context,
            { kind: 'digital-seal', businessName: values['business-name'] ?? '', businessNumber: values['business-number'] ?? '', ...holder },
            'cli',
          )
        : await enrollDigitalId(context, { kind: 'digital-id', ...holder }, 'cli', {
            walletDevicePublicKey: values['wallet-device-key'] === undefined ? undefined : readFileSync(values['wallet-device-key'], 'utf8'),
          });

    if (values.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      const title = values.kind === 'digital-seal' ? `Certificate information (digital seal: ${values['business-name']})` : 'Certificate information (digital ID)';
      process.stdout.write(formatCertificateInformation(result, title));
      process.stdout.write(`\n${result.certificatePem}`);
    }
    return 0;
  } finally {
    await context.store.close();
  }
}
