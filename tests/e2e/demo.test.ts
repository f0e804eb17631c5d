import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { decodeTransaction } from '../../bank/codec.ts';
import { generateTransactions } from '../../bank/generator.ts';
import { statisticsOf } from '../../bank/statistics.ts';
import { partitionFor } from '../../solutions/02-keys-and-partitions/keys.ts';
import { isSuspicious } from '../../solutions/04-multi-group-pubsub/fraud.ts';
import { DemoProcess, waitForOutput, type Exit } from '../../workshop/demo-process.ts';
import {
  expectedFinalBlock,
  finalStatisticsBlock,
  latestAssignment,
  printedTransactions,
} from './support/monitor-output.ts';
import { demoRun } from './support/demo-run.ts';
import { freePort } from '../../workshop/broker/ports.ts';
import { PROJECT_ROOT } from '../../workshop/paths.ts';

/**
 * The live demo end to end: the real programs, as child processes, against the live broker,
 * running the reference code (--solution). These are the seed's three scenarios, plus the
 * stop-and-resume a learner does with Ctrl+C.
 */
const CLEAN_EXIT = { code: 0, signal: null };

/** Exit code 0 after a clean stop; on failure, the message shows what the program printed. */
async function exitsCleanly(exit: Promise<Exit>, child: DemoProcess): Promise<void> {
  expect(await exit, child.describe()).toEqual(CLEAN_EXIT);
}

const ids = (child: DemoProcess) => printedTransactions(child).map((tx) => tx.transactionId);
const sorted = (values: Iterable<string>) => [...values].sort();

