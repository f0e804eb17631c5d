import { Partitioners, type Message, type Producer } from 'kafkajs';
import type { Transaction } from '../../bank/transaction.ts';
import type { CheckContext } from './context.ts';
import { isNewTopicRace } from '../../workshop/kafka/new-topic-race.ts';
import { waitFor } from './wait.ts';

const producers = new WeakMap<CheckContext, Promise<Producer>>();

/** A producer owned by the check (one per check run), disconnected when the check ends. */
function checkProducer(ctx: CheckContext): Promise<Producer> {
  let producer = producers.get(ctx);
  if (!producer) {
    // idempotent: a retried request never writes a message twice, so the check's data is exactly what it sent
    const created = ctx
      .kafka('check-producer')
      .producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
    ctx.onCleanup(() => created.disconnect());
    producer = created.connect().then(() => created);
    producers.set(ctx, producer);
  }
  return producer;
}

/** Writes messages to the topic in one request, in order, and waits until all replicas have them. */
export async function sendMessages(ctx: CheckContext, topic: string, messages: Message[]): Promise<void> {
  const producer = await checkProducer(ctx);
  // kafkajs gives up (KafkaJSNonRetriableError) when the race fails the metadata lookup that
  // starts a send, before anything is written: only then is sending again free of duplicates
  await waitFor(
    async () => {
      try {
        await producer.send({ topic, acks: -1, messages });
        return true;
      } catch (error) {
        if (error instanceof Error && error.name === 'KafkaJSNonRetriableError' && isNewTopicRace(error))
          return undefined;
        throw error;
      }
    },
    {
      timeoutMs: 5000,
      intervalMs: 50,
      expected: `the new topic ${topic} to take the check's messages`,
      likelyCause: 'the broker is overloaded or restarting; run the check again (npm run kafka:status shows its state)',
    },
  );
}

/**
 * Writes transactions as JSON, keyed by account, spread evenly over `numPartitions` so every
 * partition has work (which partition a key goes to is lesson 02's business, not this one's).
 */
export async function sendTransactions(
  ctx: CheckContext,
  topic: string,
  transactions: Transaction[],
  numPartitions: number,
): Promise<void> {
  await sendMessages(
    ctx,
    topic,
    transactions.map((tx, i) => ({ key: String(tx.account), value: JSON.stringify(tx), partition: i % numPartitions })),
  );
}
