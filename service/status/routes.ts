import type { FastifyInstance, FastifyReply } from 'fastify';

import { EidError } from '../../common/errors';
import type { ServiceContext } from '../context';
import { maxOcspRequestBytes, ocspErrorResponse, ocspResponseStatus } from './ocsp';
import { statusServiceFor } from './status-service';

const ocspContentType = 'application/ocsp-response';

/**
 * Relying parties ask the OCSP responder for every signature they check, so logging two lines per
 * request would cost more than answering it. Its routes log warnings and errors only.
 */
const ocspLogLevel = 'warn';

/**
 * Registers the CRL at GET /pki/crl and the OCSP responder at POST /pki/ocsp and
 * GET /pki/ocsp/{base64 request}, and runs the status timer while the app runs.
 */
export function registerStatusRoutes(app: FastifyInstance, context: ServiceContext): void {
  const status = statusServiceFor(context);
  app.addHook('onReady', async () => status.start());
  app.addHook('onClose', async () => status.stop());

  void app.register(async (scope) => {
    // Only this scope reads OCSP bodies as bytes; the JSON API keeps rejecting the type.
    scope.addContentTypeParser('application/ocsp-request', { parseAs: 'buffer', bodyLimit: maxOcspRequestBytes }, (request, body, done) => done(null, body));

    scope.get('/pki/crl', async (request, reply) => {
      const der = await status.currentCrl();
      return reply.header('content-type', 'application/pkix-crl').header('cache-control', 'public, max-age=300').send(Buffer.from(der));
    });

    scope.post('/pki/ocsp', { logLevel: ocspLogLevel }, async (request, reply) => {
      // Fastify skips the parser for an empty body.
      if (request.body === undefined || request.body === null) return sendOcsp(reply, ocspErrorResponse(ocspResponseStatus.malformedRequest));
      if (!Buffer.isBuffer(request.body)) throw new EidError('UNSUPPORTED_MEDIA_TYPE');
      return sendOcsp(reply, await status.respondToOcsp(request.body));
    });

    scope.get('/pki/ocsp/*', { logLevel: ocspLogLevel }, async (request, reply) => {
      let encoded = (request.params as Record<string, string>)['*'] ?? '';
      // RFC 6960 appendix A.1: the path is the URL-encoded base64 of the DER request.
      if (encoded.includes('%')) encoded = safeDecode(encoded);
      // Four base64 characters carry three bytes, so this bounds the decoded size too.
      if (encoded.length > Math.ceil(maxOcspRequestBytes / 3) * 4) throw new EidError('OCSP_REQUEST_TOO_LARGE');

      const normalised = encoded.replace(/-/g, '+').replace(/_/g, '/');
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(normalised)) return sendOcsp(reply, ocspErrorResponse(ocspResponseStatus.malformedRequest));
      return sendOcsp(reply, await status.respondToOcsp(Buffer.from(normalised, 'base64')));
    });
  });
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return '';
  }
}

function sendOcsp(reply: FastifyReply, response: Uint8Array): FastifyReply {
  // Each response carries the current time and, usually, the request's nonce, so none is reused.
  return reply.header('content-type', ocspContentType).header('cache-control', 'no-store').send(Buffer.from(response));
}
