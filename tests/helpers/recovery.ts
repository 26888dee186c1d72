import type { ReceivedEmail, SmtpSink } from '../peers/smtp-sink';

/** Waits until `count` messages to `address` have arrived and returns them, oldest first. */
export async function waitForEmails(sink: SmtpSink, address: string, count: number, timeoutMs = 10_000): Promise<ReceivedEmail[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = sink.messages.filter((message) => message.to.includes(address));
    if (found.length >= count) return found;
    if (Date.now() > deadline) throw new Error(`Only ${found.length} of ${count} emails to ${address} arrived within ${timeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Reads the 8-digit code from the plain-text part, where it stands alone on an indented line. */
export function codeFromEmail(email: ReceivedEmail): string {
  const match = /^ {4}(\d{8})\r?$/m.exec(email.raw);
  if (!match) throw new Error(`The email "${email.subject}" contains no code line.`);
  return match[1]!;
}

let emailCounter = 0;

/** An email address unique within this test process, so that per-address throttling and mail matching stay apart. */
export function uniqueEmail(label = 'holder'): string {
  emailCounter += 1;
  return `${label}.${process.pid}.${emailCounter}@example.org`;
}
