import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';

import type { ServiceContext } from '../context';
import { serviceVersion } from '../version';
import { installErrorHandling } from './errors';
import { buildOpenApiDocument } from './openapi';
import { registerContractRoutes } from '../contracts/routes';
import { registerMeRoutes } from './routes/me';
import { registerSecurityRoutes } from '../security/routes';
import { registerWalletRoutes } from '../wallet/routes';
import type { RecoveryThrottlePolicies } from '../recovery/policy';
import { registerRecoveryRoutes } from '../recovery/routes';
import { registerPkiRoutes } from './routes/pki';
import { registerRevocationRoutes } from '../revocation/routes';
import { ocspServerFactory, registerStatusRoutes } from '../status/routes';
import { registerSessionRoutes } from './routes/sessions';
import { installSecurityHeaders } from './security-headers';
import { defineRoute } from './define-route';

/** Request bodies of this API are small JSON objects; anything larger is rejected unread. */
export const bodyLimitBytes = 16 * 1024;

export async function buildApp(
  context: ServiceContext,
  options: { portalDir?: string; recoveryThrottle?: Partial<RecoveryThrottlePolicies>; trustedProxies?: string[] } = {},
): Promise<FastifyInstance> {
  const logger = context.logger.child({ subsystem: 'http' });
  const app = Fastify({
    // pino 10's Logger type is wider than the one Fastify declares; the runtime object is the same.
    loggerInstance: logger as FastifyBaseLogger,
    // OCSP requests are handled on the HTTP server itself, before Fastify's routing and hooks.
    serverFactory: ocspServerFactory(context, logger),
    bodyLimit: bodyLimitBytes,
    // Client addresses key the throttles, so X-Forwarded-For counts only from listed proxies.
    trustProxy: options.trustedProxies && options.trustedProxies.length > 0 ? options.trustedProxies : false,
  });

  // The API speaks JSON only; without this, Fastify would hand a text/plain body to the handlers.
  app.removeContentTypeParser('text/plain');
  installErrorHandling(app);
  installSecurityHeaders(app);
  await app.register(fastifyCookie);

  defineRoute(app, context, 'health', async () => ({ status: 'ok' as const, version: serviceVersion }));
  registerSessionRoutes(app, context);
  registerMeRoutes(app, context);
  registerSecurityRoutes(app, context);
  registerWalletRoutes(app, context);
  registerPkiRoutes(app, context);
  registerStatusRoutes(app, context);
  registerRevocationRoutes(app, context);
  registerContractRoutes(app, context);
  registerRecoveryRoutes(app, context, { throttle: options.recoveryThrottle });

  const openApi = buildOpenApiDocument(serviceVersion);
  app.get('/api/openapi.json', async () => openApi);

  if (options.portalDir && existsSync(options.portalDir)) {
    await app.register(fastifyStatic, { root: options.portalDir, index: ['index.html'], wildcard: true });
  } else {
    app.get('/', async (request, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .send('The browser portal is not built. Run "npm run build:renderer" and restart the service.\n'),
    );
  }

  return app;
}
