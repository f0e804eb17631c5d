import { describe, expect, test } from 'vitest';
import { decodeTransaction } from '../../bank/codec.ts';
import { generateTransactions } from '../../bank/generator.ts';
import { TransactionProducer } from '../../solutions/01-producer-basics/producer.ts';
import { partitionFor } from '../../solutions/02-keys-and-partitions/keys.ts';
import { demoRun } from '../e2e/support/demo-run.ts';
import { CONSOLE_CONSUMER, CONSOLE_PRODUCER, runKafkaTool } from '../e2e/support/kafka-tools.ts';

/**
 * Interop with a Kafka client nobody here wrote: Apache Kafka's own console consumer and
 * console producer. What the demo writes must be plain keyed JSON any client can read, and a
 * key must pick the same partition in Java as in kafkajs, or per-account order breaks the
 * moment a second language joins the stream.
 */

describe.concurrent("interop with Kafka's own console clients", () => {
  test(
    'the console consumer reads what the simulator wrote: valid JSON, keyed by account',
    { timeout: 90_000 },
    async ({ onTestFinished }) => {
      const { ctx, topicName, start } = demoRun(onTestFinished);
      const topic = topicName('interop-simulator');
      const [count, seed] = [20, 505];
      const simulator = start('simulator', ['--topic', topic, '--count', count, '--rate', 500, '--seed', seed]);
      expect(await simulator.waitForExit(), simulator.describe()).toEqual({ code: 0, signal: null });

      const run = await runKafkaTool(CONSOLE_CONSUMER, [
        '--bootstrap-server',
        ctx.brokers.join(','),
        '--topic',
        topic,
        '--from-beginning',
        '--max-messages',
        String(count),
        '--timeout-ms',
        '30000',
        '--property',
        'print.key=true',
        '--property',
        'key.separator=\t',
      ]);
      expect(run.code, run.stderr).toBe(0);

      const read = run.stdout
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => {
          const [key, value] = line.split('\t');
          return { key, tx: decodeTransaction(value) };
        });
      expect(read).toHaveLength(count);
      for (const { key, tx } of read) expect(key).toBe(String(tx.account));
      const sent = generateTransactions(count, { seed });
      expect(read.map(({ tx }) => tx.transaction_id).sort()).toEqual(sent.map((tx) => tx.transaction_id).sort());
    },
  );

  test(
    'a key the console producer sends lands in the partition our producer picks for it',
    { timeout: 90_000 },
    async ({ onTestFinished }) => {
      const { ctx } = demoRun(onTestFinished);
      const topic = await ctx.createTopic('interop-keys', 3);
      const transactions = generateTransactions(12, { seed: 606 });
      const keys = [...new Set(transactions.map((tx) => String(tx.account)))];

      const ours = new TransactionProducer(ctx.connection('producer'), topic);
      await ours.connect();
      const ourPartition = new Map<string, number>();
      try {
        for (const tx of transactions)
          ourPartition.set(String(tx.account), (await ours.send(tx, String(tx.account))).partition);
      } finally {
        await ours.close();
      }
      // the partitions must differ between keys, or the comparison below proves nothing
      expect(new Set(ourPartition.values()).size).toBe(3);

      const run = await runKafkaTool(
        CONSOLE_PRODUCER,
        [
          '--bootstrap-server',
          ctx.brokers.join(','),
          '--topic',
          topic,
          '--property',
          'parse.key=true',
          '--property',
          'key.separator=\t',
        ],
        { stdin: transactions.map((tx) => `${tx.account}\t${JSON.stringify(tx)}\n`).join('') },
      );
      expect(run.code, run.stderr).toBe(0);

      const landed = await ctx.readAll(topic);
      expect(landed).toHaveLength(transactions.length * 2);
      for (const key of keys) {
        const partitions = new Set(landed.filter((m) => m.key === key).map((m) => m.partition));
        expect(
          [...partitions],
          `key ${key}: Java put it in partition(s) ${[...partitions].join(', ')}, kafkajs in ${ourPartition.get(key)}`,
        ).toEqual([ourPartition.get(key)]);
        // and lesson 02's partitionFor predicts it
        expect(partitionFor(key, 3)).toBe(ourPartition.get(key));
      }
    },
  );
});
