import { Partitioners, type Admin } from 'kafkajs';
import { expect } from 'vitest';
import { generateTransactions } from '../bank/generator.ts';
import type { Transaction } from '../bank/transaction.ts';
import type * as Keys from '../solutions/02-keys-and-partitions/keys.ts';
import type * as Topic from '../solutions/02-keys-and-partitions/topic.ts';
import type { CheckContext, ReadMessage } from './support/context.ts';
import { javaPartition, javaPartitionCounts, kafkajsPartition } from './support/java-partitions.ts';
import { defineLesson, registerLesson } from './support/lesson-checks.ts';
import { withoutNewTopicRace } from '../workshop/kafka/new-topic-race.ts';
import { sendMessages } from './support/produce.ts';

type Lesson02 = typeof Keys & typeof Topic;

const PARTITIONS = 3;

/** 40 transactions from 8 accounts: several per account, so order and placement show. */
const sample = () => generateTransactions(40, { seed: 202, accounts: 8 });

/** The learner's ensureTopic() on a topic that does not exist yet, past kafkajs's new-topic race (see new-topic-race.ts). */
async function ensureFreshTopic(
  lesson: Lesson02,
  ctx: CheckContext,
  admin: Admin,
  label: string,
  numPartitions?: number,
) {
  const topic = ctx.ownTopic(ctx.name(label));
  return { topic, created: await lesson.ensureTopic(withoutNewTopicRace(admin), topic, numPartitions) };
}

async function partitionCount(ctx: CheckContext, topic: string): Promise<number> {
  const { topics } = await (await ctx.admin()).fetchTopicMetadata({ topics: [topic] });
  return topics[0]?.partitions.length ?? 0;
}

/**
 * Sends the learner's messages with a producer of the check's own (kafkajs's default, Java-
 * compatible partitioner) and reads them back: where each one landed is the learner's key at work.
 */
async function sendAndReadBack(lesson: Lesson02, ctx: CheckContext, transactions: Transaction[]) {
  const messages = transactions.map((tx) => lesson.toMessage(tx));
  const topic = await ctx.createTopic('transactions', PARTITIONS);
  await sendMessages(ctx, topic, messages);
  const landed = await ctx.readAll(topic);
  const byId = new Map(landed.map((m) => [transactionId(m), m]));
  return transactions.map((tx) => {
    const message = byId.get(tx.transaction_id);
    if (!message)
      throw new Error(
        `${tx.transaction_id} never reached the topic: toMessage() should put the transaction, as JSON, in value`,
      );
    return { tx, message };
  });
}

function transactionId(message: ReadMessage): string | undefined {
  try {
    return (JSON.parse(message.value?.toString('utf8') ?? 'null') as Partial<Transaction> | null)?.transaction_id;
  } catch {
    return undefined;
  }
}

/** Each account's sent transactions with the partition each one landed in, in the order they were sent. */
function byAccount(landed: Array<{ tx: Transaction; message: ReadMessage }>) {
  const accounts = new Map<number, Array<{ tx: Transaction; message: ReadMessage }>>();
  for (const entry of landed) accounts.set(entry.tx.account, [...(accounts.get(entry.tx.account) ?? []), entry]);
  return accounts;
}

const describeKey = (key: string | null) => (key === null ? 'no key' : `the key "${key}"`);

