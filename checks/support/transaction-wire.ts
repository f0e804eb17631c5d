import type net from 'node:net';
import type { ISocketFactory } from 'kafkajs';
import { hookedSocketFactory, PRODUCE_API_KEY } from './socket-hooks.ts';

/** The Kafka requests of a transaction (https://kafka.apache.org/protocol#protocol_api_keys). */
export const API = {
  produce: PRODUCE_API_KEY,
  offsetCommit: 8,
  initProducerId: 22,
  addPartitionsToTxn: 24,
  addOffsetsToTxn: 25,
  endTxn: 26,
  txnOffsetCommit: 28,
  offsetFetch: 9,
  heartbeat: 12,
} as const;

/** Kafka's error code REBALANCE_IN_PROGRESS: the group is rebalancing, rejoin it. */
const REBALANCE_IN_PROGRESS = 27;

/** What a process that has died can no longer do: write, take part in a transaction, or commit an offset. */
const WRITES: ReadonlySet<number> = new Set([
  API.produce,
  API.offsetCommit,
  API.initProducerId,
  API.addPartitionsToTxn,
  API.addOffsetsToTxn,
  API.endTxn,
  API.txnOffsetCommit,
]);

export type CrashPoint =
  /** The n-th commit request is lost as it leaves: the transaction's writes and offsets are on the broker, its commit never is. */
  | { beforeCommit: number }
  /** The n-th commit goes through and is acknowledged; the process dies right after. */
  | { afterCommit: number };

export interface TransactionWire {
  /** For the service's connection: every client it makes goes through here. */
  socketFactory: ISocketFactory;
  /** Commits (EndTxn with committed = true) the broker acknowledged without an error. */
  readonly commits: number;
  /** Commit requests written, answered or not. */
  readonly commitRequests: number;
  /** Offset commits made outside a transaction (OffsetCommit), which a transactional service never needs. */
  readonly offsetCommits: number;
  /** Claims of the transactionalId: InitProducerId requests that carry it (an idempotent producer's own carries none). */
  readonly claims: number;
  /** Whether the simulated crash has happened. */
  readonly crashed: boolean;
  /** From now on, the process is dead as far as the broker can tell (see `crashAt`). */
  crash(): void;
  /**
   * From now on no request of this service reaches the broker, group requests included: for a
   * killed service that has left its group. kafkajs restarts a consumer that crashed (the
   * killed batch failed) after a delay that disconnect() does not cancel, and that zombie
   * would join the group again and hold partitions it can never commit.
   */
  sever(): void;
  /**
   * Makes the consumer rejoin its group, and gives it the answer Kafka gives while a commit's
   * markers are still being written: for each partition of `topic`, the committed offset from
   * before this service's latest commit. Kafka answers so for a moment after every commit
   * (kafkajs cannot ask it to wait, as the Java client does), and a rebalance in that moment
   * hands the consumer its last batch again. Here it happens at the next heartbeat, for certain.
   */
  rewindOnRejoin(topic: string): void;
  /** The partitions whose committed offset was answered rewound, and the offset answered. */
  readonly rewound: ReadonlyMap<number, bigint>;
}

/**
 * Watches a service's transactions on the wire, and can kill it at a chosen point. A killed
 * service writes nothing more: every produce, transaction or offset-commit request breaks its
 * connection before it leaves. Its consumer may still talk to the group, so the check can make
 * it leave with stop() instead of waiting 30 s for the group to notice a silent member.
 * `failFirst` (an api key) breaks the connection under the first request of that kind: one
 * failure in the middle of a transaction, after which the network is fine again.
 */
