import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { CompressionTypes, Kafka } from 'kafkajs';
import { encodeTransaction } from '../../bank/codec.ts';
import { generateTransactions } from '../../bank/generator.ts';
import { FastSender } from '../../solutions/07-batching-and-throughput/producer.ts';
import { ensureKafkaJars } from '../broker/jars.ts';
import { installedJavaMajorVersion, javaCommand } from '../broker/java.ts';
import { kafkaConfig } from '../config.ts';
import { KAFKA_CODECS } from '../kafka/codecs.ts';
import { median } from './measure.ts';
import { deleteTopicsQuietly } from '../platform/topic-deletion.ts';

/** One line of the codec table. */
export interface CodecRow {
  codec: string;
  messagesPerSecond: number;
  /** What the broker stored for the run's messages, all partitions together; NaN when it could not be asked. */
  bytesOnDisk: number;
}

const PARTITIONS = 3;
const LOG_DIRS_TOOL = 'org.apache.kafka.tools.LogDirsCommand';
const CODECS: Record<string, CompressionTypes> = { none: CompressionTypes.None, ...KAFKA_CODECS };

/**
 * Lesson 07's FastSender with each of Kafka's codecs, on the workshop's own messages (JSON
 * transactions keyed by account, as the simulator sends them): messages per second, the
 * median of `runs`, each on a fresh topic, and the bytes the broker stored, as Kafka's own
 * kafka-log-dirs tool reports them (the kafkajs admin has no call for it).
 */
export async function measureCodecs(
  brokers: string[],
  options: { messages?: number; runs?: number; log?: (line: string) => void } = {},
): Promise<CodecRow[]> {
  const messages = options.messages ?? 100_000;
  const runs = options.runs ?? 3;
  const log = options.log ?? (() => undefined);
  const payload = generateTransactions(messages, { seed: 707 }).map((tx) => ({
    key: String(tx.account),
    value: encodeTransaction(tx),
  }));
  const admin = new Kafka(kafkaConfig('bench-codecs-admin', brokers)).admin();
  await admin.connect();
  const topics: string[] = [];
  try {
    const rows: CodecRow[] = [];
    for (const [codec, type] of Object.entries(CODECS)) {
      const rates: number[] = [];
      let topic = '';
      for (let run = 1; run <= runs; run++) {
        log(`codec ${codec}, run ${run}/${runs}…`);
        topic = `bench-codec-${codec}-${randomBytes(4).toString('hex')}`;
        topics.push(topic);
        await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
        const sender = new FastSender(kafkaConfig(`bench-codec-${codec}`, brokers), topic, type);
        try {
          const started = performance.now();
          await sender.connect();
          await sender.sendAll(payload);
          rates.push((messages / (performance.now() - started)) * 1000);
        } finally {
          await sender.close();
        }
      }
      rows.push({ codec, messagesPerSecond: median(rates), bytesOnDisk: await bytesOnDisk(brokers, topic, log) });
    }
    return rows;
  } finally {
    await deleteTopicsQuietly(admin, topics);
    await admin.disconnect();
  }
}

/** The size of `topic`'s logs on the brokers, from Kafka's kafka-log-dirs tool; NaN without Java 17+. */
async function bytesOnDisk(brokers: string[], topic: string, log: (line: string) => void): Promise<number> {
  const java = installedJavaMajorVersion();
  if (java === undefined || java < 17) return NaN;
  const jars = await ensureKafkaJars(log);
  const { stdout } = await promisify(execFile)(javaCommand(), [
    '-cp',
    path.join(jars, '*'),
    LOG_DIRS_TOOL,
    '--bootstrap-server',
    brokers.join(','),
    '--describe',
    '--topic-list',
    topic,
  ]);
  return parseLogDirs(stdout);
}

/** Sums the partition sizes in kafka-log-dirs' JSON line: {"brokers":[{"logDirs":[{"partitions":[{"size":…}]}]}]}. */
export function parseLogDirs(output: string): number {
  const json = output.split('\n').find((line) => line.startsWith('{'));
  if (!json) throw new Error(`kafka-log-dirs printed no JSON: ${output.slice(-300)}`);
  const report = JSON.parse(json) as {
    brokers: Array<{ logDirs: Array<{ partitions: Array<{ size: number }> }> }>;
  };
  return report.brokers
    .flatMap((broker) => broker.logDirs)
    .flatMap((dir) => dir.partitions)
    .reduce((total, partition) => total + partition.size, 0);
}

/** A markdown table: per codec, messages per second and bytes on disk, each next to no compression's. */
export function formatCodecTable(rows: readonly CodecRow[]): string {
  const none = rows.find((row) => row.codec === 'none');
  const number = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
  const share = (n: number, of: number | undefined) =>
    Number.isFinite(n) && of && Number.isFinite(of) ? `${Math.round((n / of) * 100)}%` : '–';
  return [
    '| codec | messages/s | vs none | bytes on disk | vs none |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (row) =>
        `| ${row.codec} | ${number(row.messagesPerSecond)} | ${share(row.messagesPerSecond, none?.messagesPerSecond)} | ${number(row.bytesOnDisk)} | ${share(row.bytesOnDisk, none?.bytesOnDisk)} |`,
    ),
  ].join('\n');
}
