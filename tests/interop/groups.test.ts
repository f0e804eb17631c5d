import { AssignerProtocol, Kafka } from 'kafkajs';
import { describe, expect, test } from 'vitest';
import { decodeTransaction } from '../../bank/codec.ts';
import { generateTransactions } from '../../bank/generator.ts';
import { waitFor } from '../../checks/support/wait.ts';
import type { CheckContext } from '../../checks/support/context.ts';
import { waitForOutput, type WatchedProcess } from '../../workshop/demo-process.ts';
import { demoRun } from '../e2e/support/demo-run.ts';
import { CONSOLE_CONSUMER, describeGroupMembers, startKafkaTool } from '../e2e/support/kafka-tools.ts';
import { latestAssignment, printedTransactions } from '../e2e/support/monitor-output.ts';
import { startSeedPython } from './support/clients.ts';

/**
 * One consumer group, two languages, on each client's default settings: `npm run monitor`
 * (kafkajs, lesson 03's consumer) next to Kafka's Java console consumer or a kafka-python
 * consumer. They must agree on a way to split the partitions (the `range` assignor all three
 * offer), split them, and between them process every transaction once.
 */
const COUNT = 30;
const CLEAN_EXIT = { code: 0, signal: null };
const JAVA_CLIENT_ID = 'java-console-consumer';
const RANGE_ONLY_IN_KAFKAJS_MESSAGE = /share no way to split partitions/;

type Other = 'java' | 'python';

/** Another language's consumer in `group`, as a running process, on its client's defaults. */
async function startOther(other: Other, ctx: CheckContext, topic: string, group: string, properties: string[] = []) {
  if (other === 'python')
    return startSeedPython('seed_consumer', ['--brokers', ctx.brokers.join(','), '--topic', topic, '--group', group]);
  const props = [`client.id=${JAVA_CLIENT_ID}`, ...properties].flatMap((p) => ['--consumer-property', p]);
  return startKafkaTool('java console consumer', CONSOLE_CONSUMER, [
    '--bootstrap-server',
    ctx.brokers.join(','),
    '--topic',
    topic,
    '--group',
    group,
    // like the monitor and the Python consumer: a partition the broker assigns before the client has
    // looked up its position would otherwise start at its end, past what the simulator just wrote
    '--from-beginning',
    ...props,
  ]);
}

/** The transaction ids a consumer printed: the seed's lines (monitor, Python) or the raw JSON values (Java). */
function idsPrinted(other: Other | 'monitor', process: WatchedProcess): string[] {
  if (other !== 'java') return printedTransactions(process).map((tx) => tx.transactionId);
  return process.lines
    .filter(({ text }) => text.startsWith('{'))
    .map(({ text }) => decodeTransaction(text).transaction_id);
}

/** The group's members and their partitions of `topic`, from the broker (classic groups only). */
async function classicMembers(ctx: CheckContext, group: string, topic: string) {
  const admin = new Kafka(ctx.connection('describe')).admin();
  await admin.connect();
  try {
    const [described] = (await admin.describeGroups([group])).groups;
    return {
      state: described?.state,
      protocol: described?.protocol,
      members: (described?.members ?? []).map((member) => ({
        clientId: member.clientId,
        partitions: AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment[topic] ?? [],
      })),
    };
  } finally {
    await admin.disconnect();
  }
}

