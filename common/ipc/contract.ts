import { z } from 'zod';

import type { Download } from '../api/client';
import { apiRoutes, type ApiRouteName } from '../api/routes';
import { ChangePasswordRequestSchema, type ChangePasswordResponse, type Profile, type SessionInfo } from '../api/schemas';
import type { ErrorCode, FieldError } from '../errors';
import {
  ChangeTokenPinPayloadSchema,
  ImportTokenCertificatePayloadSchema,
  ResetTokenPinPayloadSchema,
  SaveFilePayloadSchema,
  SessionIdPayloadSchema,
  SettingsUpdatePayloadSchema,
  type SaveFileResult,
  type SessionsView,
  type SettingsView,
  type TokenCertificate,
  type TokenModuleReport,
} from './desktop-types';

/**
 * The desktop IPC contract: every channel the preload exposes, with the schema main validates the
 * payload against. Channels are named `domain:verb`.
 */

export const SignInPayloadSchema = z
  .object({
    username: z.string().min(1).max(128),
    password: z.string().min(1).max(128),
  })
  .strict();

export const NoPayloadSchema = z.undefined();

/**
 * Routes the renderer may not reach through `api:call`: signing in and out goes through the
 * session channels, because main must keep the token out of the renderer.
 */
export const routesNotProxied: readonly ApiRouteName[] = ['signIn', 'signOut'];

const proxiedRouteNames = (Object.keys(apiRoutes) as ApiRouteName[]).filter((name) => !routesNotProxied.includes(name));

/**
 * One call of a service API route, made by main with the session's token. Main validates
 * `body`, `params` and `query` against that route's own schemas before it sends anything.
 */
export const ApiCallPayloadSchema = z
  .object({
    route: z.enum(proxiedRouteNames as [ApiRouteName, ...ApiRouteName[]]),
    body: z.unknown().optional(),
    params: z.unknown().optional(),
    query: z.unknown().optional(),
  })
  .strict();

export const ipcContract = {
  'session:sign-in': SignInPayloadSchema,
  'session:sign-out': NoPayloadSchema,
  'profile:get': NoPayloadSchema,
  'profile:change-password': ChangePasswordRequestSchema,
  'api:call': ApiCallPayloadSchema,
  'api:download': ApiCallPayloadSchema,
  'tokens:list': NoPayloadSchema,
  'tokens:change-pin': ChangeTokenPinPayloadSchema,
  'tokens:reset-pin': ResetTokenPinPayloadSchema,
  'tokens:import-certificate': ImportTokenCertificatePayloadSchema,
  'settings:get': NoPayloadSchema,
  'settings:update': SettingsUpdatePayloadSchema,
  'cache:clear': NoPayloadSchema,
  'sessions:list': NoPayloadSchema,
  'sessions:switch': SessionIdPayloadSchema,
  'sessions:sign-out': SessionIdPayloadSchema,
  'files:save': SaveFilePayloadSchema,
} as const;

export type IpcChannel = keyof typeof ipcContract;

export const ipcChannels = Object.keys(ipcContract) as IpcChannel[];

export function isIpcChannel(value: unknown): value is IpcChannel {
  return typeof value === 'string' && Object.hasOwn(ipcContract, value);
}

export type IpcPayload<C extends IpcChannel> = z.input<(typeof ipcContract)[C]>;

export interface IpcResults {
  'session:sign-in': SessionInfo;
  'session:sign-out': null;
  'profile:get': Profile;
  'profile:change-password': ChangePasswordResponse;
  /** The route's parsed JSON response; null for 204 routes. */
  'api:call': unknown;
  'api:download': Download;
  'tokens:list': TokenModuleReport[];
  'tokens:change-pin': null;
  'tokens:reset-pin': null;
  'tokens:import-certificate': TokenCertificate;
  'settings:get': SettingsView;
  'settings:update': SettingsView;
  'cache:clear': null;
  'sessions:list': SessionsView;
  'sessions:switch': SessionsView;
  'sessions:sign-out': SessionsView;
  'files:save': SaveFileResult;
}

/**
 * Every IPC call resolves to this shape: exceptions do not survive the context bridge with their
 * code intact, so main catches them and sends the code as data.
 */
export type IpcResult<T> =
  | { ok: true; value: T }
  | { ok: false; error: { code: ErrorCode; fields?: FieldError[]; retryAfterSeconds?: number; triesLeft?: number } };
