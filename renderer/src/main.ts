// Must stay the first import: it configures zod before any schema is built.
import './zod-jitless';
import './styles.css';

import { createPinia } from 'pinia';
import { createApp, watch } from 'vue';

import App from './App.vue';
import { applyLocale, createAppI18n, readStoredLocale, storeLocale } from './i18n';
import { createAppRouter } from './router';
import { useSessionStore } from './stores/session';

const i18n = createAppI18n(readStoredLocale());
const pinia = createPinia();
const router = createAppRouter();

applyLocale(i18n.global.locale.value);
watch(i18n.global.locale, (locale) => {
  applyLocale(locale);
  storeLocale(locale);
});

// A session can end while a page that needs it is open: the user signed out, or the service
// rejected the session. The user then goes to the sign-in screen.
const session = useSessionStore(pinia);
watch(
  () => session.status,
  (status) => {
    if (status === 'signed-out' && !router.currentRoute.value.meta.public) {
      void router.replace({ name: 'sign-in' });
    }
  },
);

createApp(App).use(pinia).use(i18n).use(router).mount('#app');
