import { AssignerProtocol, type Assignment, type GroupMember, type PartitionAssigner } from 'kafkajs';

const { MemberAssignment, MemberMetadata } = AssignerProtocol;

/**
 * The `range` assignor of Kafka's Java client and of kafka-python, for kafkajs.
 *
 * A consumer group agrees on one way to split partitions: each member lists the assignors it
 * knows, by name, and the broker picks a name every member listed. Under the classic group
 * protocol Java offers `range` and `cooperative-sticky`, kafka-python `range` and `roundrobin`,
 * and kafkajs only `RoundRobinAssigner`: no name in common, so the broker refuses the second
 * language that joins (InconsistentGroupProtocol). With this assignor listed, `range` is the
 * common name and any member may be the leader that computes the split.
 *
 * The split is Java's RangeAssignor: for each topic, the members that subscribe to it, sorted
 * by member id, get consecutive runs of partitions, the first (partitions % members) of them
 * one more than the rest. 3 partitions, 2 members: [0, 1] and [2].
 */
export const RANGE_PROTOCOL = 'range';

/** Java and kafka-python send the same envelope, version 0 of the consumer protocol, or later ones that only append fields. */
const VERSION = 0;

export const RangeAssigner: PartitionAssigner = ({ cluster }) => ({
  name: RANGE_PROTOCOL,
  version: VERSION,

  async assign({ members }) {
    const subscribers = subscribersByTopic(members);
    // the leader splits every member's topics, also those it does not read itself
    await cluster.addMultipleTargetTopics([...subscribers.keys()]);
    const assignment = new Map<string, Assignment>(members.map(({ memberId }) => [memberId, {}]));
    for (const [topic, memberIds] of subscribers) {
      const partitions = cluster
        .findTopicPartitionMetadata(topic)
        .map((p) => p.partitionId)
        .sort((a, b) => a - b);
      for (const [memberId, assigned] of rangeSplit(partitions, memberIds)) {
        if (assigned.length > 0) assignment.get(memberId)![topic] = assigned;
      }
    }
    return [...assignment].map(([memberId, topics]) => ({
      memberId,
      memberAssignment: MemberAssignment.encode({ version: VERSION, assignment: topics, userData: Buffer.alloc(0) }),
    }));
  },

  protocol({ topics }) {
    return {
      name: RANGE_PROTOCOL,
      metadata: MemberMetadata.encode({ version: VERSION, topics, userData: Buffer.alloc(0) }),
    };
  },
});

/** Which members subscribe to each topic, as each member's own subscription says. */
function subscribersByTopic(members: readonly GroupMember[]): Map<string, string[]> {
  const byTopic = new Map<string, string[]>();
  for (const { memberId, memberMetadata } of members) {
    for (const topic of MemberMetadata.decode(memberMetadata)?.topics ?? []) {
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), memberId]);
    }
  }
  return byTopic;
}

/**
 * Java's range split of one topic's partitions among its subscribers: sorted by member id (as
 * Java's String.compareTo and JavaScript's default sort both order them, by UTF-16 code unit),
 * each gets partitions/members in a row, and the first partitions%members get one extra.
 */
export function rangeSplit(partitions: readonly number[], memberIds: readonly string[]): Map<string, number[]> {
  const sorted = [...memberIds].sort();
  const each = Math.floor(partitions.length / sorted.length);
  const extra = partitions.length % sorted.length;
  return new Map(
    sorted.map((memberId, i) => {
      const start = each * i + Math.min(i, extra);
      return [memberId, partitions.slice(start, start + each + (i < extra ? 1 : 0))];
    }),
  );
}
