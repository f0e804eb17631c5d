import { Kafka } from 'kafkajs';
import { encodeTransaction } from '../../bank/codec.ts';
import { createTransactionGenerator } from '../../bank/generator.ts';
import type { Transaction } from '../../bank/transaction.ts';
import { kafkaConfig } from '../config.ts';
import { pause } from '../wait.ts';

export interface BatchStream {
  /** Stops after the batch in hand is acknowledged; every batch handed to Kafka is awaited. */
  stop(): Promise<void>;
}

/**
 * Transactions keyed by account, `rate` a second, in one request every `tickMs` from one
 * producer (acks -1). A bench's busy stream: one request per transaction, as the simulator sends,
 * tops out below 1,000 msg/s on a 2-core laptop, and then what is measured is the sender's queue.
 * `onBatch` sees each batch just before it is sent, to note when its transactions left.
 */
export async function sendInBatches(
  brokers: string[],
  topic: string,
  options: { rate: number; tickMs: number; onBatch?: (batch: readonly Transaction[]) => void },
): Promise<BatchStream> {
  const producer = new Kafka(kafkaConfig(`bench-sender-${topic}`, brokers)).producer();
  await producer.connect();
  const next = createTransactionGenerator();
  const stopped = new AbortController();
  const perBatch = Math.max(1, Math.round((options.rate * options.tickMs) / 1000));
  const sendOne = () => {
    const batch = Array.from({ length: perBatch }, () => next());
    options.onBatch?.(batch);
    return producer.send({
      topic,
      acks: -1,
      messages: batch.map((tx) => ({ key: String(tx.account), value: encodeTransaction(tx) })),
    });
  };
  // the first send fetches the topic's metadata: it goes before the clock starts
  await sendOne();
  const started = performance.now();
  const sending = (async () => {
    for (let tick = 1; !stopped.signal.aborted; tick++) {
      await pause(started + tick * options.tickMs - performance.now(), stopped.signal);
      if (!stopped.signal.aborted) await sendOne();
    }
  })();
  return {
    stop: async () => {
      stopped.abort();
      await sending.finally(() => producer.disconnect());
    },
  };
}
