import type { FastifyRequest } from 'fastify';
import { AppError, invalidField } from './errors.js';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * NUL cannot be stored in PostgreSQL text and has no place in any field: refuse it up
 * front, naming the field, so both databases answer the same 400.
 */
function assertNoNul(value: unknown, field: string, depth = 0): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) {
      throw invalidField(field, '包含不允许的控制字符');
    }
  } else if (value && typeof value === 'object' && depth < 4) {
    for (const [key, inner] of Object.entries(value)) assertNoNul(inner, field ? `${field}.${key}` : key, depth + 1);
  }
}

/**
 * Normalizes what arrives before validation: a body-taking route with no body is
 * validated as `{}` (so the answer names the missing field), a body that is not an
 * object is refused, and NUL characters are refused everywhere.
 */
export function guardRequestInput(request: FastifyRequest, options: { dropEmptyFormFields: boolean }): void {
  if (BODY_METHODS.has(request.method) && request.routeOptions.schema?.body) {
    if (request.body === undefined || request.body === null) request.body = {};
    else if (typeof request.body !== 'object' || Array.isArray(request.body))
      throw new AppError('malformed_body', '请求体应为 JSON 对象');
    else if (
      options.dropEmptyFormFields &&
      request.headers['content-type']?.startsWith('application/x-www-form-urlencoded')
    ) {
      // A form field left empty means "not given": browsers send every input of a form.
      const body = request.body as Record<string, unknown>;
      for (const [key, value] of Object.entries(body)) if (value === '') delete body[key];
    }
  }
  assertNoNul(request.query, '');
  assertNoNul(request.body, '');
}
