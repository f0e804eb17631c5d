import { randomBytes } from 'node:crypto';
import type { Consumer, ConsumerRunConfig, ConsumerSubscribeTopics } from 'kafkajs';
import { expect, onTestFinished, test } from 'vitest';
import { CheckContext } from '../../checks/support/context.ts';
import { waitFor } from '../../checks/support/wait.ts';
import { commitGroupOffsets } from '../../workshop/group-offsets.ts';

/**
 * What lessons 03 to 05 teach about kafkajs 2.2.4's consumer, shown on the live broker rather
 * than asserted: where a group starts, what happens to a commit that points at deleted
 * messages, how a group rebalances, and what an error escaping the handler does.
 */

function context(): CheckContext {
  const ctx = new CheckContext('facts');
  onTestFinished(() => ctx.close());
  return ctx;
}

interface Member {
  consumer: Consumer;
  values: string[];
  assignments: number[][];
  fetches: () => number;
}

/** A consumer of `topic` in `groupId` that records what it receives, each share it is dealt and its fetches. */
async function member(
  ctx: CheckContext,
  groupId: string,
  topic: string,
  subscribe: Partial<ConsumerSubscribeTopics> = {},
  run: Partial<ConsumerRunConfig> = {},
  retry?: { retries: number; initialRetryTime: number },
): Promise<Member> {
  const consumer = ctx
    .kafka(`member-${randomBytes(2).toString('hex')}`)
    .consumer({ groupId, maxWaitTimeInMs: 100, heartbeatInterval: 300, ...(retry ? { retry } : {}) });
  ctx.onCleanup(() => consumer.disconnect());
  const values: string[] = [];
  const assignments: number[][] = [];
  let fetches = 0;
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => assignments.push(payload.memberAssignment[topic] ?? []));
  consumer.on(consumer.events.FETCH, () => void (fetches += 1));
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], ...subscribe });
  await consumer.run({ eachMessage: async ({ message }) => void values.push(String(message.value)), ...run });
  return { consumer, values, assignments, fetches: () => fetches };
}

/** Waits until `m` has joined and fetched a few times, so it knows where it reads; then sends `marker` and waits for it. */
async function settleThenSend(ctx: CheckContext, m: Member, topic: string, marker: string): Promise<void> {
  await waitFor(() => (m.assignments.length > 0 && m.fetches() >= 3 ? true : undefined), {
    timeoutMs: 15_000,
    expected: 'the consumer to join and fetch',
    likelyCause: 'the group coordinator did not answer the join (broker busy or down)',
  });
  const producer = ctx.kafka('producer').producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ value: marker }] }).finally(() => producer.disconnect());
  await waitFor(() => (m.values.includes(marker) ? true : undefined), {
    timeoutMs: 10_000,
    expected: `the consumer to receive "${marker}"`,
    likelyCause: 'the consumer does not read what is sent after it joined',
    lastSeen: () => JSON.stringify(m.values),
  });
}

async function sendValues(ctx: CheckContext, topic: string, values: string[]): Promise<void> {
  const producer = ctx.kafka('producer').producer();
  await producer.connect();
  await producer.send({ topic, messages: values.map((value) => ({ value })) }).finally(() => producer.disconnect());
}

test('a group that never committed starts at the end of the partition, unless it subscribes fromBeginning (lessons 03 and 05)', async () => {
  const ctx = context();
  const topic = await ctx.createTopic('never-committed');
  await sendValues(ctx, topic, ['old-0', 'old-1', 'old-2']);

  const byDefault = await member(ctx, ctx.name('default-group'), topic);
  await settleThenSend(ctx, byDefault, topic, 'new-0');
  expect(byDefault.values).toEqual(['new-0']);

  const fromBeginning = await member(ctx, ctx.name('from-beginning-group'), topic, { fromBeginning: true });
  await settleThenSend(ctx, fromBeginning, topic, 'new-1');
  expect(fromBeginning.values).toEqual(['old-0', 'old-1', 'old-2', 'new-0', 'new-1']);
});

test('a commit below the earliest offset still kept is reset: to the earliest with fromBeginning, to the end without (lessons 03 and 05)', async () => {
  const ctx = context();
  const topic = await ctx.createTopic('out-of-range');
  const admin = await ctx.admin();
  await sendValues(ctx, topic, ['m-0', 'm-1', 'm-2', 'm-3', 'm-4', 'm-5']);
  const [skips, rereads] = [ctx.name('skips-group'), ctx.name('rereads-group')];
  for (const groupId of [skips, rereads])
    await commitGroupOffsets(ctx.connection('committer'), groupId, topic, [{ partition: 0, offset: '1' }]);
  // retention, made immediate: messages 0 to 3 are deleted, so the commit at 1 points at nothing
  await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '4' }] });

  const withoutFromBeginning = await member(ctx, skips, topic);
  await settleThenSend(ctx, withoutFromBeginning, topic, 'after-0');
  // the backlog m-4 and m-5 was never read: kafkajs jumped to the end
  expect(withoutFromBeginning.values).toEqual(['after-0']);

  const withFromBeginning = await member(ctx, rereads, topic, { fromBeginning: true });
  await settleThenSend(ctx, withFromBeginning, topic, 'after-1');
  expect(withFromBeginning.values).toEqual(['m-4', 'm-5', 'after-0', 'after-1']);
});

