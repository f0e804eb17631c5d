import path from 'node:path';
import { expect, test } from 'vitest';
import { lesson01 } from '../../checks/01-producer-basics.check.ts';
import { lesson03 } from '../../checks/03-consumer-groups.check.ts';
import { groupsJoined } from '../../checks/fixtures/03-consumer-groups/handler-never-returns/consumer.ts';
import { CheckContext } from '../../checks/support/context.ts';
import { runCheck, type LessonDefinition } from '../../checks/support/lesson-checks.ts';
import { becomesTrue } from '../../checks/support/wait.ts';
import { PROJECT_ROOT } from '../../workshop/paths.ts';

const fixture = (lesson: LessonDefinition<unknown>, name: string) =>
  path.join(PROJECT_ROOT, 'checks', 'fixtures', lesson.slug, name);
const check = <M>(lesson: LessonDefinition<M>, prefix: string) => lesson.checks.find((c) => c.name.startsWith(prefix))!;
const openSockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
const failureOf = (run: Promise<void>) =>
  run.then(
    () => undefined,
    (error: Error) => error,
  );

test('learner code that never returns fails with a clear message, and its connections are closed', async () => {
  const before = openSockets();
  const failure = await failureOf(
    runCheck(lesson01, { ...check(lesson01, 'send() stores'), timeoutMs: 1500 }, fixture(lesson01, 'never-returns')),
  );
  expect(failure?.message).toMatch(
    /^your code did not finish within 1\.5 s \(in TransactionProducer\.send\(\), which has not returned\)\.\nLikely: /,
  );
  expect(
    await becomesTrue(() => openSockets() <= before, 3000),
    `${openSockets() - before} connection(s) left open`,
  ).toBe(true);
});

test('a consumer whose handler never returns: the check fails in time, the consumer leaves its group and closes its connections', async ({
  onTestFinished,
}) => {
  const ctx = new CheckContext('harness');
  onTestFinished(() => ctx.close());
  const admin = await ctx.admin();
  await admin.describeGroups(['warm-up']); // the admin's own connections are open before counting
  const before = openSockets();
  const started = performance.now();
  const failure = await failureOf(
    runCheck(
      lesson03,
      { ...check(lesson03, 'reads every transaction'), timeoutMs: 3000 },
      fixture(lesson03, 'handler-never-returns'),
    ),
  );
  const cleanedUpMs = performance.now() - started;
  expect(failure?.message).toMatch(
    /^your code did not finish within 3 s \(in your eachMessage handler, which has not returned\)/,
  );

  expect(groupsJoined).toHaveLength(1);
  const { groups } = await admin.describeGroups(groupsJoined);
  expect(groups[0]?.members, `the group ${groupsJoined[0]} should be left (state ${groups[0]?.state})`).toEqual([]);
  expect(
    await becomesTrue(() => openSockets() <= before, 3000),
    `${openSockets() - before} connection(s) left open`,
  ).toBe(true);
  console.log(
    `[measured] a handler that never returns: check failed and cleaned up in ${(cleanedUpMs / 1000).toFixed(1)} s (timeout 3 s)`,
  );
});

test('learner code that throws a string still gets a message and a name', async () => {
  const failure = await failureOf(
    runCheck(lesson01, check(lesson01, 'serialize()'), fixture(lesson01, 'throws-a-string')),
  );
  expect(failure).toBeInstanceOf(Error);
  expect(failure?.message).toBe(
    'your code threw the string "cannot serialize" instead of an Error: write throw new Error("…")',
  );
});

test("a check context deletes every topic it made, even one also marked as the learner's, and refuses a label twice", async () => {
  const ctx = new CheckContext('harness');
  const topic = await ctx.createTopic('twice');
  // the learner's code may create a topic the check made too: deleting it once must still work
  ctx.ownTopic(topic);
  await expect(ctx.createTopic('twice')).rejects.toThrow('already made a topic labelled "twice"');
  const admin = ctx.kafka('observer').admin();
  await admin.connect();
  try {
    expect(await admin.listTopics()).toContain(topic);
    await ctx.close();
    expect(
      await becomesTrue(async () => !(await admin.listTopics()).includes(topic), 10_000),
      `${topic} is still there after the check context closed`,
    ).toBe(true);
  } finally {
    await admin.disconnect();
  }
});

test('a check leaves no consumer group behind: its readers’ groups and the groups it named are deleted, one still in use is kept', async () => {
  const ctx = new CheckContext('harness');
  const topic = await ctx.createTopic('groups');
  const producer = ctx.kafka().producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ value: 'one' }] });
  await producer.disconnect();
  // a group of the check's own reader
  await ctx.readAll(topic);
  /** A consumer in a group the check named (as for the learner's code), once it has joined and read the message. */
  const consumerOf = async (label: string) => {
    const consumer = ctx.kafka(label).consumer({ groupId: ctx.name(label) });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve) => void consumer.run({ eachMessage: async () => resolve() }));
    return consumer;
  };
  // one that commits and leaves, and one that still has a member when the check ends: not the check's to delete
  const [finished, stillRunning] = await Promise.all([consumerOf('monitor'), consumerOf('still-running')]);
  await finished.disconnect();
  const admin = ctx.kafka('observer').admin();
  await admin.connect();
  try {
    const groupsOfRun = async () =>
      (await admin.listGroups()).groups.map((group) => group.groupId).filter((id) => id.includes(ctx.runId));
    expect(await groupsOfRun()).toHaveLength(3);
    await ctx.close();
    expect(await groupsOfRun()).toEqual([ctx.name('still-running')]);
  } finally {
    await stillRunning.disconnect();
    await admin.deleteGroups([ctx.name('still-running')]).catch(() => undefined);
    await admin.disconnect();
  }
});
