import { useI18n } from 'vue-i18n';

import { passwordPolicy } from '../../common/domain';
import { EidError, type ErrorCode } from '../../common/errors';

/** Returns whether an error means there is no usable session, so the user has to sign in again. */
export function isSignedOutError(error: unknown): error is EidError {
  return error instanceof EidError && (error.code === 'UNAUTHENTICATED' || error.code === 'SESSION_EXPIRED');
}

/**
 * Translates errors into the user's language. Call it during component setup; the returned
 * functions read the current locale on every call, so computed texts follow a language change.
 */
export function useErrorText() {
  const { t, te } = useI18n();

  // Some catalogue messages quote the password limits; passing them always keeps the locale
  // files free of numbers that common/domain.ts owns.
  const limits = { min: passwordPolicy.minLength, max: passwordPolicy.maxLength };

  function codeText(code: ErrorCode): string {
    const key = `errors.${code}`;
    return te(key) ? t(key, limits) : t('errors.fallback');
  }

  function errorText(error: unknown): string {
    if (!(error instanceof EidError)) {
      // Anything but an EidError is a defect in the renderer, not a response of the service.
      console.error(error);
      return t('errors.fallback');
    }
    if (error.code === 'TOO_MANY_ATTEMPTS' && error.retryAfterSeconds !== undefined) {
      return t('errors.tooManyAttemptsRetryIn', error.retryAfterSeconds);
    }
    return codeText(error.code);
  }

  /**
   * Maps the field-level problems of an error to texts by field name. The service reports a
   * field as a path such as `newPassword` or `body.newPassword`; the last segment is the field.
   */
  function fieldTexts(error: unknown): Record<string, string> {
    const texts: Record<string, string> = {};
    if (!(error instanceof EidError) || !error.fields) return texts;

    for (const field of error.fields) {
      const name = field.path.split(/[./]/).pop() ?? field.path;
      texts[name] ??= codeText(field.code);
    }
    return texts;
  }

  return { codeText, errorText, fieldTexts };
}
