// A correct variant: one transaction per message, with eachMessage. Slower (a transaction costs
// several round trips), simpler to reason about: nothing to roll back but one pending balance.
import { Kafka, type Consumer, type KafkaMessage, type Producer } from 'kafkajs';
import { encodeBalanceUpdate, toCents } from '../../../../bank/balance.ts';
import { decodeTransaction } from '../../../../bank/codec.ts';
import {
  FencedError,
  isFenced,
  UnknownOutcomeError,
  type BalanceServiceOptions,
  type ServiceHaltedError,
} from '../../../../solutions/10-exactly-once/balances.ts';
import { createTransactionalProducer } from '../../../../solutions/10-exactly-once/producer.ts';
import { readBalances } from '../../../../solutions/10-exactly-once/reader.ts';

export * from '../../../../solutions/10-exactly-once/balances.ts';

export class BalanceService {
  readonly consumer: Consumer;
  private readonly producer: Producer;
  readonly balances = new Map<number, number>();
  malformedCount = 0;
  /** The next offset of each partition, as this instance's commits left it. */
  private readonly readUpTo = new Map<number, number>();
  halted: ServiceHaltedError | undefined;

  constructor(private readonly options: BalanceServiceOptions) {
    this.producer = createTransactionalProducer(options.connection, options.transactionalId);
    this.consumer = new Kafka(options.connection).consumer({
      groupId: options.groupId,
      maxWaitTimeInMs: 100,
      heartbeatInterval: 500,
    });
  }

  async start(): Promise<void> {
    await this.producer.connect();
    // claim the id: an empty transaction, committed this time (nothing reaches the broker either way)
    await (await this.producer.transaction()).commit();
    for (const [account, cents] of await readBalances(
      this.options.connection,
      this.options.outputTopic,
      this.options.groupId,
    )) {
      this.balances.set(account, cents);
    }
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.inputTopic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachMessage: ({ topic, partition, message }) => this.handle(topic, partition, message),
    });
  }

  private async handle(topic: string, partition: number, message: KafkaMessage): Promise<void> {
    // delivered again by a rebalance that read the group's offsets before our last commit was settled
    if (Number(message.offset) < (this.readUpTo.get(partition) ?? 0)) return;
    const next = { topic, partitions: [{ partition, offset: String(Number(message.offset) + 1) }] };
    let tx;
    try {
      tx = decodeTransaction(message.value);
    } catch {
      // not a transaction: its transaction commits the offset alone
      tx = undefined;
    }
    const transaction = await this.producer.transaction();
    try {
      let balance: number | undefined;
      if (tx) {
        balance = (this.balances.get(tx.account) ?? 0) + toCents(tx.amount);
        await transaction.send({
          topic: this.options.outputTopic,
          messages: [
            {
              key: String(tx.account),
              value: encodeBalanceUpdate({
                account: tx.account,
                balance_cents: balance,
                amount_cents: toCents(tx.amount),
                transaction_id: tx.transaction_id,
              }),
            },
          ],
        });
      }
      await transaction.sendOffsets({ consumerGroupId: this.options.groupId, topics: [next] });
      await transaction.commit();
      this.readUpTo.set(partition, Number(message.offset) + 1);
      if (tx && balance !== undefined) this.balances.set(tx.account, balance);
      else this.malformedCount += 1;
    } catch (error) {
      if (isFenced(error)) {
        this.haltWith(new FencedError(this.options.transactionalId, error));
      } else {
        await transaction.abort().catch(() => this.haltWith(new UnknownOutcomeError(error)));
      }
      throw error;
    }
  }

  private haltWith(error: ServiceHaltedError): void {
    if (this.halted) return;
    this.halted = error;
    this.options.onHalt?.(error);
    void this.stop().catch(() => undefined);
  }

  private stopping: Promise<void> | undefined;
  stop(): Promise<void> {
    this.stopping ??= this.consumer.disconnect().then(() => this.producer.disconnect());
    return this.stopping;
  }
}
