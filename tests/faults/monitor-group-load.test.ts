import { expect, test } from 'vitest';
import { generateTransactions } from '../../bank/generator.ts';
import { waitForOutput, type DemoProcess } from '../../workshop/demo-process.ts';
import { latestAssignment, printedTransactions } from '../e2e/support/monitor-output.ts';
import { demoRun } from '../e2e/support/demo-run.ts';
import { figure, measured, repeated } from './support/tally.ts';

/**
 * A minute of a busy stream on a group of monitors that changes under load: every transaction
 * must be processed by exactly one monitor, through a monitor joining and one leaving.
 */
const PARTITIONS = 8;
const RATE = 1000;
const SECONDS = 60;

const ids = (monitor: DemoProcess) => printedTransactions(monitor).map((tx) => tx.transactionId);
const rebalances = (monitor: DemoProcess) => monitor.matching(/Partitions assigned: /).length;

test(
  `4 monitors in one group, ${RATE} transactions a second for ${SECONDS} s, one joining and one leaving: each transaction processed exactly once`,
  { timeout: 600_000 },
  async ({ onTestFinished }) => {
    const { ctx, start } = demoRun(onTestFinished);
    const topic = await ctx.createTopic('load', PARTITIONS);
    const group = ctx.name('monitors');
    const count = RATE * SECONDS;
    const seed = 801;
    const monitorArgs = ['--topic', topic, '--group', group, '--stats-every', count + 1];
    const monitors = Array.from({ length: 4 }, () => start('monitor', monitorArgs));
    await waitForOutput(
      monitors,
      () => {
        const held = monitors.map((monitor) => latestAssignment(monitor) ?? []);
        return held.every((partitions) => partitions.length > 0) && new Set(held.flat()).size === PARTITIONS
          ? true
          : undefined;
      },
      { expected: `the 4 monitors to share the ${PARTITIONS} partitions`, timeoutMs: 60_000 },
    );

    const simulator = start('simulator', ['--topic', topic, '--count', count, '--rate', RATE, '--seed', seed]);
    await simulator.waitForLine(new RegExp(`^✅ Sent ${count / 3} transactions`), 240_000);
    const joiner = start('monitor', monitorArgs);
    monitors.push(joiner);
    await joiner.waitForLine(/Partitions assigned: \d/, 60_000);
    await simulator.waitForLine(new RegExp(`^✅ Sent ${(2 * count) / 3} transactions`), 240_000);
    const leaver = monitors[0]!;
    expect(await leaver.interrupt(30_000), leaver.describe()).toEqual({ code: 0, signal: null });

    expect(await simulator.waitForExit(240_000), simulator.describe()).toEqual({ code: 0, signal: null });
    const everyone = () => monitors.flatMap(ids);
    await waitForOutput(monitors.slice(1), () => (new Set(everyone()).size >= count ? true : undefined), {
      timeoutMs: 120_000,
      expected: `the group to process all ${figure(count)} transactions`,
    });
    for (const monitor of monitors.slice(1))
      expect(await monitor.interrupt(30_000), monitor.describe()).toEqual({ code: 0, signal: null });

    const processed = everyone();
    const twice = repeated(processed);
    expect(twice.length, `processed by more than one monitor (or twice by one): ${twice.slice(0, 5).join(', ')}`).toBe(
      0,
    );
    expect(processed.length).toBe(count);
    const sent = new Set(generateTransactions(count, { seed }).map((tx) => tx.transaction_id));
    expect(processed.filter((id) => !sent.has(id))).toEqual([]);
    expect(ids(joiner).length, 'the monitor that joined got a share of the work').toBeGreaterThan(0);

    const summary = simulator.matching(/🛑 Stopped\. Sent/)[0] ?? '';
    const achieved = /\(([\d.]+) per second\)/.exec(summary)?.[1];
    const elapsed = /in ([\d.]+) s/.exec(summary)?.[1];
    measured(
      `${monitors.length} monitors in all (4 at the start, 1 joined at ${figure(count / 3)}, 1 left at ${figure((2 * count) / 3)}), ${PARTITIONS} partitions: ` +
        `${figure(count)} sent in ${elapsed} s (${achieved}/s asked ${RATE}/s); processed ${figure(processed.length)}, ${figure(new Set(processed).size)} distinct, ${twice.length} twice; ` +
        `per monitor ${monitors.map((m) => figure(ids(m).length)).join(' / ')}; partition assignments seen per monitor ${monitors.map(rebalances).join(' / ')}`,
    );
  },
);
