import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * A Server-Sent Events response (text/event-stream) on a hijacked reply: Fastify lets go of the
 * socket, so this writes its own headers (the security ones included) and ends the stream itself,
 * when the client goes away or the server closes (EventStreams.closeAll, from a preClose hook, so
 * that a graceful shutdown does not wait for streams that never end).
 */
export interface EventStream {
  send(event: string, data: unknown): void;
  /** Runs once, when the stream ends for whatever reason (at once if it has ended already). */
  onClose(listener: () => void): void;
  close(): void;
}

/** A comment line every 20 s keeps proxies and phone networks from dropping an idle stream. */
const HEARTBEAT_MS = 20_000;
/** What the browser waits before reconnecting on its own. */
const RETRY_MS = 3000;

export class EventStreams {
  private readonly open = new Set<EventStream>();

  get size(): number {
    return this.open.size;
  }

  start(request: FastifyRequest, reply: FastifyReply): EventStream {
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-store, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
      'x-request-id': String(request.id),
    });
    response.write(`retry: ${RETRY_MS}\n\n`);
    const listeners: Array<() => void> = [];
    let closed = false;
    const heartbeat = setInterval(() => response.write(': ping\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    const stream: EventStream = {
      send: (event, data) => {
        if (!closed) response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      },
      onClose: (listener) => {
        if (closed) listener();
        else listeners.push(listener);
      },
      close: () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        this.open.delete(stream);
        for (const listener of listeners) listener();
        response.end();
      },
    };
    this.open.add(stream);
    request.raw.on('close', stream.close);
    response.on('close', stream.close);
    return stream;
  }

  closeAll(): void {
    for (const stream of [...this.open]) stream.close();
  }
}
