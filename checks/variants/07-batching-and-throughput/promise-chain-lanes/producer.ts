// Correct variant: each lane is a chain of promises (a batch leaves when the one before it is
// stored), a key's lane comes from a hash of the key, the slices from a generator, and the
// batches are gzip-compressed. Promise.allSettled waits for every lane before the first failure is rethrown.
import { CompressionTypes, Kafka, type KafkaConfig, type Producer } from 'kafkajs';
import type { BulkSender, OutgoingMessage } from '../../../../solutions/07-batching-and-throughput/producer.ts';

export {
  OneByOneSender,
  type BulkSender,
  type OutgoingMessage,
} from '../../../../solutions/07-batching-and-throughput/producer.ts';

export const BATCH_SIZE = 2000;
export const IN_FLIGHT = 4;
export const COMPRESSION = CompressionTypes.GZIP;

function* slices<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}

function laneOf(key: string, lanes: number): number {
  let hash = 0;
  for (const char of key) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % lanes;
}

export class FastSender implements BulkSender {
  private readonly lanes: Producer[];

  constructor(
    connection: KafkaConfig,
    private readonly topic: string,
  ) {
    const kafka = new Kafka(connection);
    this.lanes = [...Array(IN_FLIGHT).keys()].map(() => kafka.producer({ idempotent: true }));
  }

  async connect(): Promise<void> {
    await Promise.all(this.lanes.map((producer) => producer.connect()));
  }

  async sendAll(messages: readonly OutgoingMessage[]): Promise<void> {
    const byLane = new Map<number, OutgoingMessage[]>();
    for (const message of messages) {
      const lane = laneOf(message.key, this.lanes.length);
      byLane.set(lane, [...(byLane.get(lane) ?? []), message]);
    }
    const chains = [...byLane].map(([lane, queue]) => {
      let chain: Promise<unknown> = Promise.resolve();
      for (const slice of slices(queue, BATCH_SIZE)) {
        chain = chain.then(() =>
          this.lanes[lane]!.send({ topic: this.topic, acks: -1, compression: COMPRESSION, messages: slice }),
        );
      }
      return chain;
    });
    const failed = (await Promise.allSettled(chains)).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.lanes.map((producer) => producer.disconnect()));
  }
}
