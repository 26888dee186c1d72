import { z } from 'zod';

import { ChangePasswordRequestSchema, type ChangePasswordResponse, type Profile, type SessionInfo } from '../api/schemas';
import type { ErrorCode, FieldError } from '../errors';

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

export const ipcContract = {
  'session:sign-in': SignInPayloadSchema,
  'session:sign-out': NoPayloadSchema,
  'profile:get': NoPayloadSchema,
  'profile:change-password': ChangePasswordRequestSchema,
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
}

/**
 * Every IPC call resolves to this shape: exceptions do not survive the context bridge with their
 * code intact, so main catches them and sends the code as data.
 */
export type IpcResult<T> =
  | { ok: true; value: T }
  | { ok: false; error: { code: ErrorCode; fields?: FieldError[]; retryAfterSeconds?: number } };
