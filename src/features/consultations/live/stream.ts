import type { EventStream } from '../../../http/event-stream.js';
import type { Side } from '../repository.js';
import type { ConsultationLive, Delivery } from './live.js';

/**
 * Ties an event stream to a party's live deliveries, each in the family's wire shape; says `ready`
 * once listening, so the client knows from when on polling is no longer needed to see news.
 * The hijacked reply has no error handler left: a failure ends the stream, and the client reconnects.
 */
export async function openLiveStream(
  stream: EventStream,
  live: ConsultationLive,
  side: Side,
  partyId: number,
  toWire: (delivery: Delivery) => unknown,
): Promise<void> {
  try {
    const stop = await live.listen(
      side,
      partyId,
      (delivery) => stream.send('message', toWire(delivery)),
      () => stream.close(),
    );
    stream.onClose(stop);
    stream.send('ready', {});
  } catch {
    stream.close();
  }
}