describe.concurrent('the live demo, end to end', () => {
  test('scenario 1: the simulator sends N, one monitor processes all N with exact totals', async ({
    onTestFinished,
  }) => {
    const { ctx, topicName, start } = demoRun(onTestFinished);
    const topic = topicName('one-monitor');
    const [count, seed] = [30, 101];
    const monitor = start('monitor', ['--topic', topic, '--group', ctx.name('monitor')]);
    const simulator = start('simulator', ['--topic', topic, '--count', count, '--rate', 300, '--seed', seed]);

    await exitsCleanly(simulator.waitForExit(), simulator);
    expect(
      simulator.matching(/^✅ Sent \d+ transactions \| Latest: Account \d+ \| \$[+-]\d+\.\d\d \| \w+$/),
    ).toHaveLength(3);
    expect(simulator.matching(new RegExp(`Sent ${count} transactions to ${topic}`))).toHaveLength(1);

    await monitor.waitForLine(new RegExp(`^\\[\\s*${count}\\] Account`));
    await exitsCleanly(monitor.interrupt(), monitor);

    const sent = generateTransactions(count, { seed });
    expect(sorted(ids(monitor))).toEqual(sorted(sent.map((tx) => tx.transaction_id)));
    expect(finalStatisticsBlock(monitor)).toEqual(expectedFinalBlock(statisticsOf(sent)));
    expect(monitor.matching(/^🧩 Partitions assigned: 0, 1, 2$/)).not.toHaveLength(0);
  });

  test('scenario 2: two monitors in one group split the partitions and share the work', async ({ onTestFinished }) => {
    const { ctx, start } = demoRun(onTestFinished);
    const topic = await ctx.createTopic('two-monitors', 3);
    const group = ctx.name('shared-group');
    const [count, seed] = [30, 202];
    const first = start('monitor', ['--topic', topic, '--group', group]);
    const second = start('monitor', ['--topic', topic, '--group', group]);

    const [mine, theirs] = await waitForOutput(
      [first, second],
      () => {
        const [a, b] = [latestAssignment(first), latestAssignment(second)];
        if (!a?.length || !b?.length) return undefined;
        return [...a, ...b].sort().join() === '0,1,2' ? [a, b] : undefined;
      },
      { expected: 'the two monitors to split partitions 0, 1 and 2 between them', timeoutMs: 20_000 },
    );

    const simulator = start('simulator', ['--topic', topic, '--count', count, '--rate', 300, '--seed', seed]);
    await exitsCleanly(simulator.waitForExit(), simulator);
    await waitForOutput([first, second], () => (ids(first).length + ids(second).length >= count ? true : undefined), {
      expected: `the two monitors to print ${count} transactions between them`,
    });
    await exitsCleanly(first.interrupt(), first);
    await exitsCleanly(second.interrupt(), second);

    expect(ids(first).length + ids(second).length).toBe(count);
    expect(sorted([...ids(first), ...ids(second)])).toEqual(
      sorted(generateTransactions(count, { seed }).map((tx) => tx.transaction_id)),
    );
    // each monitor saw exactly the accounts whose key lands in its own partitions
    for (const [monitor, partitions] of [
      [first, mine],
      [second, theirs],
    ] as const) {
      for (const tx of printedTransactions(monitor)) expect(partitions).toContain(partitionFor(String(tx.account), 3));
    }
  });

  test('scenario 3: a monitor group and a fraud-detector group each see all N', async ({ onTestFinished }) => {
    const { ctx, topicName, start } = demoRun(onTestFinished);
    const topic = topicName('two-groups');
    const alertsTopic = topicName('alerts');
    const [count, seed] = [30, 303];
    const monitor = start('monitor', ['--topic', topic, '--group', ctx.name('monitor')]);
    const fraud = start('fraud', ['--topic', topic, '--group', ctx.name('fraud'), '--alerts-topic', alertsTopic]);
    const simulator = start('simulator', ['--topic', topic, '--count', count, '--rate', 300, '--seed', seed]);

    await exitsCleanly(simulator.waitForExit(), simulator);
    await monitor.waitForLine(new RegExp(`^\\[\\s*${count}\\] Account`));
    await fraud.waitForLine(new RegExp(`Checked ${count} transactions`));
    await exitsCleanly(monitor.interrupt(), monitor);
    await exitsCleanly(fraud.interrupt(), fraud);

    const sent = generateTransactions(count, { seed });
    const suspicious = sent.filter((tx) => isSuspicious(tx) !== undefined);
    expect(
      suspicious.length,
      'the seed should give a few suspicious transactions, or the alerts prove nothing',
    ).toBeGreaterThan(0);
    expect(sorted(ids(monitor))).toEqual(sorted(sent.map((tx) => tx.transaction_id)));
    const alerted = fraud.matching(/^🚨 ALERT /).map((line) => /TXN-\d+/.exec(line)![0]);
    expect(sorted(alerted)).toEqual(sorted(suspicious.map((tx) => tx.transaction_id)));
    expect(
      fraud.matching(new RegExp(`Checked ${count} transactions and raised ${suspicious.length} alert`)),
    ).toHaveLength(1);
  });

  test.for(['SIGINT', 'SIGTERM'] as const)(
    '%s stops a monitor half-way, committing exactly what it processed; the restart resumes there: every transaction once',
    // three monitor starts, each a group join: 15 s on a quiet laptop, twice that beside other tests
    { timeout: 60_000 },
    async (signal, { onTestFinished }) => {
      const { ctx, start } = demoRun(onTestFinished);
      const topic = await ctx.createTopic('resume', 3);
      const group = ctx.name('resume-group');
      const [count, seed] = [40, 404];
      const first = start('monitor', ['--topic', topic, '--group', group]);
      await first.waitForLine(/Partitions assigned: 0, 1, 2$/);
      const simulator = start('simulator', ['--topic', topic, '--count', count, '--rate', 40, '--seed', seed]);

      await first.waitForLine(new RegExp(`^\\[\\s*${count / 2}\\] Account`));
      await exitsCleanly(first.interrupt(15_000, signal), first);
      await exitsCleanly(simulator.waitForExit(), simulator);
      expect(ids(first).length, 'the first run should have stopped before the end').toBeLessThan(count);

      // what the first run processed, as positions on the topic, against what its group committed
      const position = new Map((await ctx.readAll(topic)).map((m) => [decodeTransaction(m.value).transaction_id, m]));
      const processedUpTo = new Map<number, number>();
      for (const id of ids(first)) {
        const { partition, offset } = position.get(id)!;
        processedUpTo.set(partition, Math.max(processedUpTo.get(partition) ?? 0, Number(offset) + 1));
      }
      const committed = await ctx.committedOffsets(group, topic);
      for (let partition = 0; partition < 3; partition++) {
        expect(
          Math.max(committed.get(partition) ?? 0, 0),
          `partition ${partition}: the commit should be one past the last message processed`,
        ).toBe(processedUpTo.get(partition) ?? 0);
      }

      const second = start('monitor', ['--topic', topic, '--group', group]);
      await waitForOutput([second], () => (new Set([...ids(first), ...ids(second)]).size >= count ? true : undefined), {
        expected: `the restarted monitor to print the rest of the ${count} transactions`,
      });
      await exitsCleanly(second.interrupt(), second);

      expect(ids(first).length + ids(second).length).toBe(count);
      expect(sorted([...ids(first), ...ids(second)])).toEqual(
        sorted(generateTransactions(count, { seed }).map((tx) => tx.transaction_id)),
      );
      expect(second.matching(/Consumer lag: /).at(-1)).toMatch(/Consumer lag: 0 messages behind/);
      const sum = (offsets: Iterable<number>) => [...offsets].reduce((total, n) => total + Math.max(n, 0), 0);
      console.log(
        `[measured] ${signal} to a monitor: processed ${ids(first).length} of ${count}, committed ${sum(committed.values())} (per partition ${[0, 1, 2].map((p) => `${committed.get(p) ?? 0}/${processedUpTo.get(p) ?? 0}`).join(', ')}); the restart processed the other ${ids(second).length}, ${ids(first).length + ids(second).length - count} twice`,
      );
    },
  );
});

