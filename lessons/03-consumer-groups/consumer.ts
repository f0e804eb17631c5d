import { Kafka, PartitionAssigners, type Consumer, type ConsumerConfig, type KafkaConfig } from 'kafkajs';
import { decodeTransaction, MalformedTransactionError } from '../../bank/codec.ts';
import { TransactionStatistics, type Statistics } from '../../bank/statistics.ts';
import type { Transaction } from '../../bank/transaction.ts';
import { RangeAssigner } from '../../workshop/kafka/range-assigner.ts';
import { todo } from '../../workshop/todo.ts';

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
 * Timings for a live monitor. kafkajs's defaults (a fetch may wait 5 s for data; the fetch loop
 * sends a heartbeat at most every 3 s) suit batch jobs; a monitor wants stop() to return at
 * once and to notice a rebalance, such as a second monitor joining, within a second.
 *
 * And the ways to split partitions it offers, the group's members agreeing on one: `range` first,
 * which Kafka's Java client and kafka-python offer too, so Java and Python consumers can share
 * the group (the README's "Going further"); then kafkajs's own round robin, for kafkajs members
 * that offer nothing else.
 */
export const LIVE_CONSUMER_SETTINGS = {
  maxWaitTimeInMs: 100,
  heartbeatInterval: 500,
  partitionAssigners: [RangeAssigner, PartitionAssigners.roundRobin],
} satisfies Partial<ConsumerConfig>;

/**
 * Reads bank transactions as a member of a consumer group and keeps the seed's real-time
 * statistics. The TypeScript twin of the seed course's Python `TransactionConsumer`.
 *
 * Fill in the five TODOs in order; `npm run check lesson-03` tells you which one is next.
 */
export class TransactionConsumer {
  readonly consumer: Consumer;
  readonly groupId: string;
  processedCount = 0;
  malformedCount = 0;
  protected readonly stats = new TransactionStatistics();

  constructor(protected readonly options: ConsumerOptions) {
    this.groupId = todo(
      'lesson-03 step 1: choose the consumer group: options.groupId, or DEFAULT_GROUP_ID when the caller gave none',
    );
    this.consumer = new Kafka(options.connection).consumer({ groupId: this.groupId, ...LIVE_CONSUMER_SETTINGS });
  }

  /** Joins the group and starts processing; resolves once running, not when done. */
  async start(): Promise<void> {
    todo(
      "lesson-03 step 2: connect, subscribe to options.topic (from the beginning only when options.fromBeginning is true), and run: give each message's value, partition and offset to this.handle, and await it",
    );
  }

  /** One message off the topic. Never trust its bytes: any producer can write to a topic. */
  protected async handle(value: Buffer | null, where: MessagePosition): Promise<void> {
    todo(
      'lesson-03 step 3: decode value with decodeTransaction and pass the transaction to this.record. If that throws a MalformedTransactionError, add 1 to this.malformedCount, tell options.onMalformed, and return normally so the consumer skips it',
    );
  }

  /** A valid transaction: count it, then let the caller see it (the monitor prints it). */
  protected async record(tx: Transaction, where: MessagePosition): Promise<void> {
    todo(
      'lesson-03 step 4: record tx in this.stats, add 1 to this.processedCount, then await options.onTransaction (when given) with tx and where',
    );
  }

  /** Graceful stop: commit what was processed, leave the group, close the connection. */
  async stop(): Promise<void> {
    todo(
      'lesson-03 step 5: stop gracefully: commit the offsets of what was processed, leave the group and close the connection. One kafkajs consumer call does all three',
    );
  }

  statistics(): Statistics {
    return this.stats.snapshot();
  }
}
