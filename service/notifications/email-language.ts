import { formatHolderTime, type LocalTime } from './local-time';

/**
 * The parts that every email to a holder shares: its language, the portal's name it is signed
 * with, the time line, and HTML escaping.
 */

/** The languages of holders' emails. */
export type EmailLanguage = 'sq' | 'sr-Latn' | 'en';

/** Returns the email language for a holder's stored language: sr-Latn and en as they are, anything else Albanian. */
export function emailLanguageOf(language: string): EmailLanguage {
  return language === 'sr-Latn' || language === 'en' ? language : 'sq';
}

/** The portal's name in each language, which signs every email. */
export const portalName: Record<EmailLanguage, string> = {
  sq: 'Vetëshërbimi eID',
  'sr-Latn': 'eID samousluga',
  en: 'eID Self-Service',
};

const timeLineTexts: Record<EmailLanguage, (at: LocalTime) => string> = {
  sq: ({ time, offset }) => `Koha: ${time}, ora e Kosovës (${offset}).`,
  'sr-Latn': ({ time, offset }) => `Vreme: ${time}, vreme na Kosovu (${offset}).`,
  en: ({ time, offset }) => `Time: ${time}, Kosovo time (${offset}).`,
};

/** Returns the line of an email that states when something happened, in Kosovo time. */
export function timeLine(language: EmailLanguage, at: Date): string {
  return timeLineTexts[language](formatHolderTime(at));
}

/** Escapes the characters that HTML gives a meaning to, for text placed in an email body. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
