import { CompressionTypes, Kafka, type KafkaConfig, type Producer } from 'kafkajs';

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
    // one producer per lane: a kafkajs producer with several sends in flight loses track of its
    // sequence numbers when a retry is needed (see the README)
    const kafka = new Kafka(connection);
    this.lanes = Array.from({ length: IN_FLIGHT }, () => kafka.producer({ idempotent: true }));
  }

  async connect(): Promise<void> {
    await Promise.all(this.lanes.map((producer) => producer.connect()));
  }

  async sendAll(messages: readonly OutgoingMessage[]): Promise<void> {
    const laneMessages: OutgoingMessage[][] = this.lanes.map(() => []);
    const laneOfKey = new Map<string, number>();
    for (const message of messages) {
      const lane = laneOfKey.get(message.key) ?? laneOfKey.size % this.lanes.length;
      laneOfKey.set(message.key, lane);
      laneMessages[lane]!.push(message);
    }
    // the lanes run side by side; within one, a batch leaves only once the one before it is stored
    await Promise.all(
      this.lanes.map(async (producer, lane) => {
        const queue = laneMessages[lane]!;
        for (let start = 0; start < queue.length; start += BATCH_SIZE) {
          await producer.send({
            topic: this.topic,
            acks: -1,
            compression: this.compression,
            messages: queue.slice(start, start + BATCH_SIZE),
          });
        }
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.lanes.map((producer) => producer.disconnect()));
  }
}
