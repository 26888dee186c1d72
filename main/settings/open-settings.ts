import { existsSync, renameSync } from 'node:fs';
import path from 'node:path';

import Conf from 'conf';

export interface OpenedSettingsBackend {
  backend: Conf<Record<string, unknown>>;
  /** The path the unreadable settings file was moved to, when it had to be set aside. */
  setAsidePath?: string;
}

/**
 * Opens the settings file `settings.json` in `folder` with conf. A file that is not valid JSON
 * is renamed to `settings.json.invalid-<time>` and a fresh file is started, so the app starts
 * and the user's file is kept for inspection.
 */
export function openSettingsBackend(folder: string, now: () => Date = () => new Date()): OpenedSettingsBackend {
  const open = () => new Conf<Record<string, unknown>>({ cwd: folder, configName: 'settings' });
  try {
    return { backend: open() };
  } catch (error) {
    const filePath = path.join(folder, 'settings.json');
    if (!(error instanceof SyntaxError) || !existsSync(filePath)) throw error;
    const setAsidePath = `${filePath}.invalid-${now().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(filePath, setAsidePath);
    return { backend: open(), setAsidePath };
  }
}
