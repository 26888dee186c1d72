import { defineStore } from 'pinia';
import { ref } from 'vue';

import { EidError } from '../../../common/errors';
import type { DesktopSettings, SessionsView, SettingsUpdatePayload, SettingsView } from '../../../common/ipc/desktop-types';
import { useBridge } from '../bridge';
import { useProfileStore } from './profile';
import { useSessionStore } from './session';

/**
 * The desktop app's view of main: the certificates signed in side by side, whether the data
 * shown comes from the offline cache, the expiry reminder of the active certificate, and the
 * settings that the page applies (theme, language). It stays empty in the browser portal.
 */
export const useDesktopStore = defineStore('desktop', () => {
  const view = ref<SessionsView | null>(null);
  /** Set once when main reported that the cache file was corrupt and recreated. */
  const cacheRecreated = ref(false);
  /** The settings as main last returned them; null until loaded and in the browser portal. */
  const settings = ref<DesktopSettings | null>(null);

  const isDesktop = () => useBridge().desktop !== undefined;

  async function refresh(): Promise<void> {
    const desktop = useBridge().desktop;
    if (!desktop) return;
    const session = useSessionStore();
    const signedInBefore = session.signedIn;
    view.value = await desktop.listSessions();
    if (view.value.cacheRecreated) cacheRecreated.value = true;

    // Main closes the certificates it opened read-only from the cache once the service is back,
    // and the user then signs in as usual. A list requested before a sign-in finished is ignored.
    if (view.value.sessions.length === 0 && signedInBefore && session.signedIn) session.endIfSignedOutError(new EidError('UNAUTHENTICATED'));
  }

  /** Makes another signed-in certificate the active one and reloads its profile. */
  async function switchTo(id: string): Promise<void> {
    const desktop = useBridge().desktop;
    if (!desktop) return;
    view.value = await desktop.switchSession(id);
    await reloadActiveProfile();
    await refresh();
  }

  /** Signs out of one certificate; the others stay signed in. */
  async function signOutOf(id: string): Promise<SessionsView | null> {
    const desktop = useBridge().desktop;
    if (!desktop) return null;
    view.value = await desktop.signOutOf(id);
    if (view.value.activeId === null) useProfileStore().clear();
    else await reloadActiveProfile();
    return view.value;
  }

  /**
   * Signs out of the active certificate. Returns true when another certificate stayed signed in
   * and became active, false when none is left (the caller then ends the page's session).
   */
  async function signOutActive(): Promise<boolean> {
    if (!isDesktop()) return false;
    try {
      await refresh();
    } catch {
      // Without the list of certificates, a plain sign-out is still what the user asked for.
      return false;
    }
    const id = view.value?.activeId;
    if (!id || (view.value?.sessions.length ?? 0) < 2) return false;
    const next = await signOutOf(id);
    return next !== null && next.activeId !== null;
  }

  async function reloadActiveProfile(): Promise<void> {
    // The name from the sign-in response belongs to the certificate signed in last, so the menu
    // shows the active certificate's profile name instead.
    useSessionStore().sessionInfo = null;
    const profile = useProfileStore();
    profile.clear();
    await profile.load({ force: true }).catch(() => undefined);
  }

  async function loadSettings(): Promise<SettingsView | null> {
    const desktop = useBridge().desktop;
    if (!desktop) return null;
    const loaded = await desktop.getSettings();
    settings.value = loaded.settings;
    return loaded;
  }

  /** Saves settings in main; the page applies the returned theme and language. */
  async function updateSettings(update: SettingsUpdatePayload): Promise<SettingsView | null> {
    const desktop = useBridge().desktop;
    if (!desktop) return null;
    const saved = await desktop.updateSettings(update);
    settings.value = saved.settings;
    return saved;
  }

  function dismissCacheNotice(): void {
    cacheRecreated.value = false;
  }

  return { view, cacheRecreated, settings, isDesktop, refresh, switchTo, signOutOf, signOutActive, loadSettings, updateSettings, dismissCacheNotice };
});
