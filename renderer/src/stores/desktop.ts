import { defineStore } from 'pinia';
import { ref } from 'vue';

import type { SessionsView } from '../../../common/ipc/desktop-types';
import { useBridge } from '../bridge';
import { useProfileStore } from './profile';

/**
 * The desktop app's view of main: the certificates signed in side by side, whether the data
 * shown comes from the offline cache, and the expiry reminder of the active certificate. It
 * stays empty in the browser portal.
 */
export const useDesktopStore = defineStore('desktop', () => {
  const view = ref<SessionsView | null>(null);
  /** Set once when main reported that the cache file was corrupt and recreated. */
  const cacheRecreated = ref(false);

  const isDesktop = () => useBridge().desktop !== undefined;

  async function refresh(): Promise<void> {
    const desktop = useBridge().desktop;
    if (!desktop) return;
    view.value = await desktop.listSessions();
    if (view.value.cacheRecreated) cacheRecreated.value = true;
  }

  /** Makes another signed-in certificate the active one and reloads its profile. */
  async function switchTo(id: string): Promise<void> {
    const desktop = useBridge().desktop;
    if (!desktop) return;
    view.value = await desktop.switchSession(id);
    const profile = useProfileStore();
    profile.clear();
    await profile.load({ force: true }).catch(() => undefined);
    await refresh();
  }

  /** Signs out of one certificate; the others stay signed in. */
  async function signOutOf(id: string): Promise<SessionsView | null> {
    const desktop = useBridge().desktop;
    if (!desktop) return null;
    view.value = await desktop.signOutOf(id);
    const profile = useProfileStore();
    profile.clear();
    if (view.value.activeId !== null) await profile.load({ force: true }).catch(() => undefined);
    return view.value;
  }

  function dismissCacheNotice(): void {
    cacheRecreated.value = false;
  }

  return { view, cacheRecreated, isDesktop, refresh, switchTo, signOutOf, dismissCacheNotice };
});
