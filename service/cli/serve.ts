import { parseArgs } from 'node:util';

import type { EnrollmentResult } from '../../common/api/schemas';
import { demoHolder } from '../enrollment/demo';
import { parseTrustedProxies } from '../http/trusted-proxies';
import { startService } from '../server';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be a whole number from 0 to 65535, not "${value}".`);
  return port;
}

export function formatCertificateInformation(result: EnrollmentResult, title: string): string {
  return [
    '',
    `=== ${title} ===`,
    'Shown once: hand it to the holder and keep no copy.',
    `  User name : ${result.username}`,
    `  Password  : ${result.password}`,
    `  PIN       : ${result.pin}`,
    `  PUK       : ${result.puk}`,
    `  ERC       : ${result.erc}`,
    `  Serial    : ${result.serial}`,
    '',
  ].join('\n');
}

export async function runServe(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      data: { type: 'string', default: 'eid-data' },
      'public-url': { type: 'string' },
      demo: { type: 'boolean', default: false },
      'smtp-url': { type: 'string' },
      'sms-url': { type: 'string' },
      'trust-proxy': { type: 'string' },
    },
  });

  let port: number;
  let trustedProxies: string[] | undefined;
  try {
    port = parsePort(values.port);
    if (values['trust-proxy'] !== undefined) trustedProxies = parseTrustedProxies(values['trust-proxy']);
    else if (process.env.EID_TRUST_PROXY) trustedProxies = parseTrustedProxies(process.env.EID_TRUST_PROXY, 'EID_TRUST_PROXY');
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }

  const service = await startService({
    dataDir: values.data,
    host: values.host,
    port,
    publicUrl: values['public-url'],
    demo: values.demo,
    smtpUrl: values['smtp-url'],
    smsUrl: values['sms-url'],
    trustedProxies,
  });

  if (service.demoHolder) {
    process.stdout.write(formatCertificateInformation(service.demoHolder, 'Demo holder (digital ID)'));
    // Lost info and emergency revocation ask for these, and the outbox is read by address.
    process.stdout.write(
      `\nThe demo holder's personal number is ${demoHolder.personalNumber}, email ${demoHolder.email}, phone ${demoHolder.phoneNumber}.\n`,
    );
  }
  process.stdout.write(`\neID Self-Service portal: ${service.url}/\n\n`);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await service.close();
  return 0;
}
