import { pause } from '../workshop/wait.ts';
import type { Transaction } from '../bank/transaction.ts';

export interface StreamOptions {
  /** Transactions per second. */
  rate: number;
  /** Stop after this many; endless when undefined. */
  count?: number;
  stop: AbortSignal;
  next: () => Transaction;
  send: (tx: Transaction) => Promise<unknown>;
  /**
   * Sends in the same lane go one at a time, in order; different lanes overlap. The simulator's
   * lane is the partition. Without it, every send overlaps the others.
   */
  laneOf?: (tx: Transaction) => number;
  /** Called as Kafka confirms each one, with how many are confirmed so far. */
  onSent?: (tx: Transaction, sent: number) => void;
}

export interface StreamResult {
  sent: number;
  elapsedMs: number;
}

/** Sends beyond this many unconfirmed ones wait, so a slow broker cannot fill the memory. */
export const MAX_IN_FLIGHT = 1000;

/**
 * Sends transactions at a steady rate. Each one is due at start + i / rate, so the rate holds
 * even when a send takes longer than the gap between two; sends overlap instead of queueing,
 * except within a lane. On stop (or after `count`) no new send starts, and every one already
 * started is awaited: nothing that was sent is lost. What still waits in a lane on stop was
 * never sent, and is dropped: under load a lane can hold hundreds, and Ctrl+C must not take
 * a round trip for each. The first failed send ends the stream with its error, and nothing
 * queued behind it in its lane is sent.
 */
export async function streamTransactions(options: StreamOptions): Promise<StreamResult> {
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  const laneTails = new Map<number, Promise<void>>();
  // wakes the loop when a send finishes while it waits for room: racing all the sends in flight
  // instead costs a thousand reactions per send once the limit is reached
  let roomFreed: (() => void) | undefined;
  let sent = 0;
  let failure: { error: unknown } | undefined;

  for (let i = 0; !options.stop.aborted && !failure && (options.count === undefined || i < options.count); i++) {
    const wait = started + (i * 1000) / options.rate - performance.now();
    if (wait > 1) await pause(wait, options.stop);
    if (options.stop.aborted) break;
    if (inFlight.size >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => (roomFreed = resolve));

    const tx = options.next();
    const lane = options.laneOf?.(tx);
    const ahead = lane === undefined ? undefined : laneTails.get(lane);
    const sending = (async () => {
      await ahead;
      if (failure || options.stop.aborted) return;
      try {
        await options.send(tx);
      } catch (error) {
        failure ??= { error };
        return;
      }
      sent += 1;
      options.onSent?.(tx, sent);
    })();
    inFlight.add(sending);
    if (lane !== undefined) laneTails.set(lane, sending);
    void sending.finally(() => {
      inFlight.delete(sending);
      if (lane !== undefined && laneTails.get(lane) === sending) laneTails.delete(lane);
      roomFreed?.();
      roomFreed = undefined;
    });
  }

  await Promise.all(inFlight);
  if (failure) throw failure.error;
  return { sent, elapsedMs: performance.now() - started };
}
