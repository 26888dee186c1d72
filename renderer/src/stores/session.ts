import { defineStore } from 'pinia';
import { computed, ref } from 'vue';

import type { SessionInfo } from '../../../common/api/schemas';
import { EidError } from '../../../common/errors';
import { useBridge } from '../bridge';
import { isSignedOutError } from '../errors';
import { useProfileStore } from './profile';

/** `unknown` lasts until the start-up check for an existing session has finished. */
export type SessionStatus = 'unknown' | 'signed-in' | 'signed-out';

/** The reason the session ended, which the sign-in screen shows once. */
export type SignOutReason = 'signed-out' | 'expired';

/** A JSON-safe copy of the session store's state. It never contains a token. */
export interface SessionSnapshot {
  status: SessionStatus;
  sessionInfo: SessionInfo | null;
  signOutReason: SignOutReason | null;
}

export const useSessionStore = defineStore('session', () => {
  const status = ref<SessionStatus>('unknown');
  /**
   * Known after a sign-in in this page, and in the browser also for a session found at start (a
   * cookie from an earlier page). The desktop start-up check reads only the profile.
   */
  const sessionInfo = ref<SessionInfo | null>(null);
  const signOutReason = ref<SignOutReason | null>(null);
  /** Set when the start-up check failed for a reason other than a missing session. */
  const startError = ref<EidError | null>(null);

  const signedIn = computed(() => status.value === 'signed-in');
  const displayName = computed(() => sessionInfo.value?.displayName ?? useProfileStore().profile?.commonName ?? '');

  let starting: Promise<void> | undefined;

  /**
   * Learns once whether a session already exists. The browser asks `getCurrentSession`, which
   * answers a missing session with `null` instead of a 401 that the console would log. The
   * desktop asks main for the profile, because main holds the tokens and its own session list.
   */
  function start(): Promise<void> {
    starting ??= (async () => {
      try {
        const bridge = useBridge();
        if (bridge.kind === 'browser') {
          // NOTE: an ended cookie session also reads as null, so a reload after expiry does not
          // tell the sign-in screen that the session expired.
          const current = await bridge.call('getCurrentSession');
          sessionInfo.value = current.session;
          status.value = current.session ? 'signed-in' : 'signed-out';
          return;
        }
        useProfileStore().setProfile(await bridge.getProfile());
        status.value = 'signed-in';
      } catch (error) {
        status.value = 'signed-out';
        if (error instanceof EidError && error.code === 'SESSION_EXPIRED') {
          signOutReason.value = 'expired';
        } else if (!isSignedOutError(error)) {
          startError.value = error instanceof EidError ? error : new EidError('INTERNAL_ERROR', { cause: error });
        }
      }
    })();
    return starting;
  }

  async function signIn(credentials: { username: string; password: string }): Promise<void> {
    const info = await useBridge().signIn(credentials);
    useProfileStore().clear();
    sessionInfo.value = info;
    signOutReason.value = null;
    startError.value = null;
    status.value = 'signed-in';
  }

  /** Ends the session. A session the service already considers ended counts as signed out. */
  async function signOut(): Promise<void> {
    try {
      await useBridge().signOut();
    } catch (error) {
      if (!isSignedOutError(error)) throw error;
    }
    end('signed-out');
  }

  function end(reason: SignOutReason): void {
    useProfileStore().clear();
    sessionInfo.value = null;
    signOutReason.value = reason;
    status.value = 'signed-out';
  }

  /**
   * Ends the local session when a bridge call failed with UNAUTHENTICATED or SESSION_EXPIRED.
   * Returns whether it did, so the caller skips its own error message.
   */
  function endIfSignedOutError(error: unknown): boolean {
    if (!isSignedOutError(error)) return false;
    end('expired');
    return true;
  }

  function consumeSignOutReason(): SignOutReason | null {
    const reason = signOutReason.value;
    signOutReason.value = null;
    return reason;
  }

  function dehydrate(): SessionSnapshot {
    return {
      status: status.value,
      sessionInfo: sessionInfo.value ? { ...sessionInfo.value } : null,
      signOutReason: signOutReason.value,
    };
  }

  /** Restores a snapshot; a restored status other than `unknown` skips the start-up check. */
  function hydrate(snapshot: SessionSnapshot): void {
    status.value = snapshot.status;
    sessionInfo.value = snapshot.sessionInfo ? { ...snapshot.sessionInfo } : null;
    signOutReason.value = snapshot.signOutReason;
    if (snapshot.status !== 'unknown') starting = Promise.resolve();
  }

  return {
    status,
    sessionInfo,
    signOutReason,
    startError,
    signedIn,
    displayName,
    start,
    signIn,
    signOut,
    endIfSignedOutError,
    consumeSignOutReason,
    dehydrate,
    hydrate,
  };
});
