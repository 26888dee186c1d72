/**
 * Locale-aware formatting of the values the profile shows. Chromium, and so Electron, ships ICU
 * data for a subset of locales that does not include Albanian, so each function checks support
 * first and falls back to a numeric or message-based form. Unparsable input is returned as is.
 */

const pad = (value: number) => String(value).padStart(2, '0');

/** Formats a calendar date given as YYYY-MM-DD, without shifting it by the local time zone. */
export function formatCalendarDate(isoDate: string, locale: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return isoDate;

  if (Intl.DateTimeFormat.supportedLocalesOf([locale]).length === 0) {
    // Day, month and year separated by dots is how dates are usually written in Kosovo.
    return `${pad(date.getUTCDate())}.${pad(date.getUTCMonth() + 1)}.${date.getUTCFullYear()}`;
  }
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

/** Formats an ISO 8601 timestamp as a date and time in the local time zone. */
export function formatTimestamp(isoTimestamp: string, locale: string): string {
  const date = new Date(isoTimestamp);
  if (Number.isNaN(date.getTime())) return isoTimestamp;

  if (Intl.DateTimeFormat.supportedLocalesOf([locale]).length === 0) {
    const day = `${pad(date.getDate())}.${pad(date.getMonth() + 1)}.${date.getFullYear()}`;
    return `${day} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
  }
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/**
 * Names a country from its ISO 3166 alpha-2 code (XK for Kosovo): first from the locale
 * messages, which cover the usual countries of birth, then from Intl.DisplayNames when it has
 * data for the locale, else the code itself.
 */
export function formatCountry(code: string, locale: string, translate: (code: string) => string | undefined): string {
  if (!/^[A-Za-z]{2}$/.test(code)) return code;
  const upper = code.toUpperCase();

  const translated = translate(upper);
  if (translated) return translated;

  if (Intl.DisplayNames.supportedLocalesOf([locale]).length === 0) return upper;
  try {
    return new Intl.DisplayNames([locale], { type: 'region' }).of(upper) ?? upper;
  } catch {
    return upper;
  }
}
