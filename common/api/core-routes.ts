import type { z } from 'zod';

import {
  ChangePasswordRequestSchema,
  ChangePasswordResponseSchema,
  HealthSchema,
  ProfileSchema,
  CurrentSessionResponseSchema,
  SignInRequestSchema,
  SignInResponseSchema,
} from './schemas';

/** One entry of the service API table; see routes.ts. */
export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  summary: string;
  /** Whether a signed-in session is required. */
  authenticated: boolean;
  body?: z.ZodType;
  /** Path parameters, written `:name` in `path`. */
  params?: z.ZodType;
  /** Query string parameters. */
  query?: z.ZodType;
  /**
   * The 2xx response schema; `null` means 204 No Content, and `'binary'` means bytes with their
   * own content type (a certificate, a PDF) that the handler sends itself.
   */
  response: z.ZodType | null | 'binary';
  successStatus: number;
}

/** Health, sessions and the profile. */
export const coreRoutes = {
  health: {
    method: 'GET',
    path: '/api/v1/health',
    summary: 'Report that the service is running',
    authenticated: false,
    response: HealthSchema,
    successStatus: 200,
  },
  signIn: {
    method: 'POST',
    path: '/api/v1/sessions',
    summary: 'Sign in with the user name and password of one certificate',
    authenticated: false,
    body: SignInRequestSchema,
    response: SignInResponseSchema,
    successStatus: 201,
  },
  getCurrentSession: {
    method: 'GET',
    path: '/api/v1/sessions/current',
    summary: 'Report the current session, or null when the caller is signed out (never 401)',
    // The handler authenticates itself, because a missing or ended session is an answer here, not an error.
    authenticated: false,
    response: CurrentSessionResponseSchema,
    successStatus: 200,
  },
  signOut: {
    method: 'DELETE',
    path: '/api/v1/sessions/current',
    summary: 'Sign out of the current session',
    authenticated: true,
    response: null,
    successStatus: 204,
  },
  getProfile: {
    method: 'GET',
    path: '/api/v1/me',
    summary: 'Read the profile encoded in the signed-in certificate',
    authenticated: true,
    response: ProfileSchema,
    successStatus: 200,
  },
  changePassword: {
    method: 'PUT',
    path: '/api/v1/me/password',
    summary: 'Change the portal password; every other session of the account ends',
    authenticated: true,
    body: ChangePasswordRequestSchema,
    response: ChangePasswordResponseSchema,
    successStatus: 200,
  },
} as const satisfies Record<string, ApiRoute>;
