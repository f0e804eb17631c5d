import type net from 'node:net';
import type { ISocketFactory } from 'kafkajs';
import { hookedSocketFactory, PRODUCE_API_KEY } from './socket-hooks.ts';
import { parseProduceRequests } from './wire-tap.ts';

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
  return refuseProduceUntilReleased();
}

/** Like refuseEveryProduce(), until `release()`: from then on Produce requests go through again. */
export function refuseProduceUntilReleased(): NetworkFault & { release(): void } {
  let produceAttempts = 0;
  let refusing = true;
  const socketFactory = hookedSocketFactory({
    request({ apiKey }, socket) {
      if (apiKey !== PRODUCE_API_KEY) return;
      produceAttempts += 1;
      if (!refusing) return;
      socket.destroy(new Error('the network refused the produce request (a fault the check injected)'));
      return false;
    },
  });
  return {
    socketFactory,
    get produceAttempts() {
      return produceAttempts;
    },
    release() {
      refusing = false;
    },
  };
}

/** What a check saw of a client's Produce requests, at any moment. */
export interface ProduceWatch {
  socketFactory: ISocketFactory;
  /** Connections opened through this factory: 0 means the client was not made from the check's connection. */
  readonly connections: number;
  /** Produce requests written, the retries included. */
  readonly sent: number;
  /** Produce requests still waiting for the broker's answer on a live connection. */
  readonly unanswered: number;
  /** The acks each Produce request asked for, without repeats. */
  readonly acks: number[];
  /** Connections opened through this factory that are not closed yet. */
  openConnections(): number;
}

/** What happens to the broker's answer to the first Produce request, after the broker stored its batch. */
export type FirstAnswerFault =
  /** it never arrives: the connection breaks, as when a network cable is pulled */
  | 'lost'
  /**
   * it says NOT_LEADER_OR_FOLLOWER, as during a change of leader: the client retries, after a
   * pause, a batch that is already stored. Unlike a broken connection, this leaves every other
   * send of the client free to go first, so a mistake that a retry exposes is always exposed.
   */
  | 'not-leader';

/**
 * Counts Produce requests and the broker's answers, per connection, so a check can tell at any
 * moment whether everything sent so far has been acknowledged; optionally disturbs the first answer.
 */
export function watchProduceAcknowledgements({ firstAnswer }: { firstAnswer?: FirstAnswerFault } = {}): ProduceWatch {
  let sent = 0;
  let connections = 0;
  let target: number | undefined;
  let disturbed = firstAnswer === undefined;
  const acks = new Set<number>();
  const versions = new Map<number, number>();
  const pending = new Map<net.Socket, Set<number>>();
  const sockets: net.Socket[] = [];
  const hooked = hookedSocketFactory({
    request({ apiKey, correlationId, chunk }, socket) {
      if (apiKey !== PRODUCE_API_KEY) return;
      sent += 1;
      target ??= correlationId;
      versions.set(correlationId, chunk.readInt16BE(6));
      for (const request of parseProduceRequests(chunk)) acks.add(request.acks);
      pending.set(socket, (pending.get(socket) ?? new Set()).add(correlationId));
    },
    response(correlationId, socket, frame) {
      pending.get(socket)?.delete(correlationId);
      if (disturbed || correlationId !== target) return;
      disturbed = true;
      if (firstAnswer === 'not-leader') {
        return withPartitionErrors(frame, versions.get(correlationId) ?? 0, NOT_LEADER_OR_FOLLOWER) ?? frame;
      }
      socket.destroy(new Error('the network lost the acknowledgement (a fault the check injected)'));
      return false;
    },
  });
  return {
    socketFactory: (options) => {
      connections += 1;
      const socket = hooked(options);
      sockets.push(socket);
      return socket;
    },
    get connections() {
      return connections;
    },
    get sent() {
      return sent;
    },
    // a request on a broken connection has failed: kafkajs sends it again on a new one
    get unanswered() {
      return [...pending].reduce((sum, [socket, ids]) => sum + (socket.destroyed ? 0 : ids.size), 0);
    },
    get acks() {
      return [...acks];
    },
    openConnections: () => sockets.filter((socket) => !socket.destroyed).length,
  };
}

const NOT_LEADER_OR_FOLLOWER = 6;

/**
 * A copy of a Produce response frame (versions 3 to 7) in which every partition carries
 * `errorCode`; undefined for a version whose layout this does not know.
 * Frame: size, correlation id, [topic name, [partition, error_code, base_offset,
 * log_append_time, log_start_offset (v5+)]], throttle_time_ms.
 */
export function withPartitionErrors(frame: Buffer, version: number, errorCode: number): Buffer | undefined {
  if (version < 3 || version > 7) return undefined;
  const copy = Buffer.from(frame);
  let at = 8;
  const topics = copy.readInt32BE(at);
  at += 4;
  for (let t = 0; t < topics; t++) {
    at += 2 + Math.max(copy.readInt16BE(at), 0);
    const partitions = copy.readInt32BE(at);
    at += 4;
    for (let p = 0; p < partitions; p++) {
      copy.writeInt16BE(errorCode, at + 4);
      at += 4 + 2 + 8 + 8 + (version >= 5 ? 8 : 0);
    }
  }
  return copy;
}
