import type { FastifyError, FastifyInstance } from 'fastify';

import { EidError, type ErrorCode } from '../../common/errors';

// Fastify's own error codes for bodies it cannot parse, mapped onto the catalogue.
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
};

function toEidError(error: FastifyError | Error): EidError {
  if (error instanceof EidError) return error;
  const mapped = fastifyCodes[(error as FastifyError).code ?? ''];
  if (mapped) return new EidError(mapped, { cause: error });
  // A JSON.parse failure surfaces as a SyntaxError with status 400 in some Fastify paths.
  if (error instanceof SyntaxError && (error as FastifyError).statusCode === 400) return new EidError('MALFORMED_JSON', { cause: error });
  return new EidError('INTERNAL_ERROR', { cause: error });
}

/** Answers every failure with a catalogue code and a safe message; details go to the log only. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const eidError = toEidError(error as FastifyError);
    if (eidError.code === 'INTERNAL_ERROR') {
      request.log.error({ err: error }, 'request failed');
    } else {
      // Field codes are joined into strings: the redaction masks any key named `code`.
      const fields = eidError.fields?.map((field) => `${field.path}: ${field.code}`);
      request.log.info({ errorCode: eidError.code, fields }, 'request rejected');
    }

    if (eidError.retryAfterSeconds !== undefined) void reply.header('retry-after', String(eidError.retryAfterSeconds));
    return reply.status(eidError.status).send(eidError.toBody());
  });

  app.setNotFoundHandler((request, reply) => {
    const error = new EidError('NOT_FOUND');
    return reply.status(error.status).send(error.toBody());
  });
}
