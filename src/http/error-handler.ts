import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import { isDatabaseUnavailable, isUnstorableText } from '../db/database.js';
import { errorBody } from './envelopes.js';
import { AppError, type AppErrorCode, isAppError } from './errors.js';
import { validationToAppError } from './validation.js';

const codeByFastifyStatus: Record<number, AppErrorCode> = {
  400: 'malformed_body',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/** Maps anything thrown while handling a request onto the closed set of AppErrors. */
export function toAppError(error: unknown, request: FastifyRequest): AppError {
  if (isAppError(error)) return error;
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation) {
    return validationToAppError(fastifyError.validation as never, fastifyError.validationContext ?? 'body', request);
  }
  if (isDatabaseUnavailable(error)) return new AppError('service_unavailable', undefined, { cause: error });
  if (isUnstorableText(error))
    return new AppError('invalid_value', '参数不合法（包含无法保存的字符）', { cause: error });
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return new AppError(codeByFastifyStatus[status] ?? 'invalid_value', undefined, { cause: error });
  }
  return new AppError('internal', undefined, { cause: error });
}

function send(reply: FastifyReply, request: FastifyRequest, error: AppError): FastifyReply {
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  return reply.code(error.status).type('application/json; charset=utf-8').send(errorBody(request, error));
}

/**
 * Fastify's router answers a path parameter over maxParamLength (414) or a broken percent
 * encoding (400) by itself, outside the error handler; given as `frameworkErrors`, this
 * keeps those answers in the family's envelope.
 */
export function answerFrameworkError(_error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return send(reply, request, new AppError('invalid_value', '参数不合法: 路径参数过长或编码错误'));
}

/** The web UI's index page, sent for every page path: plain and compressed, with its own headers (its CSP). */
export interface WebPage {
  html: string;
  brotli: Buffer;
  gzip: Buffer;
  headers: Record<string, string>;
}

/**
 * Installs the one error handler, the not-found handler, and the 405 answer for a known
 * path called with the wrong method (Fastify alone would say 404). Call before routes are
 * registered: it watches route registration to learn every path.
 */
export function installErrorHandling(
  app: FastifyInstance,
  options: { webPage?: () => WebPage | undefined; isWebPageRequest?: (request: FastifyRequest) => boolean } = {},
): void {
  const knownRoutes = FindMyWay({ ignoreTrailingSlash: true });
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      try {
        knownRoutes.on(method as HTTPMethod, route.url, () => {});
      } catch {
        // Already known (e.g. the HEAD twin of a GET route).
      }
    }
  });

  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error, request);
    if (appError.status >= 500) {
      request.log.error({ err: appError.cause ?? error, code: appError.code }, 'request failed');
    } else {
      request.log.info({ code: appError.code, status: appError.status }, appError.message);
    }
    return send(reply, request, appError);
  });

  app.setNotFoundHandler((request, reply) => {
    const page = options.webPage?.();
    if (page !== undefined && options.isWebPageRequest?.(request)) {
      reply.code(200).headers(page.headers).header('cache-control', 'no-cache').header('vary', 'accept-encoding');
      reply.type('text/html; charset=utf-8');
      const accepted = request.headers['accept-encoding'] ?? '';
      if (/\bbr\b/.test(accepted)) return reply.header('content-encoding', 'br').send(page.brotli);
      if (/\bgzip\b/.test(accepted)) return reply.header('content-encoding', 'gzip').send(page.gzip);
      return reply.send(page.html);
    }
    const path = request.url.split('?')[0] ?? '/';
    const allowed = (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).filter(
      (method) => knownRoutes.find(method, path) !== null,
    );
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return send(reply, request, new AppError('method_not_allowed'));
    }
    return send(reply, request, new AppError('not_found'));
  });
}
