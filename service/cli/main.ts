import { parseArgs } from 'node:util';

import { contractLanguages } from '../../common/api/contracts';
import { genders } from '../../common/domain';
import { EidError } from '../../common/errors';
import { runEnroll } from './enroll';
import { runOutbox } from './outbox';
import { runServe } from './serve';

export const usage = `Usage: eid-service <command> [options]

Commands:
  serve    Serve the portal API, the PKI files and the browser portal
           --port N            TCP port (default 8080; 0 picks a free one)
           --host ADDRESS      address to listen on (default 127.0.0.1)
           --data DIR          data folder: database, CA, service secret (default ./eid-data)
           --public-url URL    base URL written into certificates (default http://HOST:PORT);
                               kept in the data folder for later enrollments
           --demo              enroll a demo holder when the database is empty and print
                               its certificate information once
           --smtp-url URL      SMTP server for email (env EID_SMTP_URL); without it email
                               stays in the outbox table
           --sms-url URL       SMS gateway taking a POST of JSON {"to", "text"} (env
                               EID_SMS_URL); without it SMS stays in the outbox table
           --trust-proxy LIST  reverse proxies whose X-Forwarded-For names the client
                               address, as IP addresses or CIDR ranges separated by commas
                               (env EID_TRUST_PROXY): IPv4 /8 or narrower, IPv6 /16 or
                               narrower and at most an IPv4 /8 of ::ffff:0:0/96; without
                               it the connection's address counts, and clients behind a
                               proxy share its limits
  enroll   Enroll a holder and print the certificate information once
           --data DIR                  data folder (required)
           --kind digital-id|digital-seal  certificate kind (default digital-id)
           --business-name N --business-number NNNNNNNNN
                                       the business of a digital seal: its name and
                                       9-digit ARBK business number
           --personal-number NNNNNNNNNN
           --given-name G --surname S --email E --phone +383...
           [--gender F|M] [--birth-date YYYY-MM-DD] [--birth-country XK] [--birth-city C]
           [--pin P]                   PIN to set (default: generated)
           [--language sq|sr-Latn|en]  language of the contract and the holder's
                                       emails (default sq)
           [--wallet-device-key FILE]  bind the wallet whose device public key (PEM, as
                                       printed by "eid-wallet init") is in FILE
           [--json]                    print one JSON object on stdout

  outbox   Print the newest emails and SMS the service made for one recipient (where the
           demo's codes arrive when no SMTP server or SMS gateway is set)
           --data DIR --to ADDRESS|+383...  [--limit N (default 10)] [--json]

Environment: EID_SERVICE_SECRET_FILE (path of the service secret), EID_SMTP_URL, EID_SMS_URL,
EID_TRUST_PROXY, EID_MAIL_FROM (sender address), EID_LOG_LEVEL.
`;

/** Runs one CLI command and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // `eid-service enroll --help` shows the usage, which lists every command's options.
  if (command !== undefined && (rest.includes('--help') || rest.includes('-h'))) {
    process.stdout.write(usage);
    return 0;
  }
  try {
    switch (command) {
      case 'serve':
        return await runServe(rest);
      case 'enroll':
        return await runEnroll(rest);
      case 'outbox':
        return await runOutbox(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(usage);
        return command === undefined ? 2 : 0;
      default:
        process.stderr.write(`Unknown command "${command}".\n\n${usage}`);
        return 2;
    }
  } catch (error) {
    return reportError(error);
  }
}

// Request fields whose command-line option is not simply the field name in kebab case.
const optionNames: Record<string, string> = { phoneNumber: '--phone' };

// Request fields that take one of a few values. The error lists them, so the fix is at hand.
const acceptedValues: Record<string, readonly string[]> = { language: contractLanguages, gender: genders };

/** Names the command-line option that sets a request field: `givenName` is `--given-name`. */
function optionForField(path: string): string {
  return optionNames[path] ?? `--${path.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

export function reportError(error: unknown): number {
  if (error instanceof EidError) {
    if (error.fields && error.fields.length > 0) {
      const options = error.fields
        .map((field) => {
          const values = acceptedValues[field.path];
          return `${optionForField(field.path)} (${field.code}${values ? `: one of ${values.join(', ')}` : ''})`;
        })
        .join(', ');
      process.stderr.write(`Error ${error.code}: invalid or missing options: ${options}. Run "eid-service --help" for the option formats.\n`);
    } else {
      process.stderr.write(`Error ${error.code}: ${error.message}\n`);
    }
    return 1;
  }
  if (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`${error.message}\n\n${usage}`);
    return 2;
  }
  process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}

export { parseArgs };
