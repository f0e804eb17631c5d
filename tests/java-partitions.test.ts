import fs from 'node:fs';
import { Partitioners } from 'kafkajs';
import { describe, expect, test } from 'vitest';
import {
  computeJavaPartitionTable,
  JAVA_PARTITIONS_TABLE,
  javaPartition,
  javaPartitionCounts,
  kafkajsPartition,
} from '../checks/support/java-partitions.ts';
import { cachedJarsDir } from '../workshop/broker/jars.ts';
import { installedJavaMajorVersion } from '../workshop/broker/java.ts';

describe('the Java partition table that lesson 02 checks against', () => {
  const jarsDir = cachedJarsDir();
  const canRunJava = jarsDir !== undefined && (installedJavaMajorVersion() ?? 0) >= 11;

  test.runIf(canRunJava)(
    'is what the official Java client computes today',
    () => {
      const committed = JSON.parse(fs.readFileSync(JAVA_PARTITIONS_TABLE, 'utf8')) as unknown;
      expect(computeJavaPartitionTable(jarsDir!)).toEqual(committed);
    },
    60_000,
  );

  test("agrees with kafkajs's DefaultPartitioner for every account and partition count", () => {
    const disagreements: string[] = [];
    for (const numPartitions of javaPartitionCounts()) {
      for (let account = 1000; account <= 5000; account++) {
        const key = String(account);
        if (kafkajsPartition(Partitioners.DefaultPartitioner, key, numPartitions) !== javaPartition(key, numPartitions))
          disagreements.push(`${key}/${numPartitions}`);
      }
    }
    expect(javaPartitionCounts()).toContain(3);
    expect(disagreements).toEqual([]);
  });

  test("tells kafkajs's LegacyPartitioner apart, so the lesson 02 check can", () => {
    const differing = Array.from({ length: 50 }, (_, i) => String(1000 + i)).filter(
      (key) => kafkajsPartition(Partitioners.LegacyPartitioner, key, 3) !== javaPartition(key, 3),
    );
    expect(differing.length).toBeGreaterThan(10);
  });

  test('refuses keys it does not cover instead of guessing', () => {
    expect(() => javaPartition('TXN-1', 3)).toThrow(/no entry for key "TXN-1"/);
    expect(() => javaPartition('1000', 7)).toThrow(/on 7 partitions/);
  });
});
