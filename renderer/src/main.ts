// Must stay the first import: it configures zod before any schema is built.
import './zod-jitless';
import './styles.css';

import { createPinia } from 'pinia';
import { createApp, watch } from 'vue';

import App from './App.vue';
import { applyLocale, createAppI18n, defaultLocale, readStoredLocale, storeLocale } from './i18n';
import { createAppRouter } from './router';
import { useDesktopStore } from './stores/desktop';
import { useSessionStore } from './stores/session';
import { applyTheme } from './theme';

const pinia = createPinia();
const desktop = useDesktopStore(pinia);
// The desktop app remembers the language in its settings file, the browser portal in localStorage.
const i18n = createAppI18n(desktop.isDesktop() ? defaultLocale : readStoredLocale());
const router = createAppRouter();

applyLocale(i18n.global.locale.value);
watch(i18n.global.locale, (locale) => {
  applyLocale(locale);
  if (!desktop.isDesktop()) return storeLocale(locale);
  if (desktop.settings && desktop.settings.language !== locale) {
    // A failed save keeps the language for this window only, and the Settings screen shows the stored one.
    desktop.updateSettings({ language: locale }).catch(() => undefined);
  }
});
watch(
  () => desktop.settings,
  (settings) => {
    applyTheme(settings?.theme);
    if (settings && settings.language !== i18n.global.locale.value) i18n.global.locale.value = settings.language;
  },
);

// A session can end while a page that needs it is open: the user signed out, or the service
// rejected the session. The user then goes to the sign-in screen.
const session = useSessionStore(pinia);
watch(
  () => session.status,
  (status) => {
    // Before the first navigation ends the current route is the empty start location, and the
    // router's own guard decides where a signed-out user may go (lost info is public).
    const current = router.currentRoute.value;
    if (status === 'signed-out' && current.matched.length > 0 && !current.meta.public) {
      void router.replace({ name: 'sign-in' });
    }
  },
);

const app = createApp(App).use(pinia).use(i18n).use(router);
// The desktop settings are applied before the first paint, so the window opens in its theme and language.
desktop
  .loadSettings()
  .catch(() => null)
  .finally(() => app.mount('#app'));
