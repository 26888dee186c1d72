import { computed, type ComputedRef } from 'vue';
import { useI18n } from 'vue-i18n';

import { revocationConfirmationWords } from '../../common/api/certificate';
import { isAppLocale } from './i18n';

/**
 * Returns the word a holder types to confirm a revocation, in the page's language. The service
 * accepts the word of any portal language, but a page accepts only the word it shows, so that a
 * holder who reads one language cannot confirm by accident with another's word.
 */
export function useConfirmationWord(): ComputedRef<string> {
  const { locale } = useI18n();
  return computed(() => revocationConfirmationWords[isAppLocale(locale.value) ? locale.value : 'sq']);
}
