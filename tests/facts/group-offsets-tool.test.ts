import { expect, onTestFinished, test } from 'vitest';
import { CheckContext } from '../../checks/support/context.ts';
import { waitFor } from '../../checks/support/wait.ts';
import { commitGroupOffsets } from '../../workshop/group-offsets.ts';
import { runKafkaTool } from '../e2e/support/kafka-tools.ts';

/**
 * What lesson 05 says about Kafka's own consumer-group tool, `kafka-consumer-groups`, run from
 * the pinned jars: where a group never committed it shows no lag at all, and it moves a
 * stopped group's offsets without joining the group, because the broker takes a commit from a
 * client that is no member while the group is empty.
 */
const CONSUMER_GROUPS = 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand';

interface Row {
  partition: number;
  current: string;
  lag: string;
}

/** The rows of `kafka-consumer-groups --describe` for `topic`. */
async function describeGroup(brokers: string[], groupId: string, topic: string): Promise<Row[]> {
  const run = await runKafkaTool(CONSUMER_GROUPS, [
    '--bootstrap-server',
    brokers.join(','),
    '--describe',
    '--group',
    groupId,
  ]);
  expect(run.code, run.stderr).toBe(0);
  return run.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((cells) => cells[1] === topic)
    .map((cells) => ({ partition: Number(cells[2]), current: cells[3]!, lag: cells[5]! }))
    .sort((a, b) => a.partition - b.partition);
}

test("kafka-consumer-groups shows no lag where a group never committed, and moves an empty group's offsets as a non-member (lesson 05)", async () => {
  const ctx = new CheckContext('facts');
  onTestFinished(() => ctx.close());
  const topic = await ctx.createTopic('tool', 3);
  const groupId = ctx.name('tool-group');
  const producer = ctx.kafka('producer').producer();
  await producer.connect();
  await producer
    .send({ topic, messages: [0, 0, 0, 1, 1].map((partition) => ({ partition, value: 'x' })) })
    .finally(() => producer.disconnect());
  await commitGroupOffsets(ctx.connection('committer'), groupId, topic, [{ partition: 0, offset: '1' }]);
  // stopped, the group shows only what it committed: no row for partitions 1 and 2
  expect(await describeGroup(ctx.brokers, groupId, topic)).toEqual([{ partition: 0, current: '1', lag: '2' }]);

  // a member that holds every partition and commits nothing
  const consumer = ctx.kafka('member').consumer({ groupId, maxWaitTimeInMs: 100 });
  ctx.onCleanup(() => consumer.disconnect());
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => void (joined = true));
  await consumer.connect();
  await consumer.subscribe({ topics: [topic] });
  await consumer.run({ autoCommit: false, eachMessage: async () => {} });
  await waitFor(() => (joined ? true : undefined), {
    timeoutMs: 15_000,
    expected: 'the member to join',
    likelyCause: 'the group coordinator did not answer the join (broker busy or down)',
  });
  expect(await describeGroup(ctx.brokers, groupId, topic)).toEqual([
    { partition: 0, current: '1', lag: '2' },
    { partition: 1, current: '-', lag: '-' },
    { partition: 2, current: '-', lag: '-' },
  ]);

  // stopped: the group is empty, and the tool moves its offsets without joining it
  await consumer.disconnect();
  const reset = await runKafkaTool(CONSUMER_GROUPS, [
    ...['--bootstrap-server', ctx.brokers.join(','), '--group', groupId, '--topic', topic],
    ...['--reset-offsets', '--to-earliest', '--execute'],
  ]);
  expect(reset.code, reset.stderr).toBe(0);
  expect(await ctx.committedOffsets(groupId, topic)).toEqual(
    new Map([
      [0, 0],
      [1, 0],
      [2, 0],
    ]),
  );
  // nobody joined the group to commit that: it stayed empty, with no member and no new generation
  const [group] = (await (await ctx.admin()).describeGroups([groupId])).groups;
  expect(group?.state).toBe('Empty');
}, 120_000);
