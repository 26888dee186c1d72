import { defineStore } from 'pinia';
import { ref } from 'vue';

import type { Profile } from '../../../common/api/schemas';
import { useBridge } from '../bridge';

/** A JSON-safe copy of the profile store's state. */
export interface ProfileSnapshot {
  profile: Profile | null;
}

export const useProfileStore = defineStore('profile', () => {
  const profile = ref<Profile | null>(null);
  const loading = ref(false);
  /** The error of the last failed load; cleared by the next successful one. */
  const loadError = ref<unknown>(null);

  let pending: Promise<void> | undefined;

  function setProfile(value: Profile): void {
    profile.value = value;
    loadError.value = null;
  }

  /**
   * Fetches the profile unless it is already loaded (or `force` is set). Concurrent calls share
   * one request. Failures are kept in `loadError` and also rethrown, so the caller can react to
   * an ended session.
   */
  function load(options: { force?: boolean } = {}): Promise<void> {
    if (profile.value && !options.force) return Promise.resolve();

    pending ??= (async () => {
      loading.value = true;
      try {
        setProfile(await useBridge().getProfile());
      } catch (error) {
        loadError.value = error;
        throw error;
      } finally {
        loading.value = false;
        pending = undefined;
      }
    })();
    return pending;
  }

  function clear(): void {
    profile.value = null;
    loadError.value = null;
  }

  function dehydrate(): ProfileSnapshot {
    return { profile: profile.value ? structuredClone(profile.value) : null };
  }

  function hydrate(snapshot: ProfileSnapshot): void {
    profile.value = snapshot.profile ? structuredClone(snapshot.profile) : null;
    loadError.value = null;
  }

  return { profile, loading, loadError, setProfile, load, clear, dehydrate, hydrate };
});