export function transactionWire(options: { crashAt?: CrashPoint; failFirst?: number } = {}): TransactionWire {
  let commits = 0;
  let commitRequests = 0;
  let offsetCommits = 0;
  let claims = 0;
  let crashed = false;
  let failed = false;
  let severed = false;
  const pendingCommits = new Map<net.Socket, Set<number>>();
  // the input offsets of the open transaction, of the commit on its way, and of the last two commits
  let staged = new Map<number, bigint>();
  let committing = new Map<number, bigint>();
  const committedNow = new Map<number, bigint>();
  const committedBefore = new Map<number, bigint>();
  let rewindTopic: string | undefined;
  let rejoinAsked = false;
  const rewound = new Map<number, bigint>();
  const watched = new Map<net.Socket, Map<number, { apiKey: number; version: number }>>();
  const socketFactory = hookedSocketFactory({
    request({ apiKey, correlationId, chunk: frame }, socket) {
      if (apiKey === API.offsetFetch || apiKey === API.heartbeat) {
        const requests = watched.get(socket) ?? new Map<number, { apiKey: number; version: number }>();
        watched.set(socket, requests.set(correlationId, { apiKey, version: frame.readInt16BE(6) }));
      }
      if (apiKey === API.txnOffsetCommit)
        txnOffsets(frame).forEach((offset, partition) => staged.set(partition, offset));
      if (apiKey === API.endTxn) {
        committing = endTxnCommits(frame) ? staged : new Map<number, bigint>();
        staged = new Map<number, bigint>();
      }
      if (severed) {
        socket.destroy(new Error('the service was killed and has left its group (a crash the check simulated)'));
        return false;
      }
      if (apiKey === API.offsetCommit && !crashed) offsetCommits += 1;
      // InitProducerId v0/v1: the transactional id (null for an idempotent producer) starts the body
      if (apiKey === API.initProducerId && frame.readInt16BE(bodyStart(frame)) >= 0) claims += 1;
      if (apiKey === API.endTxn && endTxnCommits(frame)) {
        commitRequests += 1;
        const crashAt = options.crashAt;
        if (crashAt && 'beforeCommit' in crashAt && commitRequests === crashAt.beforeCommit) crashed = true;
        if (!crashed) pendingCommits.set(socket, (pendingCommits.get(socket) ?? new Set()).add(correlationId));
      }
      if (apiKey === options.failFirst && !failed) {
        failed = true;
        socket.destroy(new Error('the network failed (a fault the check injected)'));
        return false;
      }
      if (crashed && WRITES.has(apiKey)) {
        socket.destroy(new Error('the service was killed (a crash the check simulated)'));
        return false;
      }
    },
    response(correlationId, socket, frame) {
      const watchedRequest = watched.get(socket)?.get(correlationId);
      if (watchedRequest) {
        watched.get(socket)!.delete(correlationId);
        if (rewindTopic === undefined) return;
        const { apiKey, version } = watchedRequest;
        if (apiKey === API.heartbeat && !rejoinAsked) {
          const answer = heartbeatAnswering(frame, version, REBALANCE_IN_PROGRESS);
          rejoinAsked = answer !== undefined;
          return answer;
        }
        if (apiKey === API.offsetFetch && rewound.size === 0) {
          return offsetFetchRewound(frame, version, rewindTopic, (partition, offset) => {
            if (committedNow.get(partition) !== offset) return undefined;
            const before = committedBefore.get(partition) ?? -1n;
            rewound.set(partition, before);
            return before;
          });
        }
        return;
      }
      if (!pendingCommits.get(socket)?.delete(correlationId)) return;
      // EndTxn v0/v1 response: size, correlation id, throttle time, then the error code
      if (frame.length >= 14 && frame.readInt16BE(12) === 0) {
        commits += 1;
        committing.forEach((offset, partition) => {
          const now = committedNow.get(partition);
          if (now !== undefined && now !== offset) committedBefore.set(partition, now);
          committedNow.set(partition, offset);
        });
      }
      const crashAt = options.crashAt;
      if (crashAt && 'afterCommit' in crashAt && commits === crashAt.afterCommit) crashed = true;
    },
  });
  return {
    socketFactory,
    get commits() {
      return commits;
    },
    get commitRequests() {
      return commitRequests;
    },
    get offsetCommits() {
      return offsetCommits;
    },
    get claims() {
      return claims;
    },
    get crashed() {
      return crashed;
    },
    crash() {
      crashed = true;
    },
    sever() {
      crashed = true;
      severed = true;
    },
    rewindOnRejoin(topic: string) {
      rewindTopic = topic;
    },
    rewound,
  };
}

