import { AssignerProtocol, type Admin } from 'kafkajs';
import { partitionRef, type PartitionRef } from './assignments.ts';

/**
 * One reading of what Kafka exposes through the admin API: the brokers, the shown topics'
 * partitions (leader, replicas, in-sync replicas, end offsets), and the consumer groups that
 * read them (members, assignments, committed offsets). Plain data, for the model to compare.
 */
export interface PollResult {
  brokers: Array<{ nodeId: number; address: string }>;
  controller: number | null;
  topics: PolledTopic[];
  groups: PolledGroup[];
}

export interface PolledTopic {
  name: string;
  exists: boolean;
  partitions: Array<{
    partition: number;
    leader: number;
    replicas: number[];
    isr: number[];
    low: number;
    high: number;
  }>;
}

export interface PolledGroup {
  groupId: string;
  state: string;
  members: Array<{ memberId: string; clientId: string; host: string; owns: PartitionRef[] }>;
  /** Committed offsets on the shown topics; partitions without a commit are absent. */
  committed: Map<PartitionRef, number>;
}

/** The dashboard's own consumers belong to groups with this prefix; they are never shown. */
export const OWN_GROUP_PREFIX = 'workshop-dashboard-';

/**
 * Checks, tests and benchmarks name their topics and groups with a random run id at the end
 * (CheckContext.name: "lesson-03-transactions-1a2b3c4d"). They come and go by the second, so
 * the dashboard leaves them out unless --topics names one.
 */
const THROWAWAY_NAME = /-[0-9a-f]{8}$/;

export interface TopicSelection {
  /** Named with --topics: exactly these, existing or not. */
  named?: string[];
  /** Never shown: the classroom topic. */
  hidden: string[];
}

export function selectTopics(all: readonly string[], selection: TopicSelection): string[] {
  if (selection.named) return [...selection.named];
  return all
    .filter((topic) => !topic.startsWith('__') && !selection.hidden.includes(topic) && !THROWAWAY_NAME.test(topic))
    .sort();
}

/** How often a group that does not read the shown topics is asked again whether it has started to. */
const RECHECK_IDLE_GROUP_MS = 10_000;
/** Idle groups asked per reading: a shared cluster can have hundreds, and each costs a request. */
const IDLE_GROUPS_PER_POLL = 5;

/**
 * Remembers which groups read the shown topics, so each reading asks for the committed
 * offsets of those groups only; the others are looked at again now and then.
 */
export class GroupScout {
  private readonly relevant = new Set<string>();
  private readonly lastLooked = new Map<string, number>();

  markRelevant(groupId: string): void {
    this.relevant.add(groupId);
  }

  isRelevant(groupId: string): boolean {
    return this.relevant.has(groupId);
  }

  /** The idle groups due for another look, a few at a time, longest unseen first. */
  dueForALook(groupIds: readonly string[], now: number): string[] {
    return groupIds
      .filter((id) => !this.relevant.has(id) && now - (this.lastLooked.get(id) ?? 0) >= RECHECK_IDLE_GROUP_MS)
      .sort((a, b) => (this.lastLooked.get(a) ?? 0) - (this.lastLooked.get(b) ?? 0))
      .slice(0, IDLE_GROUPS_PER_POLL);
  }

  looked(groupId: string, now: number): void {
    this.lastLooked.set(groupId, now);
  }

  /** A group Kafka no longer lists is forgotten. */
  keepOnly(groupIds: readonly string[]): void {
    const present = new Set(groupIds);
    for (const id of [...this.relevant]) if (!present.has(id)) this.relevant.delete(id);
    for (const id of [...this.lastLooked.keys()]) if (!present.has(id)) this.lastLooked.delete(id);
  }
}

export async function pollKafka(
  admin: Admin,
  selection: TopicSelection,
  scout: GroupScout,
  now = Date.now(),
): Promise<PollResult> {
  const cluster = await admin.describeCluster();
  const allTopics = await admin.listTopics();
  const shown = selectTopics(allTopics, selection);
  const existing = shown.filter((topic) => allTopics.includes(topic));
  // commits first, end offsets second: ends only grow, so no partition shows a commit past its end
  const groups = existing.length > 0 ? await readGroups(admin, existing, scout, now) : [];
  const topics = await readTopics(admin, shown, existing);
  return {
    brokers: cluster.brokers
      .map((broker) => ({ nodeId: broker.nodeId, address: `${broker.host}:${broker.port}` }))
      .sort((a, b) => a.nodeId - b.nodeId),
    controller: cluster.controller,
    topics,
    groups,
  };
}

