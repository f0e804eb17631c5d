import type { Consumer } from 'kafkajs';
import type { Transaction } from '../../bank/transaction.ts';
import type { CheckContext } from './context.ts';
import { waitFor } from './wait.ts';

/** Quick to stop and quick to rebalance, as the checks need. */
const LIVE_CHECK_CONSUMER = { maxWaitTimeInMs: 50, heartbeatInterval: 500 };

/**
 * A consumer of the check's own, in a group the check names: it stands in for "the other
 * group" (the seed's monitor) next to the learner's consumer. It commits as it goes, like
 * any kafkajs consumer, so its group's committed offsets can be compared with the learner's.
 */
export class GroupReader {
  readonly transactions: Transaction[] = [];
  private readonly consumer: Consumer;

  constructor(
    ctx: CheckContext,
    private readonly topic: string,
    readonly groupId: string,
  ) {
    this.consumer = ctx.kafka(`reader-${groupId}`).consumer({ groupId, ...LIVE_CHECK_CONSUMER });
    ctx.onCleanup(() => this.consumer.disconnect());
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        this.transactions.push(JSON.parse(message.value?.toString('utf8') ?? 'null') as Transaction);
      },
    });
  }

  /** Waits until this group has read `count` transactions. */
  async until(count: number): Promise<void> {
    await waitFor(() => (this.transactions.length >= count ? true : undefined), {
      timeoutMs: 5000,
      expected: `the check's own group ${this.groupId} to read ${count} transactions`,
      lastSeen: () => `${this.transactions.length} read`,
      likelyCause: `fewer transactions reached the topic than the check sent, or the broker is overloaded; run the check again`,
    });
  }

  /** Disconnects; kafkajs commits what was read on the way out. */
  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
