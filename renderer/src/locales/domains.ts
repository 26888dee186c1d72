/**
 * The message files of each screen, merged over the base files (sq.json, sr-Latn.json, en.json).
 * A screen adds its folder here with one file per locale; every locale must have every key.
 */
export interface DomainLocale {
  sq: Record<string, unknown>;
  'sr-Latn': Record<string, unknown>;
  en: Record<string, unknown>;
}

export const domainLocales: DomainLocale[] = [];
