import contractsEn from './contracts/en.json';
import contractsSq from './contracts/sq.json';
import contractsSrLatn from './contracts/sr-Latn.json';
import desktopEn from './desktop/en.json';
import desktopSq from './desktop/sq.json';
import desktopSrLatn from './desktop/sr-Latn.json';
import recoveryEn from './recovery/en.json';
import recoverySq from './recovery/sq.json';
import recoverySrLatn from './recovery/sr-Latn.json';
import sealsEn from './seals/en.json';
import sealsSq from './seals/sq.json';
import sealsSrLatn from './seals/sr-Latn.json';
import identityEn from './identity/en.json';
import identitySq from './identity/sq.json';
import identitySrLatn from './identity/sr-Latn.json';
import securityEn from './security/en.json';
import securitySq from './security/sq.json';
import securitySrLatn from './security/sr-Latn.json';
import walletEn from './wallet/en.json';
import walletSq from './wallet/sq.json';
import walletSrLatn from './wallet/sr-Latn.json';

/**
 * The message files of each screen, merged over the base files (sq.json, sr-Latn.json, en.json).
 * A screen adds its folder here with one file per locale; every locale must have every key.
 */
export interface DomainLocale {
  sq: Record<string, unknown>;
  'sr-Latn': Record<string, unknown>;
  en: Record<string, unknown>;
}

export const domainLocales: DomainLocale[] = [
  { sq: securitySq, 'sr-Latn': securitySrLatn, en: securityEn },
  { sq: identitySq, 'sr-Latn': identitySrLatn, en: identityEn },
  { sq: walletSq, 'sr-Latn': walletSrLatn, en: walletEn },
  { sq: contractsSq, 'sr-Latn': contractsSrLatn, en: contractsEn },
  { sq: desktopSq, 'sr-Latn': desktopSrLatn, en: desktopEn },
  { sq: recoverySq, 'sr-Latn': recoverySrLatn, en: recoveryEn },
  { sq: sealsSq, 'sr-Latn': sealsSrLatn, en: sealsEn },
];
