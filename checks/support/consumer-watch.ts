import type { Consumer } from 'kafkajs';
import type { CheckContext } from './context.ts';
import { waitFor } from './wait.ts';

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
  crash: Error | undefined;

  /** `consumer` may be missing: a learner's class need not expose it, the checks then simply wait. */
  constructor(consumer: Consumer | undefined, topic: string) {
    if (!consumer) return;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.assigned = [...(payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
    });
    consumer.on(consumer.events.FETCH, () => {
      this.fetches += 1;
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.crash = payload.error;
    });
  }

  /** Resolves once the consumer has fetched at least once: from then on it reads from a fixed position. */
  async firstFetch(what: string): Promise<void> {
    await waitFor(() => (this.fetches > 0 ? true : this.failIfCrashed()), { timeoutMs: 8000, expected: `${what} to fetch from the broker after start()` });
  }

  /** Throws the crash as a check failure; returns undefined otherwise, so it can end a waitFor probe. */
  failIfCrashed(): undefined {
    if (this.crash) throw new Error(`the consumer crashed: ${this.crash.message}`);
    return undefined;
  }
}

/** The client ids of a group's current members, as the broker's group coordinator sees them. */
export async function groupMembers(ctx: CheckContext, groupId: string): Promise<string[]> {
  const { groups } = await (await ctx.admin()).describeGroups([groupId]);
  return (groups[0]?.members ?? []).map((member) => member.clientId).sort();
}
