import type { z } from 'zod';

import { EidError, isErrorCode, type FieldError } from './errors';

/**
 * Parses a value with a zod schema and turns every issue into a field error. A schema that names
 * a catalogue code as its message (for example INVALID_PERSONAL_NUMBER) reports that code for the
 * field; any other issue reports VALIDATION_FAILED.
 * @throws EidError VALIDATION_FAILED with the list of fields, or the single field's code when only one domain rule failed.
 */
export function parseWithCatalogue<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;

  const fields: FieldError[] = result.error.issues.map((issue) => ({
    path: issue.path.join('.') || '(body)',
    code: isErrorCode(issue.message) ? issue.message : 'VALIDATION_FAILED',
  }));
  const domainCodes = [...new Set(fields.map((field) => field.code).filter((code) => code !== 'VALIDATION_FAILED'))];
  const code = domainCodes.length === 1 && fields.length === 1 ? domainCodes[0]! : 'VALIDATION_FAILED';
  throw new EidError(code, { fields });
}
