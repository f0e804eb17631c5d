import { randomBytes } from 'node:crypto';
import { AssignerProtocol, Kafka, type Consumer } from 'kafkajs';
import { expect, inject, test } from 'vitest';
import { waitFor } from '../../checks/support/wait.ts';
import { kafkaConfig } from '../../workshop/config.ts';
import { RangeAssigner, rangeSplit } from '../../workshop/kafka/range-assigner.ts';
import { deleteTopicsQuietly } from '../../workshop/platform/topic-deletion.ts';

// the Java client's RangeAssignor on the same inputs (its javadoc's and its tests' examples)
test.for([
  { partitions: 3, members: ['b', 'a'], split: { a: [0, 1], b: [2] } },
  { partitions: 7, members: ['c1', 'c2', 'c3'], split: { c1: [0, 1, 2], c2: [3, 4], c3: [5, 6] } },
  { partitions: 2, members: ['m-2', 'm-1', 'm-3'], split: { 'm-1': [0], 'm-2': [1], 'm-3': [] } },
  { partitions: 4, members: ['solo'], split: { solo: [0, 1, 2, 3] } },
])('range splits $partitions partitions among $members as Java does', ({ partitions, members, split }) => {
  const ids = Array.from({ length: partitions }, (_, i) => i);
  expect(Object.fromEntries(rangeSplit(ids, members))).toEqual(split);
});

test('two kafkajs consumers offering only range agree on it and split a topic in runs, as Java would', async () => {
  const id = randomBytes(4).toString('hex');
  const [topic, groupId] = [`range-${id}`, `range-group-${id}`];
  const kafka = new Kafka(kafkaConfig(`range-${id}`, inject('brokers')));
  const admin = kafka.admin();
  const consumers: Consumer[] = [];
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    for (let i = 0; i < 2; i++) {
      const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, partitionAssigners: [RangeAssigner] });
      consumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topic });
      await consumer.run({ eachMessage: async () => undefined });
    }
    const described = await waitFor(
      async () => {
        const [group] = (await admin.describeGroups([groupId])).groups;
        const assigned = group?.members.map((member) => ({
          memberId: member.memberId,
          partitions: AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment[topic] ?? [],
        }));
        return group?.state === 'Stable' && assigned?.length === 2 && assigned.every((m) => m.partitions.length > 0)
          ? { protocol: group.protocol, assigned }
          : undefined;
      },
      {
        timeoutMs: 20_000,
        expected: 'a stable group of two members, each with partitions',
        likelyCause: 'the range assignor is not used by both members, so the group cannot settle',
      },
    );
    expect(described.protocol).toBe('range');
    const [first, second] = [...described.assigned].sort((a, b) => (a.memberId < b.memberId ? -1 : 1));
    expect([first!.partitions, second!.partitions]).toEqual([[0, 1], [2]]);
  } finally {
    await Promise.all(consumers.map((consumer) => consumer.disconnect()));
    await deleteTopicsQuietly(admin, [topic]);
    await admin.disconnect();
  }
});
