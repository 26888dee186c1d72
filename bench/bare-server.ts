import Fastify from 'fastify';
import { readFileSync } from 'node:fs';

/**
 * The ceiling for the OCSP benchmark: the same HTTP stack (Fastify, the same body parser) with a
 * route that returns one fixed OCSP response read from a file and does no OCSP work.
 * Usage: tsx bench/bare-server.ts PORT RESPONSE_FILE
 */
const port = Number(process.argv[2]);
const body = readFileSync(process.argv[3]!);
const app = Fastify({ logger: false });
app.addContentTypeParser('application/ocsp-request', { parseAs: 'buffer', bodyLimit: 4096 }, (request, raw, done) => done(null, raw));
app.post('/pki/ocsp', async (request, reply) => reply.header('content-type', 'application/ocsp-response').header('cache-control', 'no-store').send(body));
await app.listen({ host: '127.0.0.1', port });
console.log('listening');
