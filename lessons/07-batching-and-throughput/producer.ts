import { CompressionTypes, Kafka, type KafkaConfig, type Producer } from 'kafkajs';
import { todo } from '../../workshop/todo.ts';

/** One message to send: the key (an account number) keeps each account's messages in order. */
export interface OutgoingMessage {
  key: string;
  value: Buffer | string;
}

/** Sends a whole list of messages; resolves only once the broker has stored every one. */
export interface BulkSender {
  connect(): Promise<void>;
  sendAll(messages: readonly OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}

/** The starting point, as in lesson 01: one send per message, each awaited. Correct, and slow. */
export class OneByOneSender implements BulkSender {
  private readonly producer: Producer;

  constructor(
    connection: KafkaConfig,
    private readonly topic: string,
  ) {
    this.producer = new Kafka(connection).producer();
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  async sendAll(messages: readonly OutgoingMessage[]): Promise<void> {
    // each message waits for a full round trip to the broker before the next may leave
    for (const message of messages) await this.producer.send({ topic: this.topic, acks: -1, messages: [message] });
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}

/**
 * Messages per request. 2,000 messages of about 100 bytes make a request of about 200 KB:
 * big enough that the round trip is shared by many, well under the 1 MB a broker accepts
 * in one batch (message.max.bytes).
 */
export const BATCH_SIZE = 2000;

/** Lanes, each with a request on its way at the same time as the others'. */
export const IN_FLIGHT = 4;

/**
 * No compression by default: on one machine the network is free, so a codec only costs time.
 * Across a real network it often pays. Kafka has four codecs, and the workshop teaches kafkajs
 * all of them: CompressionTypes.GZIP, Snappy, LZ4 and ZSTD. Race them: npm run bench -- throughput
 */
export const COMPRESSION = CompressionTypes.None;

/**
 * The same job as OneByOneSender, tens of times faster: few big requests, several lanes at a
 * time. Every message of a key travels in the same lane, batch after batch, so keys keep their
 * order; each lane has its own idempotent producer, so a retry never stores a batch twice.
 */
export class FastSender implements BulkSender {
  private readonly lanes: Producer[];

  constructor(
    connection: KafkaConfig,
    private readonly topic: string,
    /** The codec every batch is compressed with (COMPRESSION unless the caller picks another). */
    private readonly compression: CompressionTypes = COMPRESSION,
  ) {
    this.lanes = todo(
      'lesson-07 step 1: create IN_FLIGHT producers from one new Kafka(connection), each with idempotent: true (the README says why one is not enough)',
    );
  }

  async connect(): Promise<void> {
    await Promise.all(this.lanes.map((producer) => producer.connect()));
  }

  async sendAll(messages: readonly OutgoingMessage[]): Promise<void> {
    const laneMessages: OutgoingMessage[][] = todo(
      'lesson-07 step 2: deal `messages` into one list per lane (this.lanes.length lists): every message of a key into the same list, in the order given',
    );
    todo(
      "lesson-07 step 3: for all lanes at once (Promise.all), send the lane's list in consecutive batches of BATCH_SIZE: one awaited send({ topic: this.topic, acks: -1, compression: this.compression, messages: batch }) after the other on that lane's producer. Resolve when every lane is done",
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.lanes.map((producer) => producer.disconnect()));
  }
}
