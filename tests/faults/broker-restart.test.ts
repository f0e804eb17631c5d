import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateTransactions } from '../../bank/generator.ts';
import { RIDE_OUT_SECONDS } from '../../demo/run-demo.ts';
import { CheckContext } from '../../checks/support/context.ts';
import { sendMessages } from '../../checks/support/produce.ts';
import { probeKafka } from '../../workshop/broker/probe.ts';
import { isAlive } from '../../workshop/broker/process.ts';
import { RestartableBroker } from '../../workshop/broker/restartable-broker.ts';
import { waitForOutput, type DemoProcess } from '../../workshop/demo-process.ts';
import { STACK_FRAME } from '../support/spawn-cli.ts';
import { printedTransactions } from '../e2e/support/monitor-output.ts';
import { demoRun } from '../e2e/support/demo-run.ts';
import { figure, idsOnTopic, measured, repeated, seconds } from './support/tally.ts';

/**
 * The broker dies under the running demo: SIGKILL, no goodbye, as when a laptop's Kafka crashes.
 * This file's broker is its own, on free ports, so it may kill it; the shared one is never touched.
 */
let broker: RestartableBroker;

beforeAll(async () => {
  broker = await RestartableBroker.start();
});

afterAll(async () => {
  await broker?.stop();
});

const ids = (monitor: DemoProcess) => printedTransactions(monitor).map((tx) => tx.transactionId);
const sorted = (values: Iterable<string>) => [...values].sort();
/** When the first line matching `pattern` was printed after `since`, or undefined. */
const printedAfter = (program: DemoProcess, since: number, pattern: RegExp) =>
  program.lines.find((line) => line.at > since && pattern.test(line.text))?.at;
const TRANSACTION = /\| TXN-\d+$/;
const BROKER_AWAY = /^⚠️ {2}Kafka at .+ does not answer\./;
const BROKER_BACK = /^✅ Kafka at .+ answers again\./;

test('RestartableBroker: kill() ends the process at once; restart() brings the same broker back, at the same address, with its data', async ({
  onTestFinished,
}) => {
  const ctx = new CheckContext('restartable', broker.brokers);
  onTestFinished(() => ctx.close());
  const topic = await ctx.createTopic('kept', 1);
  await sendMessages(ctx, topic, [{ key: 'k', value: 'stored before the kill' }]);
  const pid = broker.pid!;

  await broker.kill();
  expect(broker.running).toBe(false);
  expect(isAlive(pid)).toBe(false);
  expect((await probeKafka(broker.brokers, 1000)).ok).toBe(false);

  await broker.restart();
  expect(broker.running).toBe(true);
  expect(broker.pid).not.toBe(pid);
  expect((await ctx.readAll(topic, 30_000)).map((m) => m.value?.toString())).toEqual(['stored before the kill']);
});

