import type { z } from 'zod';

import { certificateRoutes } from './certificate';
import { contractsRoutes } from './contracts';
import { coreRoutes } from './core-routes';
import { recoveryRoutes } from './recovery';
import { securityRoutes } from './security';
import { walletRoutes } from './wallet';

export type { ApiRoute } from './core-routes';

/**
 * The service API as data: each entry names its method, path, body and response schemas. The
 * service registers its handlers against this table, the OpenAPI document is generated from it,
 * and the typed client derives its method signatures from it, so the three cannot drift apart.
 * Each area of the API keeps its entries (and their schemas) in its own module, merged here.
 */
export const apiRoutes = {
  ...coreRoutes,
  ...certificateRoutes,
  ...contractsRoutes,
  ...recoveryRoutes,
  ...securityRoutes,
  ...walletRoutes,
};

export type ApiRouteName = keyof typeof apiRoutes;

type RouteOf<N extends ApiRouteName> = (typeof apiRoutes)[N];

/** The input a route's body schema accepts, or `undefined` for routes without a body. */
export type ApiRequest<N extends ApiRouteName> = RouteOf<N> extends { body: infer B extends z.ZodType } ? z.input<B> : undefined;

/** The value a route's body schema produces after parsing (defaults applied), as the service sees it. */
export type ApiParsedBody<N extends ApiRouteName> = RouteOf<N> extends { body: infer B extends z.ZodType } ? z.infer<B> : undefined;

/** Path parameters as the client passes them, or `undefined`. */
export type ApiParams<N extends ApiRouteName> = RouteOf<N> extends { params: infer P extends z.ZodType } ? z.input<P> : undefined;
export type ApiParsedParams<N extends ApiRouteName> = RouteOf<N> extends { params: infer P extends z.ZodType } ? z.infer<P> : undefined;

/** Query parameters as the client passes them, or `undefined`. */
export type ApiQuery<N extends ApiRouteName> = RouteOf<N> extends { query: infer Q extends z.ZodType } ? z.input<Q> : undefined;
export type ApiParsedQuery<N extends ApiRouteName> = RouteOf<N> extends { query: infer Q extends z.ZodType } ? z.infer<Q> : undefined;

/** The value a route's response schema produces, or `undefined` for 204 and binary routes. */
export type ApiResponse<N extends ApiRouteName> = RouteOf<N>['response'] extends infer R extends z.ZodType ? z.infer<R> : undefined;
