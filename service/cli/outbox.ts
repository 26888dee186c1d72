import { parseArgs } from 'node:util';
import pino from 'pino';

import { openServiceContext } from '../context';
import { createLogger } from '../log/logger';

/**
 * Prints the newest messages of the outbox: every email and SMS the service made, sent or not.
 * Without --smtp-url and --sms-url this is where the demo's codes arrive.
 */
export async function runOutbox(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      data: { type: 'string' },
      to: { type: 'string' },
      limit: { type: 'string', default: '10' },
      json: { type: 'boolean', default: false },
    },
  });

  if (!values.data || !values.to) {
    process.stderr.write('--data DIR and --to ADDRESS (an email address or a +383... phone number) are required.\n');
    return 2;
  }
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    process.stderr.write(`--limit must be a whole number from 1 to 1000, not "${values.limit}".\n`);
    return 2;
  }

  const logger = createLogger({ level: 'warn', destination: pino.destination(2) });
  const context = await openServiceContext({ dataDir: values.data, logger });
  try {
    const messages = context.notifier.listOutbox(values.to, limit);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(messages)}\n`);
      return 0;
    }
    if (messages.length === 0) process.stdout.write(`No messages to ${values.to}.\n`);
    for (const message of messages) {
      process.stdout.write(`--- ${message.createdAt} ${message.channel}${message.subject ? `: ${message.subject}` : ''}\n${message.text}\n\n`);
    }
    return 0;
  } finally {
    await context.store.close();
  }
}
