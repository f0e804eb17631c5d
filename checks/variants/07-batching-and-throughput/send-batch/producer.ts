// Correct variant: sendBatch (one request for a list of topics) instead of send, and the lanes
// dealt out by a key's position in a sorted list of the keys.
import { CompressionTypes, Kafka, type KafkaConfig, type Producer } from 'kafkajs';
import type { BulkSender, OutgoingMessage } from '../../../../solutions/07-batching-and-throughput/producer.ts';

export {
  OneByOneSender,
  type BulkSender,
  type OutgoingMessage,
} from '../../../../solutions/07-batching-and-throughput/producer.ts';

export const BATCH_SIZE = 2000;
export const IN_FLIGHT = 4;
export const COMPRESSION = CompressionTypes.None;

export class FastSender implements BulkSender {
  private readonly lanes: Producer[] = [];

  constructor(
    connection: KafkaConfig,
    private readonly topic: string,
  ) {
    const kafka = new Kafka(connection);
    for (let i = 0; i < IN_FLIGHT; i++) this.lanes.push(kafka.producer({ idempotent: true }));
  }

  async connect(): Promise<void> {
    for (const lane of this.lanes) await lane.connect();
  }

  async sendAll(messages: readonly OutgoingMessage[]): Promise<void> {
    const keys = [...new Set(messages.map((m) => m.key))].sort();
    const laneOf = new Map(keys.map((key, i) => [key, i % this.lanes.length]));
    const queues = this.lanes.map((_, lane) => messages.filter((m) => laneOf.get(m.key) === lane));
    const sendLane = async (lane: number) => {
      const queue = queues[lane]!;
      for (let from = 0; from < queue.length; from += BATCH_SIZE) {
        await this.lanes[lane]!.sendBatch({
          acks: -1,
          compression: COMPRESSION,
          topicMessages: [{ topic: this.topic, messages: queue.slice(from, from + BATCH_SIZE) }],
        });
      }
    };
    await Promise.all(this.lanes.map((_, lane) => sendLane(lane)));
  }

  async close(): Promise<void> {
    for (const lane of this.lanes) await lane.disconnect();
  }
}
