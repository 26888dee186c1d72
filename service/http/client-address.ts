import { isIP } from 'node:net';

import type { FastifyRequest } from 'fastify';

/**
 * Returns the client address that throttles and the audit log record. Behind a trusted proxy
 * Fastify takes it from X-Forwarded-For, which contains whatever the proxy wrote there. A value that
 * is not an IP address falls back to the proxy's own address, so that made-up values cannot each
 * open a throttle count of their own.
 */
export function clientAddress(request: FastifyRequest): string {
  if (isIP(request.ip) !== 0) return request.ip;
  return request.socket.remoteAddress ?? 'unknown';
}
