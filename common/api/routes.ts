import type { z } from 'zod';

import {
  ChangePasswordRequestSchema,
  ChangePasswordResponseSchema,
  HealthSchema,
  ProfileSchema,
  SignInRequestSchema,
  SignInResponseSchema,
} from './schemas';

/**
 * The service API as data: each entry names its method, path, body and response schemas. The
 * service registers its handlers against this table, the OpenAPI document is generated from it,
 * and the typed client derives its method signatures from it, so the three cannot drift apart.
 */
export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  summary: string;
  /** Whether a signed-in session is required. */
  authenticated: boolean;
  body?: z.ZodType;
  /** The 2xx response schema; `null` means 204 No Content. */
  response: z.ZodType | null;
  successStatus: number;
}

export const apiRoutes = {
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

export type ApiRouteName = keyof typeof apiRoutes;

type RouteOf<N extends ApiRouteName> = (typeof apiRoutes)[N];

/** The input a route's body schema accepts, or `undefined` for routes without a body. */
export type ApiRequest<N extends ApiRouteName> = RouteOf<N> extends { body: infer B extends z.ZodType } ? z.input<B> : undefined;

/** The value a route's body schema produces after parsing (defaults applied), as the service sees it. */
export type ApiParsedBody<N extends ApiRouteName> = RouteOf<N> extends { body: infer B extends z.ZodType } ? z.infer<B> : undefined;

/** The value a route's response schema produces, or `undefined` for 204 routes. */
export type ApiResponse<N extends ApiRouteName> = RouteOf<N>['response'] extends infer R extends z.ZodType ? z.infer<R> : undefined;
