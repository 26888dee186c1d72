import { createRouter, createWebHashHistory, type RouteLocationRaw, type Router } from 'vue-router';

import { useBridge } from './bridge';
import AppLayout from './components/AppLayout.vue';
import { useSessionStore } from './stores/session';
import ContractsView from './views/ContractsView.vue';
import EmergencyRevocationView from './views/EmergencyRevocationView.vue';
import IdentityView from './views/IdentityView.vue';
import ProfileView from './views/ProfileView.vue';
import SecurityView from './views/SecurityView.vue';
import SettingsView from './views/SettingsView.vue';
import LostInfoView from './views/LostInfoView.vue';
import SignInView from './views/SignInView.vue';
import TokensView from './views/TokensView.vue';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session. */
    public?: boolean;
    /** The locale key of the page title. */
    titleKey?: string;
    /** Shown in the desktop app only; the browser portal redirects to the profile. */
    desktopOnly?: boolean;
  }
}

/**
 * Creates the router. Hash history keeps every route on one document, which is what a page
 * loaded from file:// in the desktop window needs.
 */
export function createAppRouter(): Router {
  const router = createRouter({
    history: createWebHashHistory(),
    routes: [
      { path: '/sign-in', name: 'sign-in', component: SignInView, meta: { public: true, titleKey: 'signIn.title' } },
      { path: '/lost-info', name: 'lost-info', component: LostInfoView, meta: { public: true, titleKey: 'recovery.title' } },
      {
        path: '/emergency-revocation',
        name: 'emergency-revocation',
        component: EmergencyRevocationView,
        meta: { public: true, titleKey: 'emergency.title' },
      },
      {
        path: '/',
        component: AppLayout,
        children: [
          { path: '', redirect: { name: 'profile' } },
          { path: 'profile', name: 'profile', component: ProfileView, meta: { titleKey: 'profile.title' } },
          { path: 'security', name: 'security', component: SecurityView, meta: { titleKey: 'nav.security' } },
          { path: 'identity', name: 'identity', component: IdentityView, meta: { titleKey: 'nav.identity' } },
          { path: 'contracts', name: 'contracts', component: ContractsView, meta: { titleKey: 'nav.contracts' } },
          { path: 'tokens', name: 'tokens', component: TokensView, meta: { titleKey: 'nav.tokens', desktopOnly: true } },
          { path: 'settings', name: 'settings', component: SettingsView, meta: { titleKey: 'nav.settings', desktopOnly: true } },
        ],
      },
      { path: '/:unknownPath(.*)*', redirect: { name: 'profile' } },
    ],
  });

  router.beforeEach(async (to) => {
    const session = useSessionStore();
    await session.start();

    if (to.meta.public) {
      // In the desktop app, `add` signs in one more certificate next to the signed-in ones.
      const addingCertificate = to.query.add === '1' && useBridge().desktop !== undefined;
      return to.name === 'sign-in' && session.signedIn && !addingCertificate ? { name: 'profile' } : true;
    }
    if (to.meta.desktopOnly && useBridge().kind === 'browser') return { name: 'profile' };
    if (session.signedIn) return true;

    const query = to.fullPath === '/' || to.name === 'profile' ? {} : { redirect: to.fullPath };
    return { name: 'sign-in', query };
  });

  return router;
}

/**
 * Returns where to go after signing in: the page the user asked for before, if it is a page
 * that needs a session, else the profile.
 */
export function afterSignInTarget(router: Router, redirect: unknown): RouteLocationRaw {
  if (typeof redirect === 'string' && redirect.startsWith('/')) {
    const target = router.resolve(redirect);
    const known = target.matched.length > 0 && target.name !== undefined && !target.meta.public;
    if (known) return target.fullPath;
  }
  return { name: 'profile' };
}