describe.concurrent('Ctrl+C', () => {
  test('stops the simulator cleanly: sends in flight are flushed, and the summary counts what is on the topic', async ({
    onTestFinished,
  }) => {
    const { ctx, topicName, start } = demoRun(onTestFinished);
    const topic = topicName('interrupted');
    const simulator = start('simulator', ['--topic', topic, '--rate', 500]);
    await simulator.waitForLine(/^✅ Sent 50 transactions/);
    await exitsCleanly(simulator.interrupt(), simulator);

    const summary = simulator.matching(/🛑 Stopped\. Sent \d+ transactions/);
    expect(summary, simulator.describe()).toHaveLength(1);
    const sent = Number(/Sent (\d+) transactions/.exec(summary[0]!)![1]);
    expect(sent).toBeGreaterThanOrEqual(50);
    const onTopic = [...(await ctx.endOffsets(topic)).values()].reduce((sum, end) => sum + end, 0);
    expect(onTopic).toBe(sent);
    console.log(
      `[measured] SIGINT to the simulator at 500/s: exit 0, its summary says ${sent} sent, the topic holds ${onTopic}`,
    );
  });
});

describe.concurrent('the demo programs fail with one clear line', () => {
  test('a flag with a bad value', async ({ onTestFinished }) => {
    const { start } = demoRun(onTestFinished);
    const simulator = start('simulator', ['--rate', 'fast']);
    expect((await simulator.waitForExit()).code).toBe(1);
    expect(simulator.stderr.trim()).toMatch(/^❌ --rate needs a number greater than 0, got "fast"/);
    expect(simulator.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('no broker: the message names the problem, no stack trace and no retry storm', async ({ onTestFinished }) => {
    const monitor = new DemoProcess('monitor', ['--solution'], [`127.0.0.1:${await freePort()}`]);
    onTestFinished(() => monitor.kill());
    expect((await monitor.waitForExit()).code).toBe(1);
    expect(monitor.stderr).toMatch(/^❌ KAFKA_BROKERS is set to 127\.0\.0\.1:\d+, but nothing is listening/);
    expect(monitor.stderr).not.toMatch(/\n\s+at /);
  });

  test.for([
    ['simulator', 'lessons/01-producer-basics/producer.ts'],
    ['monitor', 'lessons/03-consumer-groups/consumer.ts'],
    ['fraud', 'lessons/04-multi-group-pubsub/fraud.ts'],
  ] as const)('the %s on an unfinished lesson says what to do next', async ([program, file], { onTestFinished }) => {
    const { ctx, start } = demoRun(onTestFinished);
    const child = start(program, ['--topic', await ctx.createTopic('stub', 3)], { solution: false });
    expect((await child.waitForExit()).code).toBe(1);
    const said = new RegExp(
      `^❌ your ${file} is not done yet: (lesson-\\d\\d step \\d+: .+) \\(line (\\d+)\\) — run with --solution to see the reference$`,
    ).exec(child.stderr.trim());
    expect(said, child.stderr).not.toBeNull();
    // the line is the todo's own, read through the compiled lesson code's source map
    const [, task, line] = said!;
    const lines = fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8').split('\n');
    expect(lines[Number(line) - 1]).toContain('todo(');
    expect(lines.slice(Number(line) - 1, Number(line) + 2).join('\n')).toContain(`'${task}'`);
  });
});
