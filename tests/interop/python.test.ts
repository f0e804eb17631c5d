import { describe, expect, test } from 'vitest';
import { decodeTransaction, encodeTransaction } from '../../bank/codec.ts';
import { generateTransactions } from '../../bank/generator.ts';
import { statisticsOf } from '../../bank/statistics.ts';
import { waitForOutput } from '../../workshop/demo-process.ts';
import { demoRun } from '../e2e/support/demo-run.ts';
import { expectedFinalBlock, finalStatisticsBlock, printedTransactions } from '../e2e/support/monitor-output.ts';
import { startSeedPython } from './support/clients.ts';

/**
 * The seed course is in Python. Its programs, written as its README describes them and run with
 * Debian's python3-kafka (tests/interop/support/python/), meet the TypeScript demo on one topic:
 * the seed's consumer reads what the simulator writes with json.loads and
 * datetime.fromisoformat and prints the same statistics as the monitor; what the seed's
 * simulator writes, the monitor processes.
 */
const CLEAN_EXIT = { code: 0, signal: null };

describe.concurrent("the seed's Python programs and the TypeScript demo", () => {
  test("the seed's Python consumer reads the simulator's topic and prints the monitor's statistics block", async ({
    onTestFinished,
  }) => {
    const run = demoRun(onTestFinished);
    const topic = run.topicName('seed-python-consumer');
    // seed 3000's transactions include a whole amount (317), which JSON.stringify writes as 317 and Python as 317.0
    const [count, seed] = [50, 3000];
    const sent = generateTransactions(count, { seed });
    expect(sent.some((tx) => encodeTransaction(tx).includes(`"amount":${Math.round(tx.amount)},`))).toBe(true);
    const simulator = run.start('simulator', ['--topic', topic, '--count', count, '--rate', 500, '--seed', seed]);
    expect(await simulator.waitForExit(60_000), simulator.describe()).toEqual(CLEAN_EXIT);

    const monitor = run.start('monitor', ['--topic', topic, '--group', run.ctx.name('monitor')]);
    const python = startSeedPython('seed_consumer', [
      '--brokers',
      run.ctx.brokers.join(','),
      '--topic',
      topic,
      '--group',
      run.ctx.name('seed-python'),
      '--max-messages',
      String(count),
    ]);
    onTestFinished(() => python.kill());
    expect(await python.waitForExit(90_000), python.describe()).toEqual(CLEAN_EXIT);
    await waitForOutput([monitor], () => (printedTransactions(monitor).length >= count ? true : undefined), {
      expected: `the monitor to print ${count} transactions`,
      timeoutMs: 60_000,
    });
    expect(await monitor.interrupt(), monitor.describe()).toEqual(CLEAN_EXIT);

    // the final blocks, line for line (the real-time ones differ: each reads the partitions in its own interleaving)
    expect(finalStatisticsBlock(python)).toEqual(expectedFinalBlock(statisticsOf(sent)));
    expect(finalStatisticsBlock(python)).toEqual(finalStatisticsBlock(monitor));
    // and each transaction once, in the seed's line format
    expect(
      printedTransactions(python)
        .map((tx) => tx.transactionId)
        .sort(),
    ).toEqual(sent.map((tx) => tx.transaction_id).sort());
  });

  test("what the seed's Python simulator writes, the monitor processes: N of N, same statistics", async ({
    onTestFinished,
  }) => {
    const run = demoRun(onTestFinished);
    const topic = await run.ctx.createTopic('seed-python-producer', 3);
    const count = 40;
    const producer = startSeedPython('seed_producer', [
      '--brokers',
      run.ctx.brokers.join(','),
      '--topic',
      topic,
      '--count',
      String(count),
      '--seed',
      '7',
    ]);
    onTestFinished(() => producer.kill());
    expect(await producer.waitForExit(90_000), producer.describe()).toEqual(CLEAN_EXIT);
    // Python's JSON: amounts always with a decimal point, naive timestamps with microseconds
    const sent = producer.lines.map(({ text }) => decodeTransaction(text));
    expect(sent).toHaveLength(count);
    expect(producer.lines[0]!.text).toMatch(/"timestamp": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}"/);

    const monitor = run.start('monitor', ['--topic', topic, '--group', run.ctx.name('monitor')]);
    await waitForOutput([monitor], () => (printedTransactions(monitor).length >= count ? true : undefined), {
      expected: `the monitor to print ${count} transactions`,
      timeoutMs: 60_000,
    });
    expect(await monitor.interrupt(), monitor.describe()).toEqual(CLEAN_EXIT);
    expect(monitor.matching(/Skipped/)).toEqual([]);
    expect(
      printedTransactions(monitor)
        .map((tx) => tx.transactionId)
        .sort(),
    ).toEqual(sent.map((tx) => tx.transaction_id).sort());
    expect(finalStatisticsBlock(monitor)).toEqual(expectedFinalBlock(statisticsOf(sent)));
  });
});
