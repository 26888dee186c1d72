import type { IncomingMessage, ServerResponse } from 'node:http';

import { EidError } from '../../common/errors';
import type { Logger } from '../log/logger';
import { malformedRequestResponse, maxOcspRequestBytes, ocspErrorResponse, ocspResponseStatus } from './ocsp';
import type { StatusService } from './status-service';

/**
 * The OCSP responder on plain node:http, in front of Fastify. Relying parties query it for every
 * signature they check, and a response to a request with a nonce is signed anew. Skipping Fastify's
 * routing, body parser and reply hooks (security headers, cookies) raised throughput by about 20 %
 * in bench/ocsp.ts (docs/benchmarks.md). Each response is one `writeHead` and one `end`, with the
 * status codes, error bodies and headers that the Fastify routes sent.
 */

const ocspPath = '/pki/ocsp';
const ocspRequestType = 'application/ocsp-request';
/** Four base64 characters carry three bytes, so this bounds the decoded request size too. */
const maxEncodedRequestLength = Math.ceil(maxOcspRequestBytes / 3) * 4;

const ocspHeaders = {
  'content-type': 'application/ocsp-response',
  // Each response carries the current time and, usually, the request's nonce, so none is reused.
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

const errorHeaders = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

const internalErrorResponse = Buffer.from(ocspErrorResponse(ocspResponseStatus.internalError));

/**
 * Handles `request` and returns true when it is an OCSP request (POST /pki/ocsp, or GET or HEAD
 * /pki/ocsp/{base64 request}). Returns false for every other request, which the caller passes on
 * to Fastify.
 */
export type RawOcspHandler = (request: IncomingMessage, response: ServerResponse) => boolean;

export function createRawOcspHandler(status: StatusService, logger: Logger): RawOcspHandler {
  // Responses are written after the event loop has read every request that was ready, rather
  // than one at a time between signatures. A write on loopback wakes the client's process, and
  // when the responses of one turn leave together, the client takes them in one wake-up and sends
  // its next requests together. In bench/ocsp.ts this cut the responder's CPU time per request by
  // about a third, and raised throughput by as much.
  let unsent: Array<[ServerResponse, Uint8Array]> = [];
  const sendUnsent = (): void => {
    const batch = unsent;
    unsent = [];
    for (const [response, der] of batch) {
      // A client that disconnected while its response waited has nothing to receive it.
      if (response.destroyed) continue;
      response.writeHead(200, { ...ocspHeaders, 'content-length': der.length });
      response.end(der);
    }
  };
  const sendOcspResponse = (response: ServerResponse, der: Uint8Array): void => {
    if (unsent.length === 0) setImmediate(sendUnsent);
    unsent.push([response, der]);
  };

  // Rejected requests are logged as the Fastify routes log them, at info with the code. Log lines
  // name the path, not the URL, because a GET carries the whole request in its URL.
  const sendError = (request: IncomingMessage, response: ServerResponse, error: EidError): void => {
    logger.info({ errorCode: error.code, method: request.method, path: ocspPath }, 'request rejected');
    const body = Buffer.from(JSON.stringify(error.toBody()));
    response.writeHead(error.status, { ...errorHeaders, 'content-length': body.length });
    response.end(body);
  };

  const sendInternalError = (request: IncomingMessage, response: ServerResponse, error: unknown): void => {
    // OCSP clients parse an internalError response but not a JSON error body.
    logger.error({ err: error, method: request.method, path: ocspPath }, 'OCSP request failed');
    sendOcspResponse(response, internalErrorResponse);
  };

  const sendMalformed = (request: IncomingMessage, response: ServerResponse): void => {
    logger.info({ ocspResponseStatus: 'malformedRequest', method: request.method, path: ocspPath }, 'request rejected');
    sendOcspResponse(response, malformedRequestResponse);
  };

  const sendResponse = (request: IncomingMessage, response: ServerResponse, responseDer: Uint8Array): void => {
    if (responseDer === malformedRequestResponse) sendMalformed(request, response);
    else sendOcspResponse(response, responseDer);
  };

  const signAndSend = (request: IncomingMessage, response: ServerResponse, der: Uint8Array): void => {
    const responder = status.loadedOcspResponder;
    if (responder === undefined) {
      // Before the first request the status service loads the responder.
      status.respondToOcsp(der).then(
        (responseDer) => sendResponse(request, response, responseDer),
        (error: unknown) => sendInternalError(request, response, error),
      );
      return;
    }
    // Once it is loaded, a response is signed and sent without a promise in between.
    let responseDer: Uint8Array;
    try {
      responseDer = responder.respond(der);
    } catch (error) {
      sendInternalError(request, response, error);
      return;
    }
    sendResponse(request, response, responseDer);
  };

  return (request, response) => {
    const url = request.url ?? '';
    if (!url.startsWith(ocspPath)) return false;
    const queryStart = url.indexOf('?');
    const path = queryStart === -1 ? url : url.slice(0, queryStart);

    if (request.method === 'POST' && path === ocspPath) {
      handlePost(request, response);
      return true;
    }
    if ((request.method === 'GET' || request.method === 'HEAD') && path.startsWith(`${ocspPath}/`)) {
      handleGet(request, response, path.slice(ocspPath.length + 1));
      return true;
    }
    return false;
  };

  function handlePost(request: IncomingMessage, response: ServerResponse): void {
    const lengthHeader = request.headers['content-length'];
    const declaredLength = lengthHeader === undefined ? undefined : Number(lengthHeader);
    // Like Fastify, a request without a body gets no content type check.
    if (declaredLength === 0 || (declaredLength === undefined && request.headers['transfer-encoding'] === undefined)) {
      sendMalformed(request, response);
      return;
    }

    const contentType = (request.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
    if (contentType !== ocspRequestType) {
      sendError(request, response, new EidError('UNSUPPORTED_OCSP_MEDIA_TYPE'));
      return;
    }
    if (declaredLength !== undefined && declaredLength > maxOcspRequestBytes) {
      sendError(request, response, new EidError('BODY_TOO_LARGE'));
      return;
    }

    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received <= maxOcspRequestBytes) {
        chunks.push(chunk);
        return;
      }
      // Node's server discards the rest of the body once the response has ended.
      request.off('data', onData);
      request.off('end', onEnd);
      sendError(request, response, new EidError('BODY_TOO_LARGE'));
    };
    const onEnd = (): void => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received);
      if (body.length === 0) sendMalformed(request, response);
      else signAndSend(request, response, body);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    // A client that disconnects mid-body gets no response, as with Fastify.
    request.on('error', () => request.off('end', onEnd));
  }

  function handleGet(request: IncomingMessage, response: ServerResponse, encodedPath: string): void {
    // RFC 6960 appendix A.1: the path is the URL-encoded base64 of the DER request.
    const encoded = encodedPath.includes('%') ? safeDecode(encodedPath) : encodedPath;
    if (encoded.length > maxEncodedRequestLength) {
      sendError(request, response, new EidError('OCSP_REQUEST_TOO_LARGE'));
      return;
    }

    const normalised = encoded.replace(/-/g, '+').replace(/_/g, '/');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(normalised)) {
      sendMalformed(request, response);
      return;
    }
    signAndSend(request, response, Buffer.from(normalised, 'base64'));
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return '';
  }
}