describe('the broker is killed under the running demo', () => {
  test('killed mid-stream and restarted: the simulator carries on, every transaction is stored once, the monitor shows them all', async ({
    onTestFinished,
  }) => {
    const { ctx, start } = demoRun(onTestFinished, broker.brokers);
    const topic = await ctx.createTopic('killed', 3);
    const [count, killAt, seed] = [3000, 1000, 701];
    const monitor = start('monitor', ['--topic', topic, '--group', ctx.name('monitor'), '--stats-every', 100_000]);
    await monitor.waitForLine(/Partitions assigned: 0, 1, 2$/, 30_000);
    const simulator = start('simulator', ['--topic', topic, '--count', count, '--rate', 200, '--seed', seed]);

    await simulator.waitForLine(new RegExp(`^✅ Sent ${killAt} transactions`), 30_000);
    await broker.kill();
    const killedAt = performance.now();
    const downFor = 3000;
    await new Promise((resolve) => setTimeout(resolve, downFor)); // the outage itself is the fault under test
    await broker.restart();
    const backAt = performance.now();

    expect(await simulator.waitForExit(90_000), simulator.describe()).toEqual({ code: 0, signal: null });
    expect(simulator.matching(new RegExp(`Sent ${count} transactions to ${topic}`))).toHaveLength(1);
    const sent = generateTransactions(count, { seed }).map((tx) => tx.transaction_id);
    await waitForOutput([monitor], () => (new Set(ids(monitor)).size >= count ? true : undefined), {
      timeoutMs: 60_000,
      expected: `the monitor to show all ${count} transactions`,
    });
    await monitor.interrupt(30_000);

    const stored = await idsOnTopic(ctx, topic, 30_000);
    expect(repeated(stored), 'transactions stored twice').toEqual([]);
    expect(sorted(stored), 'the topic should hold exactly the transactions sent').toEqual(sorted(sent));
    const shown = ids(monitor);
    expect(sorted(new Set(shown)), 'the monitor should show every transaction').toEqual(sorted(sent));
    // at least once: a transaction shown again can only be one the monitor had shown before the crash, whose commit the crash lost
    const shownTwice = repeated(shown);
    const shownBeforeKill = new Set(
      monitor.lines.filter((line) => line.at < killedAt).map((line) => /TXN-\d+$/.exec(line.text)?.[0]),
    );
    expect(
      shownTwice.filter((id) => !shownBeforeKill.has(id)),
      'shown twice without a crash in between',
    ).toEqual([]);

    const resumed = printedAfter(monitor, backAt, TRANSACTION);
    measured(
      `broker killed at message ${figure(killAt)} of ${figure(count)}, down ${seconds(downFor)}, answering again ${seconds(backAt - killedAt)} after the kill; ` +
        `simulator exit 0; topic ${figure(stored.length)} messages, ${figure(new Set(stored).size)} distinct, ${repeated(stored).length} duplicates, ${sent.length - new Set(stored).size} missing; ` +
        `monitor ${figure(new Set(shown).size)} distinct, ${shownTwice.length} shown twice; monitor printing again ${resumed ? seconds(resumed - backAt) : '-'} after the broker answered`,
    );
  });

  test('down for longer than the demo waits: the simulator stops with one clear line, the monitor waits, and nothing confirmed is lost', async ({
    onTestFinished,
  }) => {
    const { ctx, start } = demoRun(onTestFinished, broker.brokers);
    const topic = await ctx.createTopic('gone', 3);
    const seed = 702;
    const monitor = start('monitor', ['--topic', topic, '--group', ctx.name('monitor'), '--stats-every', 100_000]);
    await monitor.waitForLine(/Partitions assigned: 0, 1, 2$/, 30_000);
    const simulator = start('simulator', ['--topic', topic, '--rate', 100, '--seed', seed]);
    await simulator.waitForLine(/^✅ Sent 200 transactions/, 30_000);

    await broker.kill();
    const killedAt = performance.now();
    const exit = await simulator.waitForExit((RIDE_OUT_SECONDS + 60) * 1000);
    const gaveUpAfter = performance.now() - killedAt;
    expect(exit.code, simulator.describe()).toBe(1);
    const lines = simulator.stderr.trim().split('\n');
    expect(lines, 'one line, no stack trace').toHaveLength(1);
    expect(simulator.stderr).not.toMatch(STACK_FRAME);
    const message = new RegExp(
      `^❌ lost the Kafka broker at ${broker.brokers[0]}: it did not come back within about ${RIDE_OUT_SECONDS} s \\(.+\\)\\. The (\\d+) transactions Kafka confirmed are stored\\. Start the broker again`,
    );
    expect(lines[0]).toMatch(message);
    const confirmed = Number(message.exec(lines[0]!)![1]);
    // kafkajs gives up once its retries are spent: not at once, not never
    expect(gaveUpAfter).toBeGreaterThan((RIDE_OUT_SECONDS / 2) * 1000);
    // kafkajs waits in silence; the program says what is going on meanwhile
    const simulatorSaid = printedAfter(simulator, killedAt, BROKER_AWAY);
    expect(simulatorSaid, `the simulator should say that Kafka does not answer. ${simulator.describe()}`).toBeDefined();
    const monitorSaid = printedAfter(monitor, killedAt, BROKER_AWAY);
    expect(monitorSaid, `the monitor should say that Kafka does not answer. ${monitor.describe()}`).toBeDefined();

    await broker.restart();
    const backAt = performance.now();
    const stored = await idsOnTopic(ctx, topic, 30_000);
    expect(repeated(stored), 'transactions stored twice').toEqual([]);
    expect(stored.length, 'every confirmed transaction is on the topic').toBeGreaterThanOrEqual(confirmed);
    const generated = new Set(generateTransactions(stored.length + 1000, { seed }).map((tx) => tx.transaction_id));
    expect(
      stored.filter((id) => !generated.has(id)),
      'only the simulator wrote to this topic',
    ).toEqual([]);

    // a few more after the restart, so that the monitor must be consuming again to show them
    const after = start('simulator', ['--topic', topic, '--count', 20, '--rate', 100, '--seed', seed + 1]);
    expect(await after.waitForExit(60_000), after.describe()).toEqual({ code: 0, signal: null });
    const everything = new Set(await idsOnTopic(ctx, topic, 30_000));
    // The monitor's consumer retries a failed fetch about as long as the simulator retries a send. Most
    // often its retries run out first: kafkajs restarts it, and it joins its group again once the broker
    // is back, after the session of its member from before the outage expires (kafkajs's sessionTimeout,
    // 30 s; CI's loaded machine has taken over 60 s, and once, in stop 22, over 120 s). Sometimes the
    // broker is back before they run out, and the consumer carries on without a restart. Both are right.
    await waitForOutput([monitor], () => (new Set(ids(monitor)).size >= everything.size ? true : undefined), {
      timeoutMs: 240_000,
      expected: `the monitor to show the ${everything.size} transactions on the topic after the restart`,
    });
    const warnings = monitor.matching(/^⚠️ {2}The consumer stopped/);
    const backInGroup = printedAfter(monitor, backAt, /^✅ The consumer is back/);
    await monitor.interrupt(30_000);
    // kafkajs restarted the consumer over and over while the broker was away: the monitor says so once per cause, not on every retry
    expect(warnings.length, warnings.join('\n')).toBeLessThanOrEqual(3);
    expect(
      printedAfter(monitor, monitorSaid!, BROKER_BACK),
      'the monitor should say that Kafka answers again',
    ).toBeDefined();
    if (warnings.length > 0) {
      expect(backInGroup, 'the monitor said the consumer stopped, and never that it was back').toBeDefined();
    }
    expect(sorted(new Set(ids(monitor)))).toEqual(sorted(everything));

    const rodeOut =
      warnings.length === 0
        ? 'rode the outage out in its retries, no restart'
        : `restarted (${warnings.length} warning line(s)), back in its group ${seconds(backInGroup! - backAt)} after the broker answered`;
    measured(
      `broker killed and left down: simulator and monitor said so ${seconds(simulatorSaid! - killedAt)} and ${seconds(monitorSaid! - killedAt)} after the kill; ` +
        `simulator gave up ${seconds(gaveUpAfter)} after the kill (about ${RIDE_OUT_SECONDS} s expected), exit 1 with one line; ` +
        `${figure(confirmed)} confirmed, ${figure(stored.length)} on the topic, ${repeated(stored).length} duplicates; ` +
        `monitor ${rodeOut}, and showed all ${figure(everything.size)} (20 sent after the restart)`,
    );
  }, 480_000);
});
