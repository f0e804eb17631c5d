import {
  Kafka,
  type Batch,
  type Consumer,
  type KafkaConfig,
  type KafkaMessage,
  type Message,
  type Producer,
} from 'kafkajs';
import { encodeBalanceUpdate, toCents } from '../../bank/balance.ts';
import { decodeTransaction } from '../../bank/codec.ts';
import type { Transaction } from '../../bank/transaction.ts';
import { createTransactionalProducer } from './producer.ts';
import { readBalances } from './reader.ts';
import { todo } from '../../workshop/todo.ts';

export interface BalanceServiceOptions {
  connection: KafkaConfig;
  /** Where the bank transactions come from. */
  inputTopic: string;
  /** Where the balance updates go, keyed by account. It must exist already. */
  outputTopic: string;
  groupId: string;
  /** This service's identity for transactions: the same on every start. */
  transactionalId: string;
  /** Called once if the service stops by itself: it was fenced, or a transaction's outcome is unknown. */
  onHalt?: (error: ServiceHaltedError) => void;
}

/** Why a balance service stopped by itself. */
export class ServiceHaltedError extends Error {
  override readonly name: string = 'ServiceHaltedError';
}

/** Another instance started with the same transactionalId, and the broker now refuses this one. */
export class FencedError extends ServiceHaltedError {
  override readonly name = 'FencedError';
  constructor(
    readonly transactionalId: string,
    cause: unknown,
  ) {
    super(
      `fenced: another instance with transactionalId "${transactionalId}" took over, so the broker refuses this one's transactions. It stopped; the newer instance carries on`,
      { cause },
    );
  }
}

/**
 * A transaction failed and kafkajs could not abort it (after a failed commit it refuses to),
 * so nobody here knows whether it committed. A restart finds out: its claim settles the
 * transaction on the broker, and it resumes from whatever was committed.
 */
export class UnknownOutcomeError extends ServiceHaltedError {
  override readonly name = 'UnknownOutcomeError';
  constructor(cause: unknown) {
    super(
      `a transaction failed and could not be aborted (${cause instanceof Error ? cause.message : String(cause)}), so whether it committed is unknown. The service stopped: start it again, and it resumes from what Kafka committed`,
      { cause },
    );
  }
}

/**
 * Whether the broker refused the producer because a newer one holds its transactionalId.
 * Kafka answers kafkajs's old request versions with INVALID_PRODUCER_EPOCH (newer clients get
 * PRODUCER_FENCED, code 90); kafkajs wraps the answer, so the whole cause chain is searched.
 */
export function isFenced(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 10; depth++) {
    const { type, code } = current as { type?: string; code?: number };
    if (type === 'INVALID_PRODUCER_EPOCH' || type === 'PRODUCER_FENCED' || code === 90) return true;
    current = current.cause;
  }
  return false;
}

/**
 * Keeps each account's balance from the stream of bank transactions, and writes a balance
 * update per transaction to the output topic. Each batch is one Kafka transaction: the
 * updates and the input position are committed together, or not at all.
 */
export class BalanceService {
  readonly consumer: Consumer;
  protected producer: Producer;
  /** Each account's balance in cents, as far as Kafka has committed it. */
  readonly balances = new Map<number, number>();
  /** Messages that were not transactions: skipped (their offsets are committed all the same). */
  malformedCount = 0;
  /** Set when the service stopped by itself. */
  halted: ServiceHaltedError | undefined;
  private stopping: Promise<void> | undefined;
  /** Per input partition, the next offset to read as this instance's own transactions committed it. */
  private readonly committedHere = new Map<number, bigint>();

  constructor(protected readonly options: BalanceServiceOptions) {
    this.producer = createTransactionalProducer(options.connection, options.transactionalId);
    this.consumer = new Kafka(options.connection).consumer({
      groupId: options.groupId,
      // an idle fetch returns within 0.1 s, so stop() never waits long for one, and a heartbeat
      // every 0.5 s lets a second instance get its partitions within a second
      maxWaitTimeInMs: 100,
      heartbeatInterval: 500,
      // a killed instance keeps its place in the group until this runs out (30 s by default):
      // its restart waits that long for the partitions. Each batch takes milliseconds, so 10 s is safe
      sessionTimeout: 10_000,
    });
  }

