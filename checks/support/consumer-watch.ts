import type { Consumer } from 'kafkajs';
import { isTodoError } from '../../workshop/todo.ts';
import type { CheckContext } from './context.ts';
import { waitFor, type WaitOptions } from './wait.ts';

/** How long a check waits for the learner's consumer to get somewhere: plenty, as it usually takes a tenth of that. */
export const CONSUMER_WAIT_MS = 5000;
/**
 * How long a check gives a consumer that does not wait for its handler's work to show it, by
 * moving on past a message whose work is held back: it does so in the same turn of the event
 * loop, so this is room for a busy machine, not for kafkajs.
 */
export const MOVE_ON_MS = 200;

/**
 * Room for a correct consumer on kafkajs's default timings (a stop() can take 5 s), so it
 * passes, only slowly; a broken one fails sooner, at a bounded wait with a message.
 */
export const SLOW_CONSUMER_TIMEOUT_MS = 25_000;

/**
 * Follows a learner's kafkajs consumer through its instrumentation events: which partitions
 * the group gave it, how many fetches it has made, and whether it crashed. A check uses them
 * to wait for a real event instead of guessing a delay.
 */
export class ConsumerWatch {
  /** The partitions of the latest assignment, sorted; undefined until it has joined. */
  assigned: number[] | undefined;
  /** Completed fetches. Offsets are resolved before the first one, and kafkajs hands a fetch's messages to the handler before it starts the next. */
  fetches = 0;
  /** Batches of messages handed to the learner's handler (whatever the handler then did with them). */
  batches = 0;
  /** Batches kafkajs finished with (the handler returned for every message), by partition. */
  readonly batchesEnded = new Map<number, number>();
  /** Every offset commit kafkajs made, in order: the next offset to read, per partition. */
  readonly commits: Array<{ partition: number; offset: number }> = [];
  /** consumer.stop() finished (kafkajs left the group); consumer.disconnect() also closed the connections. */
  stopped = false;
  disconnected = false;
  crash: Error | undefined;
  private readonly commitListeners: Array<(commits: Array<{ partition: number; offset: number }>) => void> = [];

  /** `consumer` may be missing: a learner's class need not expose it, the checks then simply wait. */
  constructor(consumer: Consumer | undefined, topic: string) {
    if (!consumer) return;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.assigned = [...(payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
    });
    consumer.on(consumer.events.FETCH, () => {
      this.fetches += 1;
    });
    consumer.on(consumer.events.START_BATCH_PROCESS, () => {
      this.batches += 1;
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      this.batchesEnded.set(payload.partition, (this.batchesEnded.get(payload.partition) ?? 0) + 1);
    });
    // emitted once the broker has stored the commit
    consumer.on(consumer.events.COMMIT_OFFSETS, ({ payload }) => {
      const commits = payload.topics
        .filter((committed) => committed.topic === topic)
        .flatMap((committed) =>
          committed.partitions.map((p) => ({ partition: Number(p.partition), offset: Number(p.offset) })),
        );
      this.commits.push(...commits);
      this.commitListeners.forEach((listener) => listener(commits));
    });
    consumer.on(consumer.events.STOP, () => {
      this.stopped = true;
    });
    consumer.on(consumer.events.DISCONNECT, () => {
      this.disconnected = true;
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.crash = payload.error;
    });
  }

  /**
   * True once the consumer has fetched three times since `fetchesBefore` without ever being
   * handed a single message. kafkajs processes a fetch's messages before it fetches again, so by
   * then a consumer that reads from the beginning would have had some: this one is reading from
   * the end. Only fetches after the messages were sent count: on a busy machine a consumer can
   * fetch an empty topic many times before the check's send lands.
   */
  readsNothing(fetchesBefore = 0): boolean {
    return this.fetches - fetchesBefore >= 3 && this.batches === 0;
  }

  /**
   * Waits until `done()`, failing at once when the consumer crashed, or, when `readsNothing`
   * is given, with that message once it is clear the consumer reads from the end.
   */
  async until(
    done: () => boolean,
    options: WaitOptions & { timeoutMs: number; lastSeen: () => string; readsNothing?: () => string },
  ): Promise<void> {
    // until() is called once the messages it waits for are on the topic
    const fetchesBefore = this.fetches;
    await waitFor(() => {
      if (done()) return true;
      if (options.readsNothing !== undefined && this.readsNothing(fetchesBefore))
        throw new Error(options.readsNothing());
      return this.failIfCrashed();
    }, options);
  }

  /** Tells `listener` of each commit as kafkajs reports it, while the check can still see what was processed by then. */
  onCommit(listener: (commits: Array<{ partition: number; offset: number }>) => void): void {
    this.commitListeners.push(listener);
  }

  /** Resolves once the consumer has fetched at least once: from then on it reads from a fixed position. */
  async firstFetch(what: string): Promise<void> {
    await waitFor(() => (this.fetches > 0 ? true : this.failIfCrashed()), {
      timeoutMs: 8000,
      expected: `${what} to fetch from the broker after start()`,
      likelyCause:
        'start() did not get as far as consumer.run(): connect, subscribe and run, each awaited, in that order',
    });
  }

  /** Throws the crash as a check failure; returns undefined otherwise, so it can end a waitFor probe. */
  failIfCrashed(): undefined {
    if (!this.crash) return undefined;
    // a todo() reached inside the message handler is the next step, not a crash: report it as such
    throw todoWithin(this.crash) ?? new Error(`the consumer crashed: ${this.crash.message}`);
  }
}

/** The client ids of a group's current members, as the broker's group coordinator sees them. */
export async function groupMembers(ctx: CheckContext, groupId: string): Promise<string[]> {
  const { groups } = await (await ctx.admin()).describeGroups([groupId]);
  return (groups[0]?.members ?? []).map((member) => member.clientId).sort();
}

/** kafkajs may wrap the error a handler threw (retries exceeded, ...): look down the cause chain. */
export function todoWithin(error: unknown): Error | undefined {
  let current = error;
  for (let depth = 0; current instanceof Error && depth < 10; depth++) {
    if (isTodoError(current)) return current;
    current = current.cause;
  }
  return undefined;
}
