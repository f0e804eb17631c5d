// Correct, written differently: eachBatch instead of eachMessage. Each message is marked done
// (resolveOffset) only once processed, and the loop stops when the consumer does, so kafkajs's
// own end-of-batch resolve is switched off.
import { Kafka, type Consumer, type ConsumerConfig, type KafkaConfig } from 'kafkajs';
import { decodeTransaction, MalformedTransactionError } from '../../../../bank/codec.ts';
import { TransactionStatistics, type Statistics } from '../../../../bank/statistics.ts';
import type { Transaction } from '../../../../bank/transaction.ts';

/** The seed's monitor group. Every consumer with this id shares the topic's partitions. */
export const DEFAULT_GROUP_ID = 'transaction-monitor';

/** Where a message sits on the topic. */
export interface MessagePosition {
  partition: number;
  offset: string;
}

export interface ConsumerOptions {
  /** kafkajs configuration: broker addresses and a client id. */
  connection: KafkaConfig;
  topic: string;
  /** Defaults to DEFAULT_GROUP_ID. */
  groupId?: string;
  /** Where a group with no committed offsets starts: the earliest message (true) or only new ones (false, the default). */
  fromBeginning?: boolean;
  onTransaction?: (tx: Transaction, where: MessagePosition) => void | Promise<void>;
  onMalformed?: (error: Error, where: MessagePosition) => void;
}

/**
 * Timings for a live monitor. kafkajs's defaults (a fetch may wait 5 s for data, a heartbeat
 * every 3 s) suit batch jobs; a monitor wants stop() to return at once and a second monitor
 * to get its partitions within a second.
 */
export const LIVE_CONSUMER_SETTINGS = {
  maxWaitTimeInMs: 100,
  heartbeatInterval: 500,
} satisfies Partial<ConsumerConfig>;

/**
 * Reads bank transactions as a member of a consumer group and keeps the seed's real-time
 * statistics. The TypeScript twin of the seed course's Python `TransactionConsumer`.
 */
export class TransactionConsumer {
  readonly consumer: Consumer;
  readonly groupId: string;
  processedCount = 0;
  malformedCount = 0;
  protected readonly stats = new TransactionStatistics();

  constructor(protected readonly options: ConsumerOptions) {
    this.groupId = options.groupId ?? DEFAULT_GROUP_ID;
    this.consumer = new Kafka(options.connection).consumer({ groupId: this.groupId, ...LIVE_CONSUMER_SETTINGS });
  }

  /** Joins the group and starts processing; resolves once running, not when done. */
  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: this.options.fromBeginning ?? false });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async (payload) => {
        const { batch } = payload;
        for (const message of batch.messages) {
          if (!payload.isRunning() || payload.isStale()) break;
          await this.handle(message.value, { partition: batch.partition, offset: message.offset });
          payload.resolveOffset(message.offset);
          await payload.heartbeat();
        }
        await payload.commitOffsetsIfNecessary();
      },
    });
  }

  protected async handle(value: Buffer | null, where: MessagePosition): Promise<void> {
    let tx: Transaction;
    try {
      tx = decodeTransaction(value);
    } catch (error) {
      if (!(error instanceof MalformedTransactionError)) throw error;
      // a poison message is skipped (its offset gets committed), never retried forever
      this.malformedCount += 1;
      this.options.onMalformed?.(error, where);
      return;
    }
    await this.record(tx, where);
  }

  protected async record(tx: Transaction, where: MessagePosition): Promise<void> {
    this.stats.record(tx);
    this.processedCount += 1;
    await this.options.onTransaction?.(tx, where);
  }

  /**
   * Graceful stop: kafkajs stops fetching, lets the message in hand finish, commits the
   * offsets of everything processed, leaves the group (so the others take over its
   * partitions at once) and closes the connections.
   */
  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  statistics(): Statistics {
    return this.stats.snapshot();
  }
}
