import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../http/errors.js';
import type { EventStreams } from '../../../http/event-stream.js';
import type { Side } from '../repository.js';
import { type ConsultationLive, type Delivery, MAX_STREAMS_PER_PARTY } from './live.js';

/**
 * Serves a party's live stream: refuses a runaway client (429, answered before the reply is
 * hijacked, so in the family's envelope), then ties the event stream to the party's deliveries,
 * each in the family's wire shape, and says `ready` once listening, so the client knows from when
 * on it sees news without polling. The hijacked reply has no error handler left: a failure ends
 * the stream, and the client reconnects.
 */
export async function serveLiveStream(
  request: FastifyRequest,
  reply: FastifyReply,
  dependencies: { live: ConsultationLive; streams: EventStreams },
  party: { side: Side; id: number },
  toWire: (delivery: Delivery) => unknown,
): Promise<void> {
  const { live, streams } = dependencies;
  if (live.streamsOf(party.side, party.id) >= MAX_STREAMS_PER_PARTY)
    throw new AppError('rate_limited', '打开的实时连接过多，请关闭其他页面后重试');
  const stream = streams.start(request, reply);
  try {
    const stop = await live.listen(
      party.side,
      party.id,
      (delivery) => stream.send('message', toWire(delivery)),
      () => stream.close(),
    );
    stream.onClose(stop);
    stream.send('ready', {});
  } catch {
    stream.close();
  }
}
