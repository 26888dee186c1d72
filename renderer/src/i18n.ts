import { createI18n } from 'vue-i18n';

import en from './locales/en.json';
import sq from './locales/sq.json';
import srLatn from './locales/sr-Latn.json';
import { domainLocales } from './locales/domains';

/**
 * Locale messages
 *
 * Keys are scoped by screen (`signIn.title`, `profile.password.change`, `errors.<CODE>`). The
 * Albanian file is the source. Each later screen keeps its messages in its own folder
 * (locales/<screen>/<locale>.json, listed in locales/domains.ts); they are merged into these,
 * `errors` included. The other two must have exactly the same keys, which the type of
 * `messages` below and tests/unit/locales.test.ts both check.
 *
 * Plural messages list their forms separated by ` | `, one form per CLDR plural category of the
 * locale, in CLDR order (zero, one, two, few, many, other, skipping the categories the locale
 * does not have):
 *
 *   sq     one | other            "{count} sesion tjetër … | {count} sesione të tjera …"
 *   en     one | other            "{count} other session … | {count} other sessions …"
 *   sr     one | few | other      "{count} druga sesija | {count} druge sesije | {count} drugih sesija"
 *
 * Call them as `t(key, n)`: vue-i18n passes n to the plural rule below and also exposes it as the
 * named values {count} and {n}. Serbian `one` covers 1, 21, 31, … (not 11), `few` covers 2–4,
 * 22–24, … (not 12–14), and `other` covers the rest, including 0.
 */

export const supportedLocales = ['sq', 'sr-Latn', 'en'] as const;
export type AppLocale = (typeof supportedLocales)[number];

export const defaultLocale: AppLocale = 'sq';

/** The localStorage key that remembers the chosen language. */
export const localeStorageKey = 'eid.locale';

export type MessageSchema = typeof sq;

type MessageTree = { [key: string]: string | MessageTree };

function mergeMessages(target: MessageTree, source: MessageTree): MessageTree {
  const merged: MessageTree = { ...target };
  for (const [key, value] of Object.entries(source)) {
    const existing = merged[key];
    merged[key] = typeof value === 'object' && typeof existing === 'object' ? mergeMessages(existing, value) : value;
  }
  return merged;
}

function withDomains(locale: AppLocale, base: MessageSchema): MessageSchema {
  return domainLocales.reduce<MessageTree>((merged, domain) => mergeMessages(merged, domain[locale] as MessageTree), base as MessageTree) as MessageSchema;
}

export const messages: Record<AppLocale, MessageSchema> = {
  sq: withDomains('sq', sq),
  'sr-Latn': withDomains('sr-Latn', srLatn),
  en: withDomains('en', en),
};

/** The endonym of each language, shown in the picker whatever the interface language is. */
export const localeNames: Record<AppLocale, string> = {
  sq: 'Shqip',
  'sr-Latn': 'Srpski (latinica)',
  en: 'English',
};

export function isAppLocale(value: unknown): value is AppLocale {
  return typeof value === 'string' && (supportedLocales as readonly string[]).includes(value);
}

const cldrCategoryOrder: readonly Intl.LDMLPluralRule[] = ['zero', 'one', 'two', 'few', 'many', 'other'];

/** Returns the plural categories a locale uses for cardinal numbers, in the order its messages list them. */
export function pluralCategories(locale: string): Intl.LDMLPluralRule[] {
  const used = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
  return cldrCategoryOrder.filter((category) => used.includes(category));
}

/**
 * Builds a vue-i18n plural rule from the CLDR rules in Intl.PluralRules. A message with fewer
 * forms than the locale has categories gets its last form; the locale test rejects such messages.
 */
export function createPluralRule(locale: string): (choice: number, choicesLength: number) => number {
  const rules = new Intl.PluralRules(locale);
  const categories = pluralCategories(locale);

  return (choice, choicesLength) => {
    const index = categories.indexOf(rules.select(Math.abs(choice)));
    return Math.min(Math.max(index, 0), choicesLength - 1);
  };
}

export const pluralRules = Object.fromEntries(supportedLocales.map((locale) => [locale, createPluralRule(locale)]));

export function createAppI18n(locale: AppLocale = defaultLocale) {
  return createI18n({
    legacy: false,
    locale,
    fallbackLocale: defaultLocale,
    messages,
    pluralRules,
  });
}

export type AppI18n = ReturnType<typeof createAppI18n>;

/** Reads the remembered language. Unavailable storage means the default language. */
export function readStoredLocale(): AppLocale {
  try {
    const stored = globalThis.localStorage?.getItem(localeStorageKey);
    return isAppLocale(stored) ? stored : defaultLocale;
  } catch {
    return defaultLocale;
  }
}

/** Applies the language to `<html lang>`, which screen readers and hyphenation follow. */
export function applyLocale(locale: AppLocale): void {
  document.documentElement.lang = locale;
}

/** Remembers the language the user picked. */
export function storeLocale(locale: AppLocale): void {
  try {
    localStorage.setItem(localeStorageKey, locale);
  } catch {
    // Storage is disabled (private mode, a locked-down profile), so the choice lasts for this page only.
  }
}