export const lesson02 = defineLesson<Lesson02>({
  id: 'lesson-02',
  checks: [
    {
      name: 'ensureTopic() creates the topic with 3 partitions and says it did',
      step: 1,
      async run(lesson, ctx) {
        const admin = await ctx.admin();
        const { topic, created } = await ensureFreshTopic(lesson, ctx, admin, 'transactions');
        expect(created, 'ensureTopic() created the topic, so it should return true').toBe(true);
        const partitions = await partitionCount(ctx, topic);
        expect(
          partitions,
          partitions === 0
            ? `ensureTopic() returned, but there is no topic ${topic}: await admin.createTopics(...)`
            : `the topic has ${partitions} partition(s): without numPartitions the broker's default is 1. Pass numPartitions (3 unless the caller says otherwise) to createTopics`,
        ).toBe(PARTITIONS);
        const { topic: five } = await ensureFreshTopic(lesson, ctx, admin, 'five-partitions', 5);
        expect(
          await partitionCount(ctx, five),
          'ensureTopic(admin, topic, 5) should create 5 partitions: use the numPartitions argument, 3 is only its default',
        ).toBe(5);
      },
    },
    {
      name: 'ensureTopic() can run twice: the topic and its messages stay, and it returns false',
      step: 1,
      async run(lesson, ctx) {
        const admin = await ctx.admin();
        const { topic } = await ensureFreshTopic(lesson, ctx, admin, 'transactions');
        await sendMessages(ctx, topic, [{ key: '1234', value: JSON.stringify(sample()[0]) }]);
        let again: boolean;
        try {
          again = await lesson.ensureTopic(withoutNewTopicRace(admin), topic);
        } catch (error) {
          throw new Error(
            `the second ensureTopic() threw "${(error as Error).message}": when the topic exists, there is nothing to do. createTopics resolves to false in that case, it does not throw`,
            { cause: error },
          );
        }
        expect(
          again,
          'the topic already existed, so the second ensureTopic() should return false: return what admin.createTopics resolves to',
        ).toBe(false);
        const ends = await ctx.endOffsets(topic);
        expect(ends.size, 'running ensureTopic() twice changed the number of partitions').toBe(PARTITIONS);
        expect(
          [...ends.values()].reduce((a, b) => a + b, 0),
          'the message sent between the two runs is gone: ensureTopic() must never delete or recreate a topic',
        ).toBe(1);
      },
    },
    {
      name: 'keyFor() and toMessage() key each transaction by its account and carry it as JSON',
      step: 2,
      async run(lesson, ctx) {
        const transactions = sample().slice(0, 10);
        // the simulator keys its sends with keyFor() directly, so it must stand on its own
        for (const tx of transactions) {
          const key = lesson.keyFor(tx);
          expect(
            key,
            `keyFor(${tx.transaction_id}) returned ${JSON.stringify(key)}: it should be the account number as a string, "${tx.account}"`,
          ).toBe(String(tx.account));
        }
        for (const { tx, message } of await sendAndReadBack(lesson, ctx, transactions)) {
          expect(
            message.key,
            `${tx.transaction_id} arrived with ${describeKey(message.key)}: its key should be its account number, "${tx.account}" (keyFor)`,
          ).toBe(String(tx.account));
          expect(
            JSON.parse(message.value!.toString('utf8')),
            `${tx.transaction_id}'s value differs from the transaction: use JSON.stringify(tx)`,
          ).toEqual(tx);
        }
      },
    },
    {
      name: "all of an account's transactions land in one partition: the one the Java client picks",
      step: 2,
      async run(lesson, ctx) {
        const landed = await sendAndReadBack(lesson, ctx, sample());
        for (const [account, entries] of byAccount(landed)) {
          const partitions = [...new Set(entries.map((e) => e.message.partition))].sort();
          const keys = [...new Set(entries.map((e) => e.message.key))];
          expect(
            partitions.length,
            `account ${account}'s ${entries.length} transactions landed in partitions ${partitions.join(', ')}, sent with ${keys.map(describeKey).join(', ')}. Only the same key lands in the same partition: key every message by its account`,
          ).toBe(1);
          const java = javaPartition(String(account), PARTITIONS);
          expect(
            partitions[0],
            `account ${account} landed in partition ${partitions[0]}, but the Java client sends key "${account}" to partition ${java}: the key should be String(account), nothing more`,
          ).toBe(java);
        }
      },
    },
    {
      name: "each account's transactions are read back in the order they were sent",
      step: 2,
      async run(lesson, ctx) {
        const landed = await sendAndReadBack(lesson, ctx, sample());
        for (const [account, entries] of byAccount(landed)) {
          const partitions = new Set(entries.map((e) => e.message.partition));
          expect(
            partitions.size,
            `account ${account}'s transactions are spread over partitions ${[...partitions].sort().join(', ')}. Kafka keeps order only within one partition, so a reader may see a later transaction first: key every message by its account`,
          ).toBe(1);
          const sent = entries.map((e) => e.tx.transaction_id);
          const read = [...entries]
            .sort((a, b) => Number(a.message.offset) - Number(b.message.offset))
            .map((e) => e.tx.transaction_id);
          expect(read, `account ${account}'s transactions come back in another order than they were sent`).toEqual(
            sent,
          );
        }
      },
    },
    {
      name: 'the accounts spread over several partitions',
      step: 2,
      async run(lesson, ctx) {
        const landed = await sendAndReadBack(lesson, ctx, sample());
        const used = [...new Set(landed.map((e) => e.message.partition))].sort();
        const expected = [...new Set(landed.map((e) => javaPartition(String(e.tx.account), PARTITIONS)))].sort();
        const keys = [...new Set(landed.map((e) => e.message.key))];
        expect(
          used,
          `all 40 transactions of 8 accounts landed in partition ${used.join(', ')}, with ${keys.length === 1 ? describeKey(keys[0]!) : `${keys.length} different keys`}. One key value means one partition, and the other consumers of the group sit idle: the key must vary with the account`,
        ).toEqual(expected);
      },
    },
    {
      name: 'partitionFor() predicts the partition, as the Java client would',
      step: 4,
      async run(lesson, ctx) {
        const accounts = [...new Set(sample().map((tx) => tx.account))];
        const predicted = new Map(
          accounts.map((account) => [account, lesson.partitionFor(String(account), PARTITIONS)]),
        );
        const wrong: string[] = [];
        let legacy = 0;
        for (const numPartitions of javaPartitionCounts()) {
          for (let account = 1000; account <= 5000; account += 37) {
            const key = String(account);
            const said = lesson.partitionFor(key, numPartitions);
            const java = javaPartition(key, numPartitions);
            if (said === java) continue;
            if (said === kafkajsPartition(Partitioners.LegacyPartitioner, key, numPartitions)) legacy++;
            wrong.push(`partitionFor("${key}", ${numPartitions}) is ${said}, Java says ${java}`);
          }
        }
        const why =
          legacy === wrong.length
            ? "these are the LegacyPartitioner's answers, which are not Java-compatible: use Partitioners.DefaultPartitioner()"
            : 'Kafka hashes the key with murmur2 and takes it modulo numPartitions: let Partitioners.DefaultPartitioner() do it';
        expect(
          wrong,
          `${wrong.length} of the predictions differ from the Java client's, for example ${wrong.slice(0, 2).join('; ')}: ${why}`,
        ).toEqual([]);
        const topic = await ctx.createTopic('transactions', PARTITIONS);
        await sendMessages(
          ctx,
          topic,
          accounts.map((account) => ({ key: String(account), value: `{"account":${account}}` })),
        );
        for (const message of await ctx.readAll(topic)) {
          const said = predicted.get(Number(message.key));
          expect(
            said,
            `partitionFor("${message.key}", ${PARTITIONS}) said ${said}, but Kafka stored that key in partition ${message.partition}`,
          ).toBe(message.partition);
        }
      },
    },
  ],
  wrongAnswers: [
    {
      fixture: 'one-partition-topic',
      rejectedBy: 'ensureTopic() creates the topic with 3 partitions and says it did',
      teaches: /1 partition\(s\).*Pass numPartitions/,
    },
    {
      fixture: 'ignores-created-flag',
      rejectedBy: 'ensureTopic() can run twice: the topic and its messages stay, and it returns false',
      teaches: /should return false: return what admin\.createTopics resolves to/,
    },
    {
      fixture: 'keyed-by-transaction-id',
      rejectedBy: 'keyFor() and toMessage() key each transaction by its account and carry it as JSON',
      teaches: /keyFor\(TXN-\d+\) returned "TXN-\d+": it should be the account number/,
    },
    {
      fixture: 'no-key',
      rejectedBy: 'keyFor() and toMessage() key each transaction by its account and carry it as JSON',
      teaches: /arrived with no key: its key should be its account number/,
    },
    {
      fixture: 'no-key',
      rejectedBy: "all of an account's transactions land in one partition: the one the Java client picks",
      teaches: /landed in partitions .*sent with no key.*key every message by its account/,
    },
    {
      fixture: 'no-key',
      rejectedBy: "each account's transactions are read back in the order they were sent",
      teaches: /order only within one partition/,
    },
    {
      fixture: 'constant-key',
      rejectedBy: 'the accounts spread over several partitions',
      teaches: /landed in partition \d, with the key "account"\. One key value means one partition/,
    },
    {
      fixture: 'legacy-partitioner',
      rejectedBy: 'partitionFor() predicts the partition, as the Java client would',
      teaches: /LegacyPartitioner's answers.*DefaultPartitioner/,
    },
    {
      fixture: 'account-modulo',
      rejectedBy: 'partitionFor() predicts the partition, as the Java client would',
      teaches: /murmur2/,
    },
  ],
  correctVariants: ['own-murmur2', 'arrow-functions'],
});

registerLesson(lesson02);