describe('one consumer group, two languages', () => {
  test.for([
    ['monitor', 'java'],
    ['java', 'monitor'],
    ['monitor', 'python'],
    ['python', 'monitor'],
  ] as const)(
    '%s first, then %s: partitions split, every transaction processed once',
    { timeout: 240_000 },
    async ([first, second], { onTestFinished }) => {
      const run = demoRun(onTestFinished);
      const { ctx } = run;
      const other: Other = first === 'monitor' ? second : first;
      const topic = await ctx.createTopic(`mixed-${other}`, 3);
      const group = ctx.name(`mixed-${other}`);
      const started: WatchedProcess[] = [];
      onTestFinished(() => started.forEach((p) => p.kill()));
      const startMonitor = () => run.start('monitor', ['--topic', topic, '--group', group]);

      // the first member takes all three partitions before the second joins
      let monitor: WatchedProcess;
      let otherConsumer: WatchedProcess;
      if (first === 'monitor') {
        monitor = startMonitor();
        await waitForOutput([monitor], () => (latestAssignment(monitor)?.length === 3 ? true : undefined), {
          expected: 'the monitor to take all three partitions',
          timeoutMs: 60_000,
        });
        otherConsumer = await startOther(other, ctx, topic, group);
        started.push(otherConsumer);
      } else {
        otherConsumer = await startOther(other, ctx, topic, group);
        started.push(otherConsumer);
        await waitFor(
          async () => {
            const { state, members } = await classicMembers(ctx, group, topic);
            return state === 'Stable' && members.length === 1 && members[0]!.partitions.length === 3 ? true : undefined;
          },
          {
            timeoutMs: 90_000,
            intervalMs: 500,
            expected: `the ${other} consumer to take all three partitions`,
            likelyCause: 'the other consumer did not join, or the group protocols do not match',
          },
        );
        monitor = startMonitor();
      }

      const split = await waitFor(
        async () => {
          const { state, protocol, members } = await classicMembers(ctx, group, topic);
          const ours = latestAssignment(monitor);
          const settled = state === 'Stable' && members.length === 2 && members.every((m) => m.partitions.length > 0);
          return settled && ours?.length && ours.length < 3 ? { protocol, ours } : undefined;
        },
        {
          timeoutMs: 90_000,
          intervalMs: 500,
          expected: 'a stable group of two members, each with partitions',
          likelyCause: 'the two members do not agree on an assignor, so the group cannot share',
          lastSeen: () => `${monitor.describe()} | ${otherConsumer.describe()}`,
        },
      );
      expect(split.protocol).toBe('range');

      // Kafka's own tool is the witness: two members, the partitions split between them
      const members = await describeGroupMembers(ctx.brokers, group, topic);
      expect(members, JSON.stringify(members)).toHaveLength(2);
      const monitorMember = members.find((m) => m.clientId.startsWith('monitor-'));
      const otherMember = members.find((m) => m !== monitorMember);
      expect(monitorMember?.partitions, JSON.stringify(members)).toEqual([...split.ours].sort());
      expect([...monitorMember!.partitions, ...otherMember!.partitions].sort()).toEqual([0, 1, 2]);

      const seed = 2100 + (other === 'java' ? 0 : 10) + (first === 'monitor' ? 0 : 1);
      const simulator = run.start('simulator', ['--topic', topic, '--count', COUNT, '--rate', 200, '--seed', seed]);
      expect(await simulator.waitForExit(60_000), simulator.describe()).toEqual(CLEAN_EXIT);
      const processed = () => [...idsPrinted('monitor', monitor), ...idsPrinted(other, otherConsumer)];
      await waitForOutput([monitor, otherConsumer], () => (processed().length >= COUNT ? true : undefined), {
        expected: `the two consumers to process ${COUNT} transactions between them`,
        timeoutMs: 60_000,
      });
      expect(await monitor.interrupt(), monitor.describe()).toEqual(CLEAN_EXIT);
      await otherConsumer.interrupt(30_000, 'SIGTERM');

      const sent = generateTransactions(COUNT, { seed }).map((tx) => tx.transaction_id);
      // nothing lost, nothing twice, and both did a share
      expect(processed().sort()).toEqual(sent.sort());
      expect(idsPrinted('monitor', monitor).length).toBeGreaterThan(0);
      expect(idsPrinted(other, otherConsumer).length).toBeGreaterThan(0);
    },
  );

  test('when the other members offer no range, the monitor says so in one line and what to do', async ({
    onTestFinished,
  }) => {
    const run = demoRun(onTestFinished);
    const { ctx } = run;
    const topic = await ctx.createTopic('mismatch', 3);
    const group = ctx.name('mismatch');
    const java = await startOther('java', ctx, topic, group, [
      'partition.assignment.strategy=org.apache.kafka.clients.consumer.CooperativeStickyAssignor',
    ]);
    onTestFinished(() => java.kill());
    await waitFor(async () => ((await classicMembers(ctx, group, topic)).state === 'Stable' ? true : undefined), {
      timeoutMs: 90_000,
      intervalMs: 500,
      expected: 'the Java consumer to be alone and stable in its group',
      likelyCause: 'the Java consumer did not start (Java missing, or the machine too busy)',
    });

    const monitor = run.start('monitor', ['--topic', topic, '--group', group]);
    const exit = await monitor.waitForExit(60_000);
    expect(exit.code, monitor.describe()).toBe(1);
    const said = monitor.stderr.trim().split('\n');
    expect(said, monitor.stderr).toHaveLength(1);
    expect(said[0]).toMatch(RANGE_ONLY_IN_KAFKAJS_MESSAGE);
    expect(said[0]).toMatch(/--group/);
  });
});

test(
  'a Java consumer on the new group protocol (group.protocol=consumer) and the monitor share a group too',
  {
    timeout: 240_000,
  },
  async ({ onTestFinished }) => {
    const run = demoRun(onTestFinished);
    const { ctx } = run;
    const topic = await ctx.createTopic('mixed-kip848', 3);
    const group = ctx.name('mixed-kip848');
    // the broker assigns the partitions itself under this protocol: kafkajs joins as a classic member of it
    const java = await startOther('java', ctx, topic, group, ['group.protocol=consumer']);
    onTestFinished(() => java.kill());
    const monitor = run.start('monitor', ['--topic', topic, '--group', group]);

    const members = await waitFor(
      async () => {
        const ours = latestAssignment(monitor);
        if (!ours?.length || ours.length === 3) return undefined;
        const described = await describeGroupMembers(ctx.brokers, group, topic);
        const all = described.flatMap((m) => m.partitions).sort();
        return described.length === 2 && all.join() === '0,1,2' ? described : undefined;
      },
      {
        timeoutMs: 120_000,
        intervalMs: 1000,
        expected: 'the monitor and the Java consumer to split partitions 0, 1 and 2',
        likelyCause: 'the monitor and the Java consumer do not agree on an assignor, so the group cannot share',
        lastSeen: () => `${monitor.describe()} | ${java.describe()}`,
      },
    );
    expect(members.find((m) => m.clientId.startsWith('monitor-'))?.partitions).toEqual(
      [...latestAssignment(monitor)!].sort(),
    );

    const seed = 2200;
    const simulator = run.start('simulator', ['--topic', topic, '--count', COUNT, '--rate', 200, '--seed', seed]);
    expect(await simulator.waitForExit(60_000), simulator.describe()).toEqual(CLEAN_EXIT);
    const processed = () => [...idsPrinted('monitor', monitor), ...idsPrinted('java', java)];
    await waitForOutput([monitor, java], () => (processed().length >= COUNT ? true : undefined), {
      expected: `the two consumers to process ${COUNT} transactions between them`,
      timeoutMs: 60_000,
    });
    expect(await monitor.interrupt(), monitor.describe()).toEqual(CLEAN_EXIT);
    expect(processed().sort()).toEqual(
      generateTransactions(COUNT, { seed })
        .map((tx) => tx.transaction_id)
        .sort(),
    );
  },
);
