import {
  buildTransports,
  buildWeChatApi,
  DeliveryWorker,
  OutboxRepository,
  type Transports,
} from '../../../src/features/notifications/index.js';
import type { TestServer } from '../../support/server.js';

/**
 * Reading the outbox and running the delivery worker from a test. Test servers run without the
 * worker (NOTIFY_WORKER=off, test/support/server.ts): a test sends when it chooses, with the
 * server's own configuration and transports, through the worker the server would run.
 */
export function outboxRows(server: TestServer, where: { patientId?: number; event?: string; recipient?: string } = {}) {
  return server.database.db
    .selectFrom('notification_outbox')
    .selectAll()
    .$if(where.patientId !== undefined, (query) => query.where('patient_id', '=', where.patientId!))
    .$if(where.event !== undefined, (query) => query.where('event', '=', where.event!))
    .$if(where.recipient !== undefined, (query) => query.where('recipient', '=', where.recipient!))
    .orderBy('id')
    .execute();
}

export function deliveryWorker(server: TestServer, transports?: Transports): DeliveryWorker {
  const messages = server.config.messages;
  return new DeliveryWorker(
    new OutboxRepository(server.database.db, server.database.dialect),
    transports ?? buildTransports(messages, buildWeChatApi(messages)),
    {
      batchSize: messages.batchSize,
      sendTimeoutMs: messages.sendTimeoutMs,
      maxAttempts: messages.maxAttempts,
      retryBaseMs: messages.retryBaseMs,
      pollIntervalMs: messages.pollIntervalMs,
    },
    server.app.log,
  );
}

/** The code the last verification SMS to this phone carried (the log transport keeps it until sent). */
export async function lastCodeSentTo(server: TestServer, phone: string): Promise<string> {
  const row = await server.database.db
    .selectFrom('notification_outbox')
    .select('params')
    .where('event', '=', 'verification_code')
    .where('recipient', '=', phone)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  return (JSON.parse(row.params) as { code: string }).code;
}
