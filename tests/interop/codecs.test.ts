import { describe, expect, test } from 'vitest';
import { decodeTransaction } from '../../bank/codec.ts';
import { generateTransactions } from '../../bank/generator.ts';
import type { Transaction } from '../../bank/transaction.ts';
import { FastSender } from '../../solutions/07-batching-and-throughput/producer.ts';
import { waitForOutput, type DemoProcess } from '../../workshop/demo-process.ts';
import { KAFKA_CODECS, type KafkaCodecName } from '../../workshop/kafka/codecs.ts';
import { demoRun, type DemoRun } from '../e2e/support/demo-run.ts';
import { CONSOLE_CONSUMER, CONSOLE_PRODUCER, runKafkaTool } from '../e2e/support/kafka-tools.ts';
import { printedTransactions } from '../e2e/support/monitor-output.ts';
import { startKcat } from './support/clients.ts';

/**
 * Every codec Kafka has, both ways: what Java and librdkafka producers compress, the monitor
 * (lesson 03's consumer, in kafkajs) reads; what lesson 07's kafkajs producer compresses, Java
 * and librdkafka read. Without the workshop's codecs a kafkajs consumer stops at the first
 * snappy, lz4 or zstd batch ("Snappy compression not implemented"), and so does every restart.
 */
const CODECS = Object.keys(KAFKA_CODECS) as KafkaCodecName[];
const COUNT = 40;
const CLEAN_EXIT = { code: 0, signal: null };

/** Lines of "key<TAB>value", the way Kafka's console producer and kcat take keyed messages on stdin. */
function keyedLines(transactions: readonly Transaction[]): string {
  return transactions.map((tx) => `${tx.account}\t${JSON.stringify(tx)}\n`).join('');
}

/** Runs the monitor over `topic` until it has printed `count` transactions; returns their ids. */
async function monitorReads(run: DemoRun, topic: string, count: number): Promise<string[]> {
  const monitor: DemoProcess = run.start('monitor', ['--topic', topic, '--group', run.ctx.name('monitor')]);
  await waitForOutput([monitor], () => (printedTransactions(monitor).length >= count ? true : undefined), {
    expected: `the monitor to print ${count} transactions`,
    timeoutMs: 90_000,
  });
  expect(await monitor.interrupt(), monitor.describe()).toEqual(CLEAN_EXIT);
  expect(monitor.matching(/Skipped|not implemented|❌/), monitor.describe()).toEqual([]);
  expect(monitor.matching(new RegExp(`^👋 Processed ${count} transactions\\.`))).toHaveLength(1);
  return printedTransactions(monitor)
    .map((tx) => tx.transactionId)
    .sort();
}

const idsOf = (transactions: readonly Transaction[]) => transactions.map((tx) => tx.transaction_id).sort();

// one at a time: each test starts a JVM or two, and several at once starve a small machine
describe('every codec Kafka has', () => {
  test.for(CODECS)(
    "Kafka's console producer with --compression-codec %s writes N messages, the monitor processes N of N",
    { timeout: 240_000 },
    async (codec, { onTestFinished }) => {
      const run = demoRun(onTestFinished);
      const topic = await run.ctx.createTopic(`codec-java-${codec}`, 3);
      const sent = generateTransactions(COUNT, { seed: 1200 + CODECS.indexOf(codec) });
      const produced = await runKafkaTool(
        CONSOLE_PRODUCER,
        [
          '--bootstrap-server',
          run.ctx.brokers.join(','),
          '--topic',
          topic,
          // the flag, not --producer-property compression.type: the flag's own default would override that
          '--compression-codec',
          codec,
          '--property',
          'parse.key=true',
          '--property',
          'key.separator=\t',
        ],
        { stdin: keyedLines(sent) },
      );
      expect(produced.code, produced.stderr).toBe(0);
      expect(await monitorReads(run, topic, COUNT)).toEqual(idsOf(sent));
    },
  );

  test.for(CODECS)(
    'kcat (librdkafka) with -z %s writes N messages, the monitor processes N of N',
    { timeout: 240_000 },
    async (codec, { onTestFinished }) => {
      const run = demoRun(onTestFinished);
      const topic = await run.ctx.createTopic(`codec-kcat-${codec}`, 3);
      const sent = generateTransactions(COUNT, { seed: 1300 + CODECS.indexOf(codec) });
      const kcat = startKcat(
        ['-b', run.ctx.brokers.join(','), '-P', '-t', topic, '-z', codec, '-K', '\t', '-X', 'acks=all'],
        keyedLines(sent),
      );
      expect(await kcat.waitForExit(60_000), kcat.describe()).toEqual(CLEAN_EXIT);
      expect(await monitorReads(run, topic, COUNT)).toEqual(idsOf(sent));
    },
  );

  test.for(CODECS)(
    "lesson 07's FastSender compresses with %s; Kafka's console consumer and kcat read every message",
    { timeout: 240_000 },
    async (codec, { onTestFinished }) => {
      const { ctx } = demoRun(onTestFinished);
      const topic = await ctx.createTopic(`codec-fast-${codec}`, 3);
      const sent = generateTransactions(COUNT, { seed: 1400 + CODECS.indexOf(codec) });
      const sender = new FastSender(ctx.connection('fast-sender'), topic, KAFKA_CODECS[codec]);
      await sender.connect();
      try {
        await sender.sendAll(sent.map((tx) => ({ key: String(tx.account), value: JSON.stringify(tx) })));
      } finally {
        await sender.close();
      }

      const java = await runKafkaTool(CONSOLE_CONSUMER, [
        '--bootstrap-server',
        ctx.brokers.join(','),
        '--topic',
        topic,
        '--from-beginning',
        '--max-messages',
        String(COUNT),
        '--timeout-ms',
        '60000',
      ]);
      expect(java.code, java.stderr.slice(-600)).toBe(0);
      const javaRead = java.stdout.split('\n').filter((line) => line !== '');
      expect(javaRead.map((value) => decodeTransaction(value).transaction_id).sort()).toEqual(idsOf(sent));

      const kcat = startKcat(['-b', ctx.brokers.join(','), '-C', '-t', topic, '-e', '-q', '-f', '%s\n']);
      expect(await kcat.waitForExit(60_000), kcat.describe()).toEqual(CLEAN_EXIT);
      expect(kcat.lines.map(({ text }) => decodeTransaction(text).transaction_id).sort()).toEqual(idsOf(sent));
    },
  );
});
