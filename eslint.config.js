import js from '@eslint/js';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const electronEntries = ['main/electron-entry.ts', 'preload/index.ts'];

// Which process may import what: Electron only in the two thin entries, native modules only
// in main/ and service/, and no process code in the renderer.
const electronImport = { name: 'electron', message: 'Only main/electron-entry.ts and preload/index.ts may import electron.' };
const nativeImports = ['better-sqlite3', 'pkcs11js', '@node-rs/argon2'].map((name) => ({
  name,
  message: 'Native modules belong to main/ and service/ only.',
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.eid-data/**', 'eid-data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { paths: [electronImport, ...nativeImports], patterns: [{ group: ['node:*'], message: 'The renderer runs in a browser sandbox.' }] }],
    },
  },
  {
    files: ['common/**', 'preload/**'],
    ignores: electronEntries,
    rules: { 'no-restricted-imports': ['error', { paths: [electronImport, ...nativeImports] }] },
  },
  {
    // Tests and benchmarks may open the SQLite file directly to check what the service wrote.
    files: ['main/**', 'service/**', 'tests/**', 'bench/**', 'scripts/**'],
    ignores: electronEntries,
    rules: { 'no-restricted-imports': ['error', { paths: [electronImport] }] },
  },
);
