import nodemailer, { type Transporter } from 'nodemailer';

import type { Logger } from '../log/logger';
import type { SqliteStore } from '../store/sqlite-store';

export interface EmailMessage {
  to: string;
  /** Never carries a secret: subjects show up in notification previews and mail logs. */
  subject: string;
  text: string;
  html?: string;
}

export interface SmsMessage {
  /** E.164 number. */
  to: string;
  text: string;
}

export interface NotifierOptions {
  /** SMTP URL for nodemailer, such as smtp://127.0.0.1:2525 or smtps://user:pass@host; none: outbox only. */
  smtpUrl?: string;
  /** SMS gateway URL that accepts a POST of JSON {"to", "text"}; none: outbox only. */
  smsUrl?: string;
  /** Sender address of every email. */
  from?: string;
}

/**
 * Sends email over SMTP and SMS through an HTTP gateway. Every message is first written to the
 * outbox table; without a transport it stays there (the demo reads it), with one it is sent and
 * marked sent. A failed send is logged and throws, so the caller decides whether the action that
 * needed the message fails with it.
 */
export class Notifier {
  readonly #store: SqliteStore;
  readonly #logger: Logger;
  readonly #options: NotifierOptions;
  readonly #now: () => Date;
  readonly #mailer: Transporter | undefined;

  constructor(store: SqliteStore, logger: Logger, options: NotifierOptions, now: () => Date) {
    this.#store = store;
    this.#logger = logger.child({ subsystem: 'notifications' });
    this.#options = options;
    this.#now = now;
    this.#mailer = options.smtpUrl ? nodemailer.createTransport(options.smtpUrl) : undefined;
  }

  async sendEmail(message: EmailMessage): Promise<void> {
    const id = this.#record('email', message.to, message.subject, message.text, message.html ?? null);
    if (!this.#mailer) return;

    try {
      await this.#mailer.sendMail({ from: this.#options.from ?? 'eID Self-Service <no-reply@eid.invalid>', ...message });
    } catch (error) {
      this.#logger.error({ err: error, outboxId: id }, 'sending an email failed');
      throw error;
    }
    this.#markSent(id);
  }

  async sendSms(message: SmsMessage): Promise<void> {
    const id = this.#record('sms', message.to, null, message.text, null);
    if (!this.#options.smsUrl) return;

    const response = await fetch(this.#options.smsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: message.to, text: message.text }),
      signal: AbortSignal.timeout(10_000),
    }).catch((error: unknown) => {
      this.#logger.error({ err: error, outboxId: id }, 'the SMS gateway could not be reached');
      throw error;
    });
    if (!response.ok) {
      this.#logger.error({ status: response.status, outboxId: id }, 'the SMS gateway rejected a message');
      throw new Error(`The SMS gateway rejected the message with HTTP status ${response.status}`);
    }
    this.#markSent(id);
  }

  /** Lists the newest messages for one recipient, newest first; the demo and tests read codes here. */
  listOutbox(recipient: string, limit = 20): Array<{ channel: string; subject: string | null; text: string; createdAt: string }> {
    return this.#store.database
      .prepare('SELECT channel, subject, body_text AS text, created_at AS createdAt FROM outbox WHERE recipient = ? ORDER BY id DESC LIMIT ?')
      .all(recipient, limit) as Array<{ channel: string; subject: string | null; text: string; createdAt: string }>;
  }

  #record(channel: 'email' | 'sms', to: string, subject: string | null, text: string, html: string | null): number {
    return Number(
      this.#store.database
        .prepare('INSERT INTO outbox (channel, recipient, subject, body_text, body_html, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(channel, to, subject, text, html, this.#now().toISOString()).lastInsertRowid,
    );
  }

  #markSent(id: number): void {
    this.#store.database.prepare('UPDATE outbox SET sent_at = ? WHERE id = ?').run(this.#now().toISOString(), id);
  }
}
