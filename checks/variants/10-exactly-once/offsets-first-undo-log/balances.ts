// A correct variant: the offsets go into the transaction first, the updates in one sendBatch, and
// the balances change as each message is processed, with an undo log that puts them back when the
// transaction aborts. Its own producer and reader (./producer.ts, ./reader.ts).
import type { Batch, Message } from 'kafkajs';
import type { Transaction } from '../../../../bank/transaction.ts';
import {
  BalanceService as Reference,
  FencedError,
  isFenced,
  UnknownOutcomeError,
  type BalanceServiceOptions,
} from '../../../../solutions/10-exactly-once/balances.ts';
import { createTransactionalProducer } from './producer.ts';
import { readBalances } from './reader.ts';

export * from '../../../../solutions/10-exactly-once/balances.ts';

export class BalanceService extends Reference {
  /** What each account's balance was before this batch touched it (undefined: it had none). */
  private undo = new Map<number, number | undefined>();
  /** The last offset of each partition whose transaction this instance committed. */
  private readonly doneThrough = new Map<number, bigint>();

  constructor(options: BalanceServiceOptions) {
    super(options);
    this.producer = createTransactionalProducer(options.connection, options.transactionalId);
  }

  override async start(): Promise<void> {
    await this.producer.connect();
    await this.claimTransactionalId();
    const restored = await readBalances(this.options.connection, this.options.outputTopic, this.options.groupId);
    restored.forEach((cents, account) => this.balances.set(account, cents));
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.options.inputTopic], fromBeginning: true });
    await this.consumer.run({ autoCommit: false, eachBatch: ({ batch }) => this.process(batch) });
  }

  protected override balanceUpdate(tx: Transaction, pending: Map<number, number>): Message {
    if (!this.undo.has(tx.account)) this.undo.set(tx.account, this.balances.get(tx.account));
    const update = super.balanceUpdate(tx, pending);
    this.balances.set(tx.account, pending.get(tx.account)!);
    return update;
  }

  protected override async process(batch: Batch): Promise<void> {
    this.undo = new Map();
    const transaction = await this.producer.transaction();
    try {
      await transaction.sendOffsets({
        consumerGroupId: this.options.groupId,
        topics: [
          {
            topic: batch.topic,
            partitions: [{ partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() }],
          },
        ],
      });
      const pending = new Map<number, number>();
      let malformed = 0;
      const done = this.doneThrough.get(batch.partition) ?? -1n;
      const messages = batch.messages.flatMap((message) => {
        // a rebalance may hand over again what this instance committed just before it
        if (BigInt(message.offset) <= done) return [];
        const tx = this.decode(message);
        if (!tx) malformed += 1;
        return tx ? [this.balanceUpdate(tx, pending)] : [];
      });
      if (messages.length > 0)
        await transaction.sendBatch({ topicMessages: [{ topic: this.options.outputTopic, messages }] });
      await transaction.commit();
      this.malformedCount += malformed;
      this.doneThrough.set(batch.partition, BigInt(batch.lastOffset()));
    } catch (error) {
      this.undo.forEach((before, account) =>
        before === undefined ? this.balances.delete(account) : this.balances.set(account, before),
      );
      if (isFenced(error)) {
        this.halt(new FencedError(this.options.transactionalId, error));
        throw error;
      }
      await transaction.abort().catch(() => this.halt(new UnknownOutcomeError(error)));
      throw error;
    }
  }
}
