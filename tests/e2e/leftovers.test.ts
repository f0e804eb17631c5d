import { randomBytes } from 'node:crypto';
import { expect, inject, test } from 'vitest';
import { removeLeftovers } from '../../workshop/check/leftovers.ts';
import { kafkaConfig, newKafka } from '../../workshop/config.ts';
import { commitGroupOffsets } from '../../workshop/group-offsets.ts';
import { createTopicReliably } from '../../workshop/kafka/new-topic-race.ts';
import { waitFor } from '../../workshop/wait.ts';

/**
 * A check whose thread was ended (Ctrl+C, or learner code that held it) never cleaned up after
 * itself: the runner removes what is named with its run id, and nothing else.
 */
test('the topics and idle groups of ended checks are removed; a group still in use, and other runs’ topics, stay', async () => {
  const brokers = inject('brokers');
  const [ended, other] = [randomBytes(4).toString('hex'), randomBytes(4).toString('hex')];
  const connection = kafkaConfig(`leftovers-${ended}`, brokers);
  const [endedTopic, otherTopic] = [`lesson-03-transactions-${ended}`, `lesson-03-transactions-${other}`];
  const [idleGroup, busyGroup] = [`lesson-03-monitor-${ended}`, `lesson-03-busy-${ended}`];
  const setup = newKafka(connection).admin();
  await setup.connect();
  await Promise.all([createTopicReliably(setup, endedTopic, 1), createTopicReliably(setup, otherTopic, 1)]);
  await setup.disconnect();
  // a send waits out the moment when the new topic has no leader yet
  const producer = newKafka(connection).producer();
  await producer.connect();
  await producer.send({ topic: endedTopic, messages: [{ value: 'one' }] });
  await producer.disconnect();
  await commitGroupOffsets(connection, idleGroup, endedTopic, [{ partition: 0, offset: '0' }]);
  // its consumer went down with the thread, but the broker still counts it as a member
  const consumer = newKafka(connection).consumer({ groupId: busyGroup });
  await consumer.connect();
  await consumer.subscribe({ topics: [endedTopic] });
  const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
  await consumer.run({ eachMessage: async () => undefined });
  await joined;

  // an empty run id is in every name: it must not take everything with it
  await removeLeftovers(brokers, ['']);
  await removeLeftovers(brokers, [ended]);

  // a client that never met the deleted topic: kafkajs asks for the metadata of every topic it has met
  const observer = newKafka(connection).admin();
  await observer.connect();
  try {
    const groups = (await observer.listGroups()).groups.map((group) => group.groupId);
    expect(groups).not.toContain(idleGroup);
    expect(groups).toContain(busyGroup);
    // the broker forgets a deleted topic a moment after it answered the delete
    await waitFor(async () => ((await observer.listTopics()).includes(endedTopic) ? undefined : true), {
      timeoutMs: 10_000,
      expected: `${endedTopic} to be deleted`,
    });
    expect(await observer.listTopics()).toContain(otherTopic);
  } finally {
    await consumer.disconnect();
    await observer.deleteGroups([busyGroup]).catch(() => undefined);
    await observer.deleteTopics({ topics: [otherTopic] }).catch(() => undefined);
    await observer.disconnect();
  }
});
