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
} as const;

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
  let crashed = false;
  let failed = false;
  let severed = false;
  const pendingCommits = new Map<net.Socket, Set<number>>();
  const socketFactory = hookedSocketFactory({
    request({ apiKey, correlationId, chunk: frame }, socket) {
      if (severed) {
        socket.destroy(new Error('the service was killed and has left its group (a crash the check simulated)'));
        return false;
      }
      if (apiKey === API.offsetCommit && !crashed) offsetCommits += 1;
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
      if (!pendingCommits.get(socket)?.delete(correlationId)) return;
      // EndTxn v0/v1 response: size, correlation id, throttle time, then the error code
      if (frame.length >= 14 && frame.readInt16BE(12) === 0) commits += 1;
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
  };
}

/**
 * Reads an EndTxn request (v0 or v1, the versions kafkajs has): size, api key,
 * version, correlation id, client id, then transactional id, producer id (8 bytes), epoch
 * (2 bytes) and the boolean that says commit or abort.
 */
function endTxnCommits(frame: Buffer): boolean {
  let at = 12;
  const clientIdLength = frame.readInt16BE(at);
  at += 2 + Math.max(clientIdLength, 0);
  const transactionalIdLength = frame.readInt16BE(at);
  at += 2 + Math.max(transactionalIdLength, 0) + 8 + 2;
  return at < frame.length && frame.readInt8(at) === 1;
}
