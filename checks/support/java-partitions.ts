import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ICustomPartitioner, PartitionMetadata } from 'kafkajs';
import { javaCommand } from '../../workshop/broker/java.ts';
import { PROJECT_ROOT } from '../../workshop/paths.ts';

/**
 * Which partition the official Java producer picks for each account key. The table was made
 * once by running the real Java client (java/JavaPartitions.java) and is kept as test data, so
 * checks compare the learner's keys with Java's choice without starting a JVM.
 * tests/java-partitions.test.ts recomputes it with java whenever java and the Kafka jars are there.
 */
export interface JavaPartitionTable {
  about: string;
  firstKey: number;
  lastKey: number;
  /** Partition count → one base-36 digit per key, from firstKey to lastKey. */
  partitions: Record<string, string>;
}

export const JAVA_PARTITIONS_SOURCE = path.join(PROJECT_ROOT, 'checks', 'support', 'java', 'JavaPartitions.java');
export const JAVA_PARTITIONS_TABLE = path.join(PROJECT_ROOT, 'checks', 'support', 'java', 'partitions.json');
const TABLE_ARGS = ['1000', '5000', '2,3,4,5,6,8'];

let table: JavaPartitionTable | undefined;

function loadTable(): JavaPartitionTable {
  table ??= JSON.parse(fs.readFileSync(JAVA_PARTITIONS_TABLE, 'utf8')) as JavaPartitionTable;
  return table;
}

/** The partition counts the table covers. */
export function javaPartitionCounts(): number[] {
  return Object.keys(loadTable().partitions).map(Number);
}

/** The partition the Java client's producer sends `key` to, on a topic of `numPartitions`. */
export function javaPartition(key: string, numPartitions: number): number {
  const { firstKey, lastKey, partitions } = loadTable();
  const digits = partitions[String(numPartitions)];
  const index = Number(key) - firstKey;
  if (digits === undefined || !/^\d+$/.test(key) || index < 0 || Number(key) > lastKey) {
    throw new Error(`the Java partition table has no entry for key "${key}" on ${numPartitions} partitions`);
  }
  return parseInt(digits[index]!, 36);
}

/** Runs JavaPartitions.java against the Kafka jars and returns the table it prints. */
export function computeJavaPartitionTable(jarsDir: string): JavaPartitionTable {
  const classpath = path.join(jarsDir, '*');
  const result = spawnSync(javaCommand(), ['-cp', classpath, JAVA_PARTITIONS_SOURCE, ...TABLE_ARGS], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.error || result.status !== 0) {
    throw new Error(`java ${path.basename(JAVA_PARTITIONS_SOURCE)} failed: ${result.error?.message ?? result.stderr}`);
  }
  return JSON.parse(result.stdout) as JavaPartitionTable;
}

/** What a kafkajs partitioner (Default or Legacy) picks for `key`, asked the way kafkajs's producer asks. */
export function kafkajsPartition(createPartitioner: ICustomPartitioner, key: string, numPartitions: number): number {
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: numPartitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  return createPartitioner()({ topic: 'any', partitionMetadata, message: { key, value: null } });
}
