import { useEffect, useRef } from 'react';

/*
 * Server-Sent Events read over fetch(). The browser's EventSource cannot send an Authorization
 * header, and both APIs take their token only there, so the stream is a plain GET whose body is
 * read frame by frame. When it ends or fails it reconnects after a growing pause. The server
 * sends `ready` once it is listening, on every connection: that is when a caller fetches what it
 * may have missed before (the first time) or while the stream was down (after a reconnection).
 */
export interface StreamEvent {
  event: string;
  data: unknown;
}

export interface EventStreamOptions {
  url: string;
  token: () => string | null;
  onEvent: (event: StreamEvent) => void;
}

/** Pauses before each reconnection attempt, in seconds; the last one repeats. */
const BACKOFF_SECONDS = [1, 2, 5, 10, 20, 30];

/** Splits the text of a stream into frames; keeps an unfinished frame for the next chunk. */
export class SseParser {
  private buffer = '';
  /** A chunk ending in \r may be half of a \r\n: it is read with the next chunk. */
  private carriageReturn = false;

  push(chunk: string): StreamEvent[] {
    let text = this.carriageReturn ? `\r${chunk}` : chunk;
    this.carriageReturn = text.endsWith('\r');
    if (this.carriageReturn) text = text.slice(0, -1);
    // The spec allows \r\n, \r or \n as line ends; a blank line ends a frame.
    this.buffer += text.replace(/\r\n?/g, '\n');
    const events: StreamEvent[] = [];
    const frames = this.buffer.split('\n\n');
    this.buffer = frames.pop() ?? '';
    for (const frame of frames) {
      const event = parseFrame(frame);
      if (event) events.push(event);
    }
    return events;
  }
}

function parseFrame(frame: string): StreamEvent | null {
  let event = 'message';
  const data: string[] = [];
  for (const line of frame.split('\n')) {
    if (line === '' || line.startsWith(':')) continue; // a ping keeps proxies from closing the connection
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return null;
  const text = data.join('\n');
  try {
    return { event, data: JSON.parse(text) as unknown };
  } catch {
    return { event, data: text };
  }
}

/** Opens the stream and keeps it open until the returned function is called. */
export function openEventStream(options: EventStreamOptions): () => void {
  const controller = new AbortController();
  void run(options, controller.signal);
  return () => controller.abort();
}

async function run({ url, token, onEvent }: EventStreamOptions, signal: AbortSignal): Promise<void> {
  let failures = 0;
  while (!signal.aborted) {
    try {
      const current = token();
      const response = await fetch(url, {
        headers: { accept: 'text/event-stream', ...(current ? { authorization: `Bearer ${current}` } : {}) },
        cache: 'no-store',
        signal,
      });
      if (!response.ok || !response.body) throw new Error(`event stream answered ${response.status}`);
      failures = 0;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new SseParser();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const event of parser.push(value)) onEvent(event);
      }
    } catch {
      // Ended by the network, the server or abort(): the loop decides whether to try again.
    }
    if (signal.aborted) return;
    const seconds = BACKOFF_SECONDS[Math.min(failures, BACKOFF_SECONDS.length - 1)]!;
    failures += 1;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, seconds * 1000);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/**
 * Keeps the stream open while the component is shown and `url` is set (null: signed out, no
 * stream). The handlers may change on every render; the stream keeps running and calls the latest.
 */
export function useEventStream(
  url: string | null,
  token: () => string | null,
  onEvent: (event: StreamEvent) => void,
): void {
  const latest = useRef({ token, onEvent });
  latest.current = { token, onEvent };
  useEffect(() => {
    if (!url) return undefined;
    return openEventStream({
      url,
      token: () => latest.current.token(),
      onEvent: (event) => latest.current.onEvent(event),
    });
  }, [url]);
}
