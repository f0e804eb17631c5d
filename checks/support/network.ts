import type { ISocketFactory } from 'kafkajs';
import { hookedSocketFactory, PRODUCE_API_KEY } from './socket-hooks.ts';

export interface NetworkFault {
  socketFactory: ISocketFactory;
  /** Produce requests the client tried to send, the failed attempts included. */
  readonly produceAttempts: number;
}

/**
 * A network that loses the broker's answer to the first Produce request: the broker stores
 * the batch, but the connection breaks before the client hears so. The client cannot tell
 * whether its message arrived, which is exactly when a retry may write it twice.
 */
export function loseFirstProduceAcknowledgement(): NetworkFault {
  let produceAttempts = 0;
  let target: number | undefined;
  let lost = false;
  const socketFactory = hookedSocketFactory({
    request({ apiKey, correlationId }) {
      if (apiKey !== PRODUCE_API_KEY) return;
      produceAttempts += 1;
      target ??= correlationId;
    },
    response(correlationId, socket) {
      if (lost || correlationId !== target) return;
      lost = true;
      socket.destroy(new Error('the network lost the acknowledgement (a fault the check injected)'));
      return false;
    },
  });
  return {
    socketFactory,
    get produceAttempts() {
      return produceAttempts;
    },
  };
}

/**
 * A network on which no Produce request ever gets through: each one breaks its connection
 * before it leaves. Everything else (metadata, the producer id) works, as when the leader of
 * a partition is unreachable.
 */
export function refuseEveryProduce(): NetworkFault {
  let produceAttempts = 0;
  const socketFactory = hookedSocketFactory({
    request({ apiKey }, socket) {
      if (apiKey !== PRODUCE_API_KEY) return;
      produceAttempts += 1;
      socket.destroy(new Error('the network refused the produce request (a fault the check injected)'));
      return false;
    },
  });
  return {
    socketFactory,
    get produceAttempts() {
      return produceAttempts;
    },
  };
}

/**
 * Counts Produce requests and the broker's answers, per connection, so a check can tell at any
 * moment whether everything sent so far has been acknowledged.
 */
export function watchProduceAcknowledgements(): { socketFactory: ISocketFactory; readonly sent: number; readonly unanswered: number } {
  let sent = 0;
  const pending = new Map<object, Set<number>>();
  const socketFactory = hookedSocketFactory({
    request({ apiKey, correlationId }, socket) {
      if (apiKey !== PRODUCE_API_KEY) return;
      sent += 1;
      pending.set(socket, (pending.get(socket) ?? new Set()).add(correlationId));
    },
    response(correlationId, socket) {
      pending.get(socket)?.delete(correlationId);
    },
  });
  return {
    socketFactory,
    get sent() {
      return sent;
    },
    get unanswered() {
      return [...pending.values()].reduce((sum, ids) => sum + ids.size, 0);
    },
  };
}
