// Correct, written differently: the alert goes out with sendBatch and kafkajs's default acks
// (-1), and onTransaction is told before the alert is sent.
import { Kafka, type Consumer, type KafkaConfig, type Producer } from 'kafkajs';
import { formatMoney } from '../../../../bank/format.ts';
import type { Transaction, TransactionType } from '../../../../bank/transaction.ts';
import { TransactionConsumer } from '../../../../solutions/03-consumer-groups/consumer.ts';

/** The fraud detector's own group: it reads every transaction, whatever the monitors do. */
export const FRAUD_GROUP_ID = 'fraud-detector';
export const ALERTS_TOPIC = 'fraud-alerts';

/** The rule: a withdrawal of more than $750 is suspicious. */
export const LARGE_WITHDRAWAL_LIMIT = 750;

/** The reason a transaction is suspicious, or undefined when it is not. */
export function isSuspicious(tx: Transaction): string | undefined {
  // money going out has a negative amount: a withdrawal of $900 is -900
  const withdrawn = -tx.amount;
  if (tx.type === 'withdrawal' && withdrawn > LARGE_WITHDRAWAL_LIMIT) {
    return `withdrawal of ${formatMoney(withdrawn)} is over the ${formatMoney(LARGE_WITHDRAWAL_LIMIT)} limit`;
  }
  return undefined;
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
 */
export class FraudDetector {
  readonly alertsTopic: string;
  alertCount = 0;
  protected readonly producer: Producer;
  protected readonly transactions: TransactionConsumer;

  constructor(protected readonly options: FraudDetectorOptions) {
    this.alertsTopic = options.alertsTopic ?? ALERTS_TOPIC;
    this.producer = new Kafka(options.connection).producer();
    this.transactions = new TransactionConsumer({
      connection: options.connection,
      topic: options.topic,
      // a group of its own: sharing the monitor's group would split the partitions between them
      groupId: options.groupId ?? FRAUD_GROUP_ID,
      fromBeginning: options.fromBeginning,
      onTransaction: (tx) => this.inspect(tx),
    });
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
    // the producer first: the first suspicious transaction may arrive as soon as the consumer runs
    await this.producer.connect();
    await this.transactions.start();
  }

  protected async inspect(tx: Transaction): Promise<void> {
    this.options.onTransaction?.(tx);
    const reason = isSuspicious(tx);
    if (reason === undefined) return;
    const alert = toAlert(tx, reason);
    await this.producer.sendBatch({
      topicMessages: [
        { topic: this.alertsTopic, messages: [{ key: String(tx.account), value: JSON.stringify(alert) }] },
      ],
    });
    this.alertCount += 1;
    this.options.onAlert?.(alert);
  }

  async stop(): Promise<void> {
    // the consumer first: it finishes the transaction in hand (and its alert), commits, and leaves
    await this.transactions.stop();
    await this.producer.disconnect();
  }
}
