import { createRouter, createWebHashHistory, type RouteLocationRaw, type Router } from 'vue-router';

import AppLayout from './components/AppLayout.vue';
import { useSessionStore } from './stores/session';
import PlaceholderView from './views/PlaceholderView.vue';
import ProfileView from './views/ProfileView.vue';
import SignInView from './views/SignInView.vue';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session. */
    public?: boolean;
    /** The locale key of the page title. */
    titleKey?: string;
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
      {
        path: '/',
        component: AppLayout,
        children: [
          { path: '', redirect: { name: 'profile' } },
          { path: 'profile', name: 'profile', component: ProfileView, meta: { titleKey: 'profile.title' } },
          { path: 'security', name: 'security', component: PlaceholderView, props: { section: 'security' }, meta: { titleKey: 'nav.security' } },
          { path: 'identity', name: 'identity', component: PlaceholderView, props: { section: 'identity' }, meta: { titleKey: 'nav.identity' } },
          { path: 'contracts', name: 'contracts', component: PlaceholderView, props: { section: 'contracts' }, meta: { titleKey: 'nav.contracts' } },
        ],
      },
      { path: '/:unknownPath(.*)*', redirect: { name: 'profile' } },
    ],
  });

  router.beforeEach(async (to) => {
    const session = useSessionStore();
    await session.start();

    if (to.meta.public) {
      return to.name === 'sign-in' && session.signedIn ? { name: 'profile' } : true;
    }
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