test('kafkajs rebalances eagerly: when a second member joins, the first joins again and is dealt a new share (lesson 03)', async () => {
  const ctx = context();
  const topic = await ctx.createTopic('eager', 3);
  const groupId = ctx.name('eager-group');
  const first = await member(ctx, groupId, topic);
  await waitFor(() => (first.assignments.length === 1 ? true : undefined), {
    timeoutMs: 15_000,
    expected: 'the first member to join',
    likelyCause: 'the group coordinator did not answer the join (broker busy or down)',
  });
  expect([...first.assignments[0]!].sort()).toEqual([0, 1, 2]);

  const second = await member(ctx, groupId, topic);
  await waitFor(() => (first.assignments.length >= 2 && second.assignments.length >= 1 ? true : undefined), {
    timeoutMs: 15_000,
    expected: 'both members to be dealt their shares',
    likelyCause: 'the rebalance after the second member joined did not finish',
    lastSeen: () => JSON.stringify({ first: first.assignments, second: second.assignments }),
  });
  const [a, b] = [first.assignments.at(-1)!, second.assignments.at(-1)!];
  expect([a.length, b.length].sort()).toEqual([1, 2]);
  expect([...a, ...b].sort()).toEqual([0, 1, 2]);
});

test('an Error escaping eachMessage: kafkajs retries the message, then the consumer crashes, leaves and comes back to it (lesson 03)', async () => {
  const ctx = context();
  const topic = await ctx.createTopic('poison');
  await sendValues(ctx, topic, ['poison']);
  const attempts: string[] = [];
  const crashes: { name: string; restart: boolean }[] = [];
  const m = await member(
    ctx,
    ctx.name('poison-group'),
    topic,
    { fromBeginning: true },
    {
      eachMessage: async ({ message }) => {
        attempts.push(message.offset);
        throw new Error('the ledger is down');
      },
    },
    { retries: 1, initialRetryTime: 100 },
  );
  m.consumer.on(m.consumer.events.CRASH, ({ payload }) =>
    crashes.push({ name: payload.error.name, restart: payload.restart }),
  );
  await waitFor(() => (crashes.length >= 1 && m.assignments.length >= 2 ? true : undefined), {
    timeoutMs: 20_000,
    expected: 'a crash, then the consumer back in its group',
    likelyCause: 'kafkajs no longer crashes and restarts a consumer whose handler keeps failing',
    lastSeen: () => JSON.stringify({ crashes, joins: m.assignments.length }),
  });
  expect(crashes[0]).toEqual({ name: 'KafkaJSNumberOfRetriesExceeded', restart: true });
  await waitFor(() => (attempts.length >= 3 ? true : undefined), {
    timeoutMs: 10_000,
    expected: 'the poison message handed to eachMessage again after the restart',
    likelyCause: 'kafkajs no longer hands the failed message again after a restart',
  });
  // the same message, over and over: the partition is stuck behind it
  expect(new Set(attempts)).toEqual(new Set(['0']));
});

test('a SyntaxError escaping eachMessage (a bare JSON.parse) stops the consumer for good (lesson 03)', async () => {
  const ctx = context();
  const topic = await ctx.createTopic('syntax-error');
  await sendValues(ctx, topic, ['not json']);
  const groupId = ctx.name('syntax-error-group');
  const crashes: { name: string; cause: string; restart: boolean }[] = [];
  const m = await member(
    ctx,
    groupId,
    topic,
    { fromBeginning: true },
    { eachMessage: async ({ message }) => void JSON.parse(String(message.value)) },
  );
  m.consumer.on(m.consumer.events.CRASH, ({ payload }) =>
    crashes.push({
      name: payload.error.name,
      cause: (payload.error as Error & { cause?: Error }).cause?.name ?? '',
      restart: payload.restart,
    }),
  );
  await waitFor(() => (crashes.length >= 1 ? true : undefined), {
    timeoutMs: 20_000,
    expected: 'the consumer to crash',
    likelyCause: 'kafkajs no longer crashes a consumer whose handler keeps failing',
  });
  expect(crashes[0]).toEqual({ name: 'KafkaJSNonRetriableError', cause: 'SyntaxError', restart: false });
  // it left the group and will not come back: nobody reads the partition any more
  const admin = await ctx.admin();
  await waitFor(async () => ((await admin.describeGroups([groupId])).groups[0]?.state === 'Empty' ? true : undefined), {
    timeoutMs: 10_000,
    expected: `group ${groupId} to be empty`,
    likelyCause: 'the crashed consumer did not leave its group',
  });
  expect(m.assignments).toHaveLength(1);
});
