import type { FastifyRequest } from 'fastify';
import { type AppError, errorCatalogue } from './errors.js';

export type ApiFamily = 'staff' | 'portal';

export const STAFF_PREFIX = '/back_end/api/v1';
export const PORTAL_PREFIX = '/patient';

export function familyOf(url: string): ApiFamily {
  return url.startsWith('/back_end/') ? 'staff' : 'portal';
}

/** Staff errors: `{state_code, msg}` (plus extra fields such as `existingId`). */
export function staffErrorBody(error: AppError): Record<string, unknown> {
  return { state_code: errorCatalogue[error.code].stateCode, msg: error.message, ...error.extra };
}

/** Portal errors: `{code: 0, msg, data: null}`. */
export function portalErrorBody(error: AppError): Record<string, unknown> {
  return { code: 0, msg: error.message, data: null, ...error.extra };
}

export function errorBody(request: FastifyRequest, error: AppError): Record<string, unknown> {
  return familyOf(request.url) === 'staff' ? staffErrorBody(error) : portalErrorBody(error);
}

/** Portal success: `{code: 1, msg, data}`. */
export function portalOk<T>(data: T, msg = 'ok'): { code: 1; msg: string; data: T } {
  return { code: 1, msg, data };
}
