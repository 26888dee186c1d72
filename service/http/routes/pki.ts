import type { FastifyInstance } from 'fastify';

import type { ServiceContext } from '../../context';

/** The CA certificates in DER, as relying parties and the certificates' AIA caIssuers URL expect them. */
export function registerPkiRoutes(app: FastifyInstance, context: ServiceContext): void {
  app.get('/pki/root.crt', async (request, reply) =>
    reply.header('content-type', 'application/pkix-cert').header('cache-control', 'public, max-age=3600').send(Buffer.from(context.ca.rootCertificateDer)),
  );
  app.get('/pki/issuing.crt', async (request, reply) =>
    reply.header('content-type', 'application/pkix-cert').header('cache-control', 'public, max-age=3600').send(Buffer.from(context.ca.issuingCertificateDer)),
  );
}
