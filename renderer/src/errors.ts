import { ref } from 'vue';
import { useI18n } from 'vue-i18n';

import { passwordPolicy } from '../../common/domain';
import { EidError, type ErrorCode } from '../../common/errors';

/** Returns whether an error means there is no usable session, so the user has to sign in again. */
export function isSignedOutError(error: unknown): error is EidError {
  return error instanceof EidError && (error.code === 'UNAUTHENTICATED' || error.code === 'SESSION_EXPIRED');
}

/**
 * When each throttling error was first shown, so that its wait counts down from the moment the
 * user saw it, in every component that shows it.
 */
const firstShownAt = new WeakMap<EidError, number>();
const clock = ref(Date.now());
let ticking: ReturnType<typeof setInterval> | undefined;
let lastDeadline = 0;

/** Ticks the shared clock once a second until the last wait shown has run out. */
function tickUntil(deadline: number): void {
  lastDeadline = Math.max(lastDeadline, deadline);
  if (ticking !== undefined) return;
  ticking = setInterval(() => {
    clock.value = Date.now();
    if (clock.value < lastDeadline) return;
    clearInterval(ticking);
    ticking = undefined;
  }, 1000);
}

/**
 * Returns the seconds left of a throttling error's wait, rounded up to whole minutes above one
 * minute and else to 15 seconds, so that screen readers do not read the alert out every second.
 */
function secondsLeft(error: EidError, retryAfterSeconds: number): number {
  let shownAt = firstShownAt.get(error);
  if (shownAt === undefined) {
    shownAt = Date.now();
    firstShownAt.set(error, shownAt);
  }
  const deadline = shownAt + retryAfterSeconds * 1000;
  tickUntil(deadline);

  // The clock may be up to a second old when the error is first shown, so cap at the full wait.
  const left = Math.min(retryAfterSeconds, Math.ceil((deadline - clock.value) / 1000));
  if (left <= 0) return 0;
  const step = left > 60 ? 60 : 15;
  return Math.min(retryAfterSeconds, Math.ceil(left / step) * step);
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
      const left = secondsLeft(error, error.retryAfterSeconds);
      return left > 0 ? t('errors.tooManyAttemptsRetryIn', { duration: durationText(left) }) : t('errors.tooManyAttemptsRetryNow');
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

  /** Names a wait in seconds below one minute, in minutes below two hours, else in hours, rounded up. */
  function durationText(seconds: number): string {
    if (seconds < 60) return t('duration.seconds', seconds);
    const minutes = Math.ceil(seconds / 60);
    if (minutes < 120) return t('duration.minutes', minutes);
    return t('duration.hours', Math.ceil(minutes / 60));
  }

  return { codeText, errorText, fieldTexts };
}