/** Where a request's body starts: after its size, api key, version, correlation id and client id. */
function bodyStart(frame: Buffer): number {
  return 12 + 2 + Math.max(frame.readInt16BE(12), 0);
}

/** Skips a Kafka string (int16 length, then the bytes; -1 for null). */
const afterString = (frame: Buffer, at: number) => at + 2 + Math.max(frame.readInt16BE(at), 0);

/**
 * The input offsets in a TxnOffsetCommit request (v0 or v1, the versions kafkajs has):
 * transactional id, group id, producer id and epoch, then per topic its partitions, each with
 * its offset and metadata. One consumer group reads one topic here, so partitions suffice.
 */
function txnOffsets(frame: Buffer): Map<number, bigint> {
  const offsets = new Map<number, bigint>();
  let at = afterString(frame, afterString(frame, bodyStart(frame))) + 8 + 2;
  const topics = frame.readInt32BE(at);
  at += 4;
  for (let t = 0; t < topics; t++) {
    at = afterString(frame, at);
    const partitions = frame.readInt32BE(at);
    at += 4;
    for (let p = 0; p < partitions; p++) {
      offsets.set(frame.readInt32BE(at), frame.readBigInt64BE(at + 4));
      at = afterString(frame, at + 12);
    }
  }
  return offsets;
}

/** A Heartbeat response (v0 to v3) with `errorCode` in place of a success; any other answer as it is. */
function heartbeatAnswering(frame: Buffer, version: number, errorCode: number): Buffer | undefined {
  const at = version >= 1 ? 12 : 8;
  if (frame.length < at + 2 || frame.readInt16BE(at) !== 0) return undefined;
  const answer = Buffer.from(frame);
  answer.writeInt16BE(errorCode, at);
  return answer;
}

/**
 * An OffsetFetch response (v1 to v4, the versions kafkajs has) with the offsets of `topic`'s
 * partitions replaced where `replace` returns one: the layouts differ only by a throttle time
 * in front (v3 on), and every field keeps its size, so offsets are rewritten in place.
 */
function offsetFetchRewound(
  frame: Buffer,
  version: number,
  topic: string,
  replace: (partition: number, offset: bigint) => bigint | undefined,
): Buffer | undefined {
  const answer = Buffer.from(frame);
  let at = 8 + (version >= 3 ? 4 : 0);
  const topics = answer.readInt32BE(at);
  at += 4;
  for (let t = 0; t < topics; t++) {
    const name = answer.toString('utf8', at + 2, at + 2 + answer.readInt16BE(at));
    at = afterString(answer, at);
    const partitions = answer.readInt32BE(at);
    at += 4;
    for (let p = 0; p < partitions; p++) {
      const offset = name === topic ? replace(answer.readInt32BE(at), answer.readBigInt64BE(at + 4)) : undefined;
      if (offset !== undefined) answer.writeBigInt64BE(offset, at + 4);
      at = afterString(answer, at + 12) + 2;
    }
  }
  return answer;
}

/**
 * Reads an EndTxn request (v0 or v1, the versions kafkajs has): size, api key,
 * version, correlation id, client id, then transactional id, producer id (8 bytes), epoch
 * (2 bytes) and the boolean that says commit or abort.
 */
function endTxnCommits(frame: Buffer): boolean {
  const at = afterString(frame, bodyStart(frame)) + 8 + 2;
  return at < frame.length && frame.readInt8(at) === 1;
}
