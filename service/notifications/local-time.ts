/**
 * Holders read the times in their emails as local time. Kosovo keeps Central European time with
 * summer time, and the IANA time zone database has no zone of its own for Kosovo, so this uses
 * Europe/Belgrade, whose rules are the same.
 */
export const holderTimeZone = 'Europe/Belgrade';

/** A wall-clock time in the holders' time zone and its offset from UTC, such as "UTC+01:00". */
export interface LocalTime {
  /** DD.MM.YYYY HH:MM, the usual written form in Kosovo in all three languages. */
  time: string;
  offset: string;
}

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: holderTimeZone,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'longOffset',
});

/** Formats an instant in the holders' time zone. */
export function formatHolderTime(at: Date): LocalTime {
  const part = Object.fromEntries(parts.formatToParts(at).map(({ type, value }) => [type, value]));
  // longOffset gives "GMT+01:00", or "GMT" alone for a zero offset.
  const zone = part.timeZoneName ?? 'GMT';
  const offset = zone === 'GMT' ? 'UTC+00:00' : zone.replace('GMT', 'UTC');
  return { time: `${part.day}.${part.month}.${part.year} ${part.hour}:${part.minute}`, offset };
}