async function readTopics(admin: Admin, shown: string[], existing: string[]): Promise<PolledTopic[]> {
  if (existing.length === 0) return shown.map((name) => ({ name, exists: false, partitions: [] }));
  const [metadata, offsets] = await Promise.all([
    admin.fetchTopicMetadata({ topics: existing }),
    Promise.all(existing.map((topic) => admin.fetchTopicOffsets(topic))),
  ]);
  return shown.map((name) => {
    const index = existing.indexOf(name);
    const meta = metadata.topics.find((topic) => topic.name === name);
    if (index === -1 || !meta) return { name, exists: false, partitions: [] };
    const ends = new Map(offsets[index]!.map((o) => [o.partition, o]));
    return {
      name,
      exists: true,
      partitions: meta.partitions
        .map((p) => ({
          partition: p.partitionId,
          leader: p.leader,
          replicas: [...p.replicas].sort((a, b) => a - b),
          isr: [...p.isr].sort((a, b) => a - b),
          low: Number(ends.get(p.partitionId)?.low ?? 0),
          high: Number(ends.get(p.partitionId)?.high ?? 0),
        }))
        .sort((a, b) => a.partition - b.partition),
    };
  });
}

async function readGroups(admin: Admin, topics: string[], scout: GroupScout, now: number): Promise<PolledGroup[]> {
  const listed = (await admin.listGroups()).groups
    .filter((group) => group.protocolType === 'consumer' || group.protocolType === '')
    .map((group) => group.groupId)
    .filter((id) => !id.startsWith(OWN_GROUP_PREFIX));
  scout.keepOnly(listed);
  if (listed.length === 0) return [];
  const described = (await admin.describeGroups(listed)).groups;
  const shownTopics = new Set(topics);
  const groups: PolledGroup[] = described.map((group) => ({
    groupId: group.groupId,
    state: group.state,
    members: group.members.map((member) => ({
      memberId: member.memberId,
      clientId: member.clientId,
      host: member.clientHost,
      owns: ownedPartitions(member.memberAssignment).filter((ref) =>
        shownTopics.has(ref.slice(0, ref.lastIndexOf('/'))),
      ),
    })),
    committed: new Map(),
  }));
  for (const group of groups)
    if (group.members.some((member) => member.owns.length > 0)) scout.markRelevant(group.groupId);

  const toAsk = [
    ...groups.filter((group) => scout.isRelevant(group.groupId)).map((group) => group.groupId),
    ...scout.dueForALook(
      groups.map((group) => group.groupId),
      now,
    ),
  ];
  await Promise.all(
    toAsk.map(async (groupId) => {
      scout.looked(groupId, now);
      const committed = await admin.fetchOffsets({ groupId, topics }).catch(() => undefined);
      const group = groups.find((g) => g.groupId === groupId)!;
      for (const topic of committed ?? []) {
        for (const p of topic.partitions) {
          const offset = Number(p.offset);
          if (offset >= 0) group.committed.set(partitionRef(topic.topic, p.partition), offset);
        }
      }
      if (group.committed.size > 0) scout.markRelevant(groupId);
    }),
  );
  return groups.filter((group) => scout.isRelevant(group.groupId)).sort((a, b) => a.groupId.localeCompare(b.groupId));
}

/** The partitions a member owns, from the assignment bytes every Kafka client writes the same way. */
function ownedPartitions(bytes: Buffer): PartitionRef[] {
  if (bytes.length === 0) return [];
  try {
    const decoded = AssignerProtocol.MemberAssignment.decode(bytes);
    return Object.entries(decoded?.assignment ?? {}).flatMap(([topic, partitions]) =>
      partitions.map((partition) => partitionRef(topic, partition)),
    );
  } catch {
    return []; // a client with an assignment format of its own: shown as a member without partitions
  }
}
