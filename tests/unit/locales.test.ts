import { compile, type CompileError } from '@intlify/core-base';
import { describe, it, expect, vi, afterEach } from 'vitest';
import { createI18n } from 'vue-i18n';

import { errorCodes } from '../../common/errors';
import { createAppI18n, messages, pluralCategories, supportedLocales, type AppLocale } from '../../renderer/src/i18n';

/** Flattens nested locale messages into `dotted.key → message`. */
function flatten(tree: object, prefix = ''): Map<string, unknown> {
  const entries = new Map<string, unknown>();
  for (const [name, value] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${name}` : name;
    if (value !== null && typeof value === 'object') {
      for (const [childKey, childValue] of flatten(value, key)) entries.set(childKey, childValue);
    } else {
      entries.set(key, value);
    }
  }
  return entries;
}

const flat = Object.fromEntries(supportedLocales.map((locale) => [locale, flatten(messages[locale])])) as Record<AppLocale, Map<string, unknown>>;
const sourceKeys = [...flat.sq.keys()];

/** Every named value a message may use, so no placeholder renders empty. */
const namedValues = { min: 10, max: 128, count: 3, n: 3, duration: '3 minutes', date: '1 Jan 2026', from: '1 Jan 2026', to: '1 Jan 2028' };

const expectedPluralForms: Record<AppLocale, number> = { sq: 2, 'sr-Latn': 3, en: 2 };

afterEach(() => {
  vi.restoreAllMocks();
});

describe('locale files', () => {
  it.each(supportedLocales)('%s has the same keys as sq', (locale) => {
    const keys = new Set(flat[locale].keys());
    const missing = sourceKeys.filter((key) => !keys.has(key));
    const extra = [...keys].filter((key) => !flat.sq.has(key));

    expect(missing).toEqual([]);
    expect(extra).toEqual([]);
  });

  it.each(supportedLocales)('%s messages are non-empty strings', (locale) => {
    const invalid = [...flat[locale]].filter(([, message]) => typeof message !== 'string' || message.trim() === '').map(([key]) => key);

    expect(invalid).toEqual([]);
  });

  it.each(supportedLocales)('%s messages compile', (locale) => {
    const problems: string[] = [];
    for (const [key, message] of flat[locale]) {
      compile(String(message), {
        key,
        locale,
        warnHtmlMessage: true,
        onError: (error: CompileError) => problems.push(`${key}: ${error.message}`),
      });
    }

    expect(problems).toEqual([]);
  });

  it.each(supportedLocales)('%s translates every key without warnings', (locale) => {
    const warnings: unknown[] = [];
    vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => warnings.push(args.join(' ')));
    const missingKeys: string[] = [];
    // No fallback locale: a key missing here must not be filled in from Albanian.
    const i18n = createI18n({
      legacy: false,
      locale,
      fallbackLocale: false,
      messages,
      missing: (_locale, key) => {
        missingKeys.push(key);
      },
    });

    const untranslated: string[] = [];
    for (const key of sourceKeys) {
      const text = i18n.global.t(key, namedValues, 1);
      if (text === key || text.trim() === '' || /[{}]/.test(text)) untranslated.push(`${key} → ${text}`);
    }

    expect(missingKeys).toEqual([]);
    expect(untranslated).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it.each(supportedLocales)('%s has a message for every error code', (locale) => {
    const i18n = createAppI18n(locale);
    const missing = errorCodes.filter((code) => !i18n.global.te(`errors.${code}`, locale));

    expect(missing).toEqual([]);
    expect(i18n.global.te('errors.fallback', locale)).toBe(true);
  });
});

describe('plural messages', () => {
  /** Translates every key once and returns, per plural message, how many forms it has. */
  function pluralFormCounts(locale: AppLocale): Map<string, number> {
    const counts = new Map<string, number>();
    let currentKey = '';
    const i18n = createI18n({
      legacy: false,
      locale,
      messages,
      pluralRules: {
        [locale]: (_choice: number, choicesLength: number) => {
          counts.set(currentKey, choicesLength);
          return 0;
        },
      },
    });
    for (const key of sourceKeys) {
      currentKey = key;
      i18n.global.t(key, namedValues, 1);
    }
    return counts;
  }

  it('expected form counts match CLDR', () => {
    for (const locale of supportedLocales) {
      expect(pluralCategories(locale).length, locale).toBe(expectedPluralForms[locale]);
    }
  });

  it.each(supportedLocales)('%s plural messages have one form per category', (locale) => {
    const counts = pluralFormCounts(locale);
    const wrong = [...counts].filter(([, forms]) => forms !== expectedPluralForms[locale]);

    expect(counts.size).toBeGreaterThan(0);
    expect(wrong).toEqual([]);
  });

  it('the same keys are plural in every locale', () => {
    const pluralKeys = supportedLocales.map((locale) => [...pluralFormCounts(locale).keys()].sort());

    expect(pluralKeys[1]).toEqual(pluralKeys[0]);
    expect(pluralKeys[2]).toEqual(pluralKeys[0]);
    expect(pluralKeys[0]).toContain('session.endedOtherSessions');
  });

  it('Serbian picks one, few and other', () => {
    const { t } = createAppI18n('sr-Latn').global;
    const cases: [number, string][] = [
      [1, 'Odjavljena je 1 druga sesija.'],
      [2, 'Odjavljene su 2 druge sesije.'],
      [4, 'Odjavljene su 4 druge sesije.'],
      [5, 'Odjavljeno je 5 drugih sesija.'],
      [11, 'Odjavljeno je 11 drugih sesija.'],
      [12, 'Odjavljeno je 12 drugih sesija.'],
      [21, 'Odjavljena je 21 druga sesija.'],
      [22, 'Odjavljene su 22 druge sesije.'],
      [0, 'Odjavljeno je 0 drugih sesija.'],
    ];
    for (const [count, expected] of cases) {
      expect(t('session.endedOtherSessions', count), String(count)).toBe(expected);
    }
    expect(t('duration.minutes', 1)).toBe('1 minut');
    expect(t('duration.minutes', 3)).toBe('3 minuta');
    expect(t('duration.seconds', 5)).toBe('5 sekundi');
  });

  it('Albanian and English pick one and other', () => {
    const sq = createAppI18n('sq').global;
    const en = createAppI18n('en').global;

    expect(sq.t('session.endedOtherSessions', 1)).toBe('U mbyll 1 sesion tjetër.');
    expect(sq.t('session.endedOtherSessions', 3)).toBe('U mbyllën 3 sesione të tjera.');
    expect(en.t('session.endedOtherSessions', 1)).toBe('1 other session was signed out.');
    expect(en.t('session.endedOtherSessions', 3)).toBe('3 other sessions were signed out.');
    expect(sq.t('duration.minutes', 1)).toBe('1 minutë');
    expect(sq.t('duration.minutes', 2)).toBe('2 minuta');
    expect(en.t('duration.seconds', 1)).toBe('1 second');
    expect(en.t('duration.seconds', 30)).toBe('30 seconds');
  });
});