  async start(): Promise<void> {
    await this.producer.connect();
    await this.claimTransactionalId();
    // only now is the output settled: whatever a previous run left open has been aborted
    const committed = await readBalances(this.options.connection, this.options.outputTopic, this.options.groupId);
    committed.forEach((cents, account) => this.balances.set(account, cents));
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.options.inputTopic], fromBeginning: true });
    await this.consumer.run({
      // offsets are committed by each transaction (sendOffsets), never by the consumer itself
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        await this.process(batch);
        // process() returned: the batch's transaction committed
        this.committedHere.set(batch.partition, BigInt(batch.lastOffset()) + 1n);
      },
    });
  }

  /**
   * Makes this instance the one that writes for the transactionalId, before anything is read.
   * The broker aborts what a previous run left open and shuts out the previous run, should it
   * still be alive.
   */
  protected async claimTransactionalId(): Promise<void> {
    todo(
      'lesson-10 step 3: claim the transactionalId: begin a transaction with this.producer.transaction() and abort it at once. kafkajs claims the id (and the broker aborts what a previous run left open) at the first transaction(), not at connect(); an empty transaction ends without a word to the broker',
    );
  }

  /** One batch of one partition, one transaction. Rejects (so kafkajs delivers the batch again) when it was aborted. */
  protected async process(batch: Batch): Promise<void> {
    // the balances this batch changes, kept aside until Kafka has committed them
    const pending = new Map<number, number>();
    const updates: Message[] = [];
    // messages that are not transactions: skipped, and counted (as balances are) once the batch commits
    const skipped: KafkaMessage[] = [];
    for (const message of this.notYetCommitted(batch)) {
      const tx = this.decode(message);
      if (tx) updates.push(this.balanceUpdate(tx, pending));
      else skipped.push(message);
    }

    todo(
      'lesson-10 step 4: begin a transaction (await this.producer.transaction()), send `updates` to this.options.outputTopic with it (transaction.send, when there are any) and commit it (transaction.commit()). Then, and only then, copy `pending` into this.balances and add skipped.length to this.malformedCount: a batch whose transaction fails is delivered again, and must not be counted twice',
    );
    todo(
      "lesson-10 step 5: before the commit, put the input position into the transaction: transaction.sendOffsets({ consumerGroupId: this.options.groupId, topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset }] }] }), where offset is the next one to read: the batch's last offset + 1, as a string: (BigInt(batch.lastOffset()) + 1n).toString()",
    );
    todo(
      'lesson-10 step 6: wrap the transaction in try/catch. On an error, await transaction.abort(); if the abort throws too, nobody knows whether the commit happened: this.halt(new UnknownOutcomeError(error)). Either way rethrow the error, so kafkajs delivers the batch again',
    );
    todo(
      'lesson-10 step 7: first thing in that catch: if isFenced(error), another instance holds the transactionalId and the broker refuses this one everything, an abort included. this.halt(new FencedError(this.options.transactionalId, error)) and rethrow, without aborting',
    );
  }

  /** The update `tx` makes, counted into `pending`: the balances this batch has changed so far. */
  protected balanceUpdate(tx: Transaction, pending: Map<number, number>): Message {
    const amount = toCents(tx.amount);
    const balance = (pending.get(tx.account) ?? this.balances.get(tx.account) ?? 0) + amount;
    pending.set(tx.account, balance);
    return {
      key: String(tx.account),
      value: encodeBalanceUpdate({
        account: tx.account,
        balance_cents: balance,
        amount_cents: amount,
        transaction_id: tx.transaction_id,
      }),
    };
  }

  /**
   * The batch's messages that this instance has not committed already. For a moment after a
   * commit, Kafka still answers "where is this group?" with the offset before it (the Java client
   * asks it to wait; kafkajs cannot), and a rebalance in that moment hands the last batch over
   * again. Its transaction then commits the same offset with no updates: nothing is counted twice.
   */
  protected notYetCommitted(batch: Batch): KafkaMessage[] {
    const next = this.committedHere.get(batch.partition) ?? 0n;
    return batch.messages.filter((message) => BigInt(message.offset) >= next);
  }

  /** The transaction in `message`, or undefined when it is not one: no retry can repair it, so it is skipped. */
  protected decode(message: KafkaMessage): Transaction | undefined {
    try {
      return decodeTransaction(message.value);
    } catch {
      return undefined;
    }
  }

  /** Stops for good from inside a batch: the consumer leaves once the batch in hand returns. */
  protected halt(error: ServiceHaltedError): void {
    if (this.halted) return;
    this.halted = error;
    this.options.onHalt?.(error);
    void this.stop().catch(() => undefined);
  }

  /** Lets the batch in hand finish (its transaction commits or aborts), leaves the group, disconnects. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.consumer.disconnect();
      await this.producer.disconnect();
    })();
    return this.stopping;
  }
}
