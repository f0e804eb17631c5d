// Correct variant: other settings (5,000 messages a request, about 0.5 MB; three lanes), each lane
// a small class of its own that owns its producer and its queue.
import { CompressionTypes, Kafka, type KafkaConfig, type Producer } from 'kafkajs';
import type { BulkSender, OutgoingMessage } from '../../../../solutions/07-batching-and-throughput/producer.ts';

export {
  OneByOneSender,
  type BulkSender,
  type OutgoingMessage,
} from '../../../../solutions/07-batching-and-throughput/producer.ts';

export const BATCH_SIZE = 5000;
export const IN_FLIGHT = 3;
export const COMPRESSION = CompressionTypes.None;

class Lane {
  readonly queue: OutgoingMessage[] = [];
  constructor(readonly producer: Producer) {}

  async drain(topic: string): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, BATCH_SIZE);
      await this.producer.send({ topic, acks: -1, compression: COMPRESSION, messages: batch });
    }
  }
}

export class FastSender implements BulkSender {
  private readonly lanes: Lane[];

  constructor(
    connection: KafkaConfig,
    private readonly topic: string,
  ) {
    const kafka = new Kafka(connection);
    this.lanes = Array.from({ length: IN_FLIGHT }, () => new Lane(kafka.producer({ idempotent: true })));
  }

  async connect(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.producer.connect()));
  }

  async sendAll(messages: readonly OutgoingMessage[]): Promise<void> {
    const assigned = new Map<string, Lane>();
    let next = 0;
    for (const message of messages) {
      let lane = assigned.get(message.key);
      if (!lane) {
        lane = this.lanes[next++ % this.lanes.length]!;
        assigned.set(message.key, lane);
      }
      lane.queue.push(message);
    }
    await Promise.all(this.lanes.map((lane) => lane.drain(this.topic)));
  }

  async close(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.producer.disconnect()));
  }
}
