import { Kafka, type Consumer, type KafkaConfig, type Producer } from 'kafkajs';
import { formatMoney } from '../../bank/format.ts';
import type { Transaction, TransactionType } from '../../bank/transaction.ts';
import { todo } from '../../workshop/todo.ts';
import { keyFor } from '../02-keys-and-partitions/keys.ts';
import { TransactionConsumer } from '../03-consumer-groups/consumer.ts';

/** The fraud detector's own group: it reads every transaction, whatever the monitors do. */
export const FRAUD_GROUP_ID = 'fraud-detector';
export const ALERTS_TOPIC = 'fraud-alerts';

/** The rule: a withdrawal of more than $750 is suspicious. */
export const LARGE_WITHDRAWAL_LIMIT = 750;

/** The reason a transaction is suspicious, or undefined when it is not. */
export function isSuspicious(tx: Transaction): string | undefined {
  return todo(
    'lesson-04 step 1: return a reason (for example "withdrawal of $900.00 is over the $750.00 limit") when tx is a withdrawal of more than LARGE_WITHDRAWAL_LIMIT dollars, else undefined. Careful: money going out has a negative amount',
  );
}

/** What the detector publishes to the alerts topic, as JSON. */
export interface FraudAlert {
  transaction_id: string;
  account: number;
  amount: number;
  type: TransactionType;
  reason: string;
  /** When the transaction happened (its own timestamp). */
  timestamp: string;
}

export function toAlert(tx: Transaction, reason: string): FraudAlert {
  return {
    transaction_id: tx.transaction_id,
    account: tx.account,
    amount: tx.amount,
    type: tx.type,
    reason,
    timestamp: tx.timestamp,
  };
}

export interface FraudDetectorOptions {
  connection: KafkaConfig;
  /** The transactions topic it reads. */
  topic: string;
  /** Defaults to ALERTS_TOPIC. */
  alertsTopic?: string;
  /** Defaults to FRAUD_GROUP_ID. */
  groupId?: string;
  fromBeginning?: boolean;
  onAlert?: (alert: FraudAlert) => void;
  onTransaction?: (tx: Transaction) => void;
}

/**
 * Reads the same transactions as the monitor, in a group of its own, and publishes an alert
 * for each suspicious one: a consumer and a producer in one program.
 *
 * It builds on your lesson 03 TransactionConsumer and your lesson 02 keyFor.
 * Fill in the five TODOs in order; `npm run check lesson-04` tells you which one is next.
 */
export class FraudDetector {
  readonly alertsTopic: string;
  alertCount = 0;
  protected readonly producer: Producer;
  protected readonly transactions: TransactionConsumer;

  constructor(protected readonly options: FraudDetectorOptions) {
    this.alertsTopic = options.alertsTopic ?? ALERTS_TOPIC;
    this.producer = new Kafka(options.connection).producer();
    this.transactions = todo(
      'lesson-04 step 2: create a TransactionConsumer (lesson 03) for options.topic in a group of its own: options.groupId, or FRAUD_GROUP_ID when none is given. Pass options.fromBeginning on, and hand every transaction to this.inspect',
    );
  }

  /** The kafkajs consumer underneath, for its events (the demo prints the assigned partitions). */
  get consumer(): Consumer {
    return this.transactions.consumer;
  }

  /** Messages that were not transactions: skipped and counted by the TransactionConsumer underneath. */
  get malformedCount(): number {
    return this.transactions.malformedCount;
  }

  /** The alerts topic must exist (the demo creates it with lesson 02's ensureTopic). */
  async start(): Promise<void> {
    todo(
      'lesson-04 step 3: connect this.producer, then start this.transactions. Why in that order? Think of the first suspicious transaction',
    );
  }

  /** Every transaction the detector's group receives comes here. */
  protected async inspect(tx: Transaction): Promise<void> {
    todo(
      'lesson-04 step 4: when isSuspicious(tx) gives a reason, send toAlert(tx, reason) as JSON to this.alertsTopic, keyed by account (keyFor), await it, add 1 to alertCount and tell options.onAlert. Then, for every transaction, tell options.onTransaction',
    );
  }

  async stop(): Promise<void> {
    todo(
      'lesson-04 step 5: stop this.transactions first (it commits what was inspected), then disconnect this.producer',
    );
  }
}
