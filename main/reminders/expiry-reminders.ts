import type { Logger } from 'pino';

import type { Profile } from '../../common/api/schemas';
import type { ExpiryReminder } from '../../common/ipc/desktop-types';

/** Reminders start this many days before the certificate's notAfter. */
export const reminderPeriodDays = 60;

/** An OS notification is shown at most once per this many days for one certificate. */
export const notificationIntervalDays = 7;

const dayMs = 24 * 60 * 60 * 1000;

/** Shows an OS notification; the Electron entry implements it with Electron's Notification. */
export interface DesktopNotifier {
  notify(notification: { title: string; body: string }): void;
}

/** The store of the last notification time per certificate, which keeps the weekly limit across restarts. */
export interface ReminderLog {
  lastNotifiedAt(certificateSerial: string): string | null;
  recordNotified(certificateSerial: string, at: Date): void;
}

/** A ReminderLog in memory, used while the "keep no data on this computer" setting is on. */
export class MemoryReminderLog implements ReminderLog {
  readonly #times = new Map<string, string>();

  lastNotifiedAt(certificateSerial: string): string | null {
    return this.#times.get(certificateSerial) ?? null;
  }

  recordNotified(certificateSerial: string, at: Date): void {
    this.#times.set(certificateSerial, at.toISOString());
  }
}

type Language = 'sq' | 'sr-Latn' | 'en';

const notificationTexts: Record<Language, { title: string; body: (date: string, days: number) => string }> = {
  sq: {
    title: 'Certifikata juaj po skadon',
    body: (date, days) => `Certifikata skadon më ${date} (edhe ${days} ditë). Për certifikatë të re paraqituni në një zyrë të ARC-së ose të ARBK-së.`,
  },
  'sr-Latn': {
    title: 'Vaš sertifikat uskoro ističe',
    body: (date, days) => `Sertifikat ističe ${date} (još ${days} d.). Za novi sertifikat javite se u kancelariju ARC ili ARBK.`,
  },
  en: {
    title: 'Your certificate expires soon',
    body: (date, days) => `The certificate expires on ${date} (${days} days left). To get a new one, visit an ARC or ARBK office.`,
  },
};

export interface ExpiryRemindersOptions {
  notifier: DesktopNotifier;
  /** Returns the log to use now, which depends on the cache setting. */
  log: () => ReminderLog;
  language: () => Language;
  logger: Logger;
  now?: () => Date;
}

/**
 * Decides whether a certificate needs an expiry reminder: from 60 days before notAfter the app
 * shows a banner on every check, and an OS notification at most once a week. A revoked
 * certificate gets none, because renewing it is not what the holder has to do next.
 */
export class ExpiryReminders {
  readonly #options: ExpiryRemindersOptions;
  readonly #now: () => Date;

  constructor(options: ExpiryRemindersOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
  }

  check(certificate: Profile['certificate']): ExpiryReminder | null {
    const reminder = expiryReminderFor(certificate, this.#now());
    if (!reminder) return null;

    const log = this.#options.log();
    const last = log.lastNotifiedAt(certificate.serialNumber);
    const now = this.#now();
    if (last === null || now.getTime() - Date.parse(last) >= notificationIntervalDays * dayMs) {
      const texts = notificationTexts[this.#options.language()];
      try {
        this.#options.notifier.notify({ title: texts.title, body: texts.body(reminder.notAfter.slice(0, 10), reminder.daysLeft) });
        log.recordNotified(certificate.serialNumber, now);
      } catch (error) {
        this.#options.logger.warn({ err: error }, 'Showing the expiry notification failed.');
      }
    }
    return reminder;
  }
}

/** Returns the reminder for a certificate that is active and expires within the reminder period, else null. */
export function expiryReminderFor(certificate: Profile['certificate'], now: Date): ExpiryReminder | null {
  if (certificate.status === 'revoked') return null;
  const notAfter = Date.parse(certificate.notAfter);
  if (Number.isNaN(notAfter)) return null;
  const remainingMs = notAfter - now.getTime();
  if (remainingMs > reminderPeriodDays * dayMs) return null;
  return { notAfter: certificate.notAfter, daysLeft: Math.max(0, Math.ceil(remainingMs / dayMs)), status: certificate.status };
}
