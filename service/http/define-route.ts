import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';

import { apiRoutes, type ApiParsedBody, type ApiParsedParams, type ApiParsedQuery, type ApiResponse, type ApiRouteName } from '../../common/api/routes';
import type { ServiceContext } from '../context';
import { authenticate, type Authenticated } from './auth';
import { parseWithCatalogue } from '../../common/validation';

export interface RouteCall<N extends ApiRouteName> {
  body: ApiParsedBody<N>;
  params: ApiParsedParams<N>;
  query: ApiParsedQuery<N>;
  auth: (typeof apiRoutes)[N]['authenticated'] extends true ? Authenticated : null;
  request: FastifyRequest;
  reply: FastifyReply;
}

/**
 * Registers the handler of one entry of the route table. Authentication and body validation
 * happen here, before the handler runs, so no handler can forget either.
 */
export function defineRoute<N extends ApiRouteName>(
  app: FastifyInstance,
  context: ServiceContext,
  name: N,
  // Binary routes send their bytes through `reply` and return it.
  handler: (call: RouteCall<N>) => Promise<ApiResponse<N> | FastifyReply>,
): void {
  const route = apiRoutes[name];

  app.route({
    method: route.method,
    url: route.path,
    handler: async (request, reply) => {
      const auth = route.authenticated ? await authenticate(context, request) : null;
      const body = 'body' in route ? parseWithCatalogue(route.body, request.body ?? {}) : undefined;
      const params = 'params' in route ? parseWithCatalogue(route.params as z.ZodType, request.params) : undefined;
      const query = 'query' in route ? parseWithCatalogue(route.query as z.ZodType, request.query) : undefined;

      void reply.status(route.successStatus);
      const result = await handler({ body, params, query, auth, request, reply } as RouteCall<N>);
      return route.response === null ? reply.send() : result;
    },
  });
}
