import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

/**
 * Builds the renderer shared by the browser portal and the desktop window. `base: './'` keeps
 * asset URLs relative so the same files load over http:// and file://.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [vue()],
  define: {
    // The page runs under `script-src 'self'` without 'unsafe-eval'. vue-i18n 10 and later compile
    // messages to an AST and interpret it, so the full build with its compiler stays CSP safe.
    // vue-i18n 11.4 no longer reads __INTLIFY_JIT_COMPILATION__ because JIT is always on. The flag
    // stays for older builds that still read it.
    __INTLIFY_JIT_COMPILATION__: true,
    __INTLIFY_DROP_MESSAGE_COMPILER__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
  },
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
  },
});
