import type Conf from 'conf';
import path from 'node:path';
import { z } from 'zod';

import { EidError, type FieldError } from '../../common/errors';
import {
  cachePolicies,
  maxModulePathLength,
  maxPkcs11Modules,
  settingsLanguages,
  themes,
  type DesktopSettings,
  type SettingsUpdatePayload,
  type SettingsView,
} from '../../common/ipc/desktop-types';
import { normalizeServiceUrl } from '../settings';
import { defaultModulePaths } from '../tokens/default-modules';

/** The part of conf (and of electron-store, which has the same API) that the settings use. */
export type SettingsBackend = Pick<Conf<Record<string, unknown>>, 'get' | 'set' | 'store'>;

/** A service URL as normalizeServiceUrl accepts it, stored without trailing slashes. */
const ServiceUrlSchema = z
  .string()
  .max(2048)
  .transform((value, context) => {
    try {
      return normalizeServiceUrl(value.trim());
    } catch {
      context.addIssue({ code: 'custom', message: 'VALIDATION_FAILED' });
      return z.NEVER;
    }
  });

/** A PKCS#11 module path must be absolute, because a relative one would load from wherever the app was started. */
const ModulePathSchema = z
  .string()
  .min(1)
  .max(maxModulePathLength)
  .refine((value) => path.isAbsolute(value) || path.win32.isAbsolute(value), 'PKCS11_MODULE_NOT_FOUND');

/** One schema per setting, so an invalid stored value falls back alone and the others keep working. */
const settingSchemas = {
  serviceUrl: ServiceUrlSchema.nullable(),
  language: z.enum(settingsLanguages),
  theme: z.enum(themes),
  pkcs11Modules: z.array(ModulePathSchema).max(maxPkcs11Modules),
  cachePolicy: z.enum(cachePolicies),
} satisfies { [K in keyof DesktopSettings]: z.ZodType<DesktopSettings[K], unknown> };

type SettingName = keyof DesktopSettings;
const settingNames = Object.keys(settingSchemas) as SettingName[];

export interface SettingsStoreOptions {
  backend: SettingsBackend;
  /** Module paths used while the user has not set any; the OpenSC and SoftHSM2 modules found on this computer when missing. */
  defaultModules?: string[];
  /** Called after every saved change with the new settings. */
  onChange?: (settings: DesktopSettings) => void;
}

/**
 * The desktop settings, validated with zod on every read and write. A stored value that is
 * invalid (say, a hand-edited file) is shown with its default and reported, but stays in the
 * file until the user saves that setting, so nothing is lost. An update is validated as a whole
 * and saved all at once, or rejected with nothing saved.
 */
export class SettingsStore {
  readonly #backend: SettingsBackend;
  readonly #defaults: DesktopSettings;
  readonly #onChange: ((settings: DesktopSettings) => void) | undefined;
  #serviceUrlAtStart: string | null;

  constructor(options: SettingsStoreOptions) {
    this.#backend = options.backend;
    this.#onChange = options.onChange;
    this.#defaults = {
      serviceUrl: null,
      language: 'sq',
      theme: 'system',
      pkcs11Modules: options.defaultModules ?? defaultModulePaths(),
      cachePolicy: 'keep',
    };
    this.#serviceUrlAtStart = this.read().settings.serviceUrl;
  }

  read(): SettingsView {
    const settings = { ...this.#defaults } as Record<SettingName, unknown>;
    const invalidStored: string[] = [];
    const stored = this.#backend.store;

    for (const name of settingNames) {
      if (!Object.hasOwn(stored, name)) continue;
      const parsed = settingSchemas[name].safeParse(stored[name]);
      if (parsed.success) settings[name] = parsed.data;
      else invalidStored.push(name);
    }

    const result = settings as unknown as DesktopSettings;
    return { settings: result, invalidStored, restartRequired: result.serviceUrl !== this.#serviceUrlAtStart };
  }

  get settings(): DesktopSettings {
    return this.read().settings;
  }

  /** Validates and saves the given settings together. Throws SETTINGS_INVALID with one field per invalid setting, saving nothing. */
  update(update: SettingsUpdatePayload): SettingsView {
    const fields: FieldError[] = [];
    const parsedValues: Partial<Record<SettingName, unknown>> = {};

    for (const name of settingNames) {
      if (update[name] === undefined) continue;
      const parsed = settingSchemas[name].safeParse(update[name]);
      if (parsed.success) {
        parsedValues[name] = parsed.data;
        continue;
      }
      for (const issue of parsed.error.issues) {
        const code = issue.message === 'PKCS11_MODULE_NOT_FOUND' ? 'PKCS11_MODULE_NOT_FOUND' : 'VALIDATION_FAILED';
        fields.push({ path: [name, ...issue.path.map(String)].join('.'), code });
      }
    }
    if (fields.length > 0) throw new EidError('SETTINGS_INVALID', { fields });

    for (const [name, value] of Object.entries(parsedValues)) this.#backend.set(name, value);
    const view = this.read();
    this.#onChange?.(view.settings);
    return view;
  }
}
