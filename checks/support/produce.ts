import { Partitioners, type Message, type Producer } from 'kafkajs';
import type { Transaction } from '../../bank/transaction.ts';
import type { CheckContext } from './context.ts';

const producers = new WeakMap<CheckContext, Promise<Producer>>();

/** A producer owned by the check (one per check run), disconnected when the check ends. */
function checkProducer(ctx: CheckContext): Promise<Producer> {
  let producer = producers.get(ctx);
  if (!producer) {
    // idempotent: a retried request never writes a message twice, so the check's data is exactly what it sent
    const created = ctx.kafka('check-producer').producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
    ctx.onCleanup(() => created.disconnect());
    producer = created.connect().then(() => created);
    producers.set(ctx, producer);
  }
  return producer;
}

/** Writes messages to the topic in one request, in order, and waits until all replicas have them. */
export async function sendMessages(ctx: CheckContext, topic: string, messages: Message[]): Promise<void> {
  await (await checkProducer(ctx)).send({ topic, acks: -1, messages });
}

/**
 * Writes transactions as JSON, keyed by account, spread evenly over `numPartitions` so every
 * partition has work (which partition a key goes to is lesson 02's business, not this one's).
 */
export async function sendTransactions(ctx: CheckContext, topic: string, transactions: Transaction[], numPartitions: number): Promise<void> {
  await sendMessages(
    ctx,
    topic,
    transactions.map((tx, i) => ({ key: String(tx.account), value: JSON.stringify(tx), partition: i % numPartitions })),
  );
}
