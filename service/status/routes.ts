import type { FastifyInstance, FastifyServerFactory } from 'fastify';
import http from 'node:http';

import type { ServiceContext } from '../context';
import type { Logger } from '../log/logger';
import { createRawOcspHandler } from './raw-ocsp-handler';
import { statusServiceFor } from './status-service';

/**
 * Registers the CRL at GET /pki/crl and runs the status timer while the app runs. The OCSP
 * responder (POST /pki/ocsp, GET /pki/ocsp/{base64 request}) is served before Fastify by
 * `ocspServerFactory`.
 */
export function registerStatusRoutes(app: FastifyInstance, context: ServiceContext): void {
  const status = statusServiceFor(context);
  app.addHook('onReady', async () => status.start());
  app.addHook('onClose', async () => status.stop());

  app.get('/pki/crl', async (request, reply) => {
    const der = await status.currentCrl();
    return reply.header('content-type', 'application/pkix-crl').header('cache-control', 'public, max-age=300').send(Buffer.from(der));
  });
}

/**
 * A Fastify `serverFactory` whose HTTP server hands OCSP requests to the raw OCSP handler and
 * every other request to Fastify. It applies Fastify's timeout options as Fastify's own server would.
 */
export function ocspServerFactory(context: ServiceContext, logger: Logger): FastifyServerFactory {
  const handleOcsp = createRawOcspHandler(statusServiceFor(context), logger);
  return (fastifyHandler, options) => {
    const server = http.createServer((request, response) => {
      if (!handleOcsp(request, response)) fastifyHandler(request, response);
    });
    const { keepAliveTimeout, requestTimeout, connectionTimeout, maxRequestsPerSocket } = options;
    if (typeof keepAliveTimeout === 'number') server.keepAliveTimeout = keepAliveTimeout;
    if (typeof requestTimeout === 'number') server.requestTimeout = requestTimeout;
    if (typeof connectionTimeout === 'number') server.setTimeout(connectionTimeout);
    // Zero means Node's default, as in Fastify.
    if (typeof maxRequestsPerSocket === 'number' && maxRequestsPerSocket > 0) server.maxRequestsPerSocket = maxRequestsPerSocket;
    return server;
  };
}
