import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { familyOf, portalErrorBody, staffErrorBody } from './envelopes.js';
import { AppError } from './errors.js';

/**
 * Node's HTTP parser refuses some requests before Fastify sees them: a request line and
 * headers over 16 KB (431, typically a huge query string) or bytes that are not HTTP (400).
 * Node would answer those with an empty body; given to Fastify as `clientErrorHandler`,
 * this answers in the family's envelope, told apart by the path in the request line.
 */
export function answerClientError(error: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const appError =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new AppError('headers_too_large')
      : new AppError('malformed_body', '请求格式错误（不是合法的 HTTP 请求）');
  // A Buffer at run time, whatever Fastify's typings say.
  const raw = Buffer.isBuffer(error.rawPacket) ? error.rawPacket : Buffer.alloc(0);
  const requestLine = raw.toString('latin1', 0, 512).split('\r\n', 1)[0] ?? '';
  const path = requestLine.split(' ')[1] ?? '';
  const body = JSON.stringify(familyOf(path) === 'staff' ? staffErrorBody(appError) : portalErrorBody(appError));
  socket.end(
    `HTTP/1.1 ${appError.status} ${STATUS_CODES[appError.status]}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
