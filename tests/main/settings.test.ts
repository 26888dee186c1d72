import { readdir, readFile, writeFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { EidError } from '../../common/errors';
import { openSettingsBackend } from '../../main/settings/open-settings';
import { SettingsStore } from '../../main/settings/settings-store';

async function openStore(defaultModules = ['/usr/lib/softhsm/libsofthsm2.so']) {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'eid-settings-'));
  const { backend } = openSettingsBackend(folder);
  return { folder, backend, store: new SettingsStore({ backend, defaultModules }) };
}

function settingsError(call: () => unknown): EidError {
  try {
    call();
  } catch (error) {
    if (error instanceof EidError) return error;
    throw error;
  }
  throw new Error('The call did not fail.');
}

describe('SettingsStore', () => {
  it('starts with defaults', async () => {
    const { store } = await openStore();

    expect(store.read()).toEqual({
      settings: { serviceUrl: null, language: 'sq', theme: 'system', pkcs11Modules: ['/usr/lib/softhsm/libsofthsm2.so'], cachePolicy: 'keep' },
      invalidStored: [],
      restartRequired: false,
    });
  });

  it('saves valid settings to the conf file', async () => {
    const { folder, store } = await openStore();

    const view = store.update({ serviceUrl: 'https://eid.example.invalid/', language: 'sr-Latn', theme: 'dark', pkcs11Modules: ['/opt/vendor/pkcs11.so'], cachePolicy: 'none' });

    expect(view.settings).toEqual({ serviceUrl: 'https://eid.example.invalid', language: 'sr-Latn', theme: 'dark', pkcs11Modules: ['/opt/vendor/pkcs11.so'], cachePolicy: 'none' });
    expect(view.restartRequired).toBe(true);
    const file = JSON.parse(await readFile(path.join(folder, 'settings.json'), 'utf8'));
    expect(file.theme).toBe('dark');
    const reopened = new SettingsStore({ backend: openSettingsBackend(folder).backend, defaultModules: [] });
    expect(reopened.settings.language).toBe('sr-Latn');
  });

  it('rejects invalid values and saves nothing', async () => {
    const { folder, store } = await openStore();
    store.update({ theme: 'light' });
    const before = await readFile(path.join(folder, 'settings.json'), 'utf8');

    const error = settingsError(() =>
      store.update({ theme: 'dark', serviceUrl: 'http://eid.example.invalid', pkcs11Modules: ['relative/module.so'], language: 'de' as never }),
    );

    expect(error.code).toBe('SETTINGS_INVALID');
    expect(error.fields).toEqual(
      expect.arrayContaining([
        { path: 'serviceUrl', code: 'VALIDATION_FAILED' },
        { path: 'language', code: 'VALIDATION_FAILED' },
        { path: 'pkcs11Modules.0', code: 'PKCS11_MODULE_NOT_FOUND' },
      ]),
    );
    expect(await readFile(path.join(folder, 'settings.json'), 'utf8')).toBe(before);
    expect(store.settings.theme).toBe('light');
  });

  it('shows defaults for invalid stored values and keeps them', async () => {
    const { folder } = await openStore();
    const filePath = path.join(folder, 'settings.json');
    await writeFile(filePath, JSON.stringify({ theme: 'purple', language: 'en', pkcs11Modules: 'not a list' }));

    const store = new SettingsStore({ backend: openSettingsBackend(folder).backend, defaultModules: [] });
    const view = store.read();

    expect(view.settings.theme).toBe('system');
    expect(view.settings.language).toBe('en');
    expect(view.invalidStored.sort()).toEqual(['pkcs11Modules', 'theme']);
    expect(JSON.parse(await readFile(filePath, 'utf8')).theme).toBe('purple');
  });

  it('sets aside a settings file that is not JSON', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'eid-settings-'));
    await writeFile(path.join(folder, 'settings.json'), '{"theme": "dark",');

    const opened = openSettingsBackend(folder, () => new Date('2026-02-01T10:00:00Z'));

    expect(opened.setAsidePath).toBe(path.join(folder, 'settings.json.invalid-2026-02-01T10-00-00-000Z'));
    expect(await readFile(opened.setAsidePath!, 'utf8')).toBe('{"theme": "dark",');
    expect(new SettingsStore({ backend: opened.backend, defaultModules: [] }).settings.theme).toBe('system');
    expect((await readdir(folder)).sort()).toEqual(['settings.json.invalid-2026-02-01T10-00-00-000Z']);
  });
});
