/**
 * Who owns which partition, and what changed between two moments: the dashboard's picture of a
 * consumer group. Pure functions over plain data, so the rebalance timeline is unit-tested
 * without a broker.
 */

/** "transactions/2": a partition of a topic, as one comparable string. */
export type PartitionRef = `${string}/${number}`;

export function partitionRef(topic: string, partition: number): PartitionRef {
  return `${topic}/${partition}`;
}

export function splitRef(ref: PartitionRef): { topic: string; partition: number } {
  const at = ref.lastIndexOf('/');
  return { topic: ref.slice(0, at), partition: Number(ref.slice(at + 1)) };
}

/** A stable assignment of a group: member label → the partitions it owns. */
export type Assignment = ReadonlyMap<string, readonly PartitionRef[]>;

export interface PartitionMove {
  topic: string;
  partition: number;
  /** The member label that owned it before; undefined when nobody did. */
  from?: string;
  /** The member label that owns it now; undefined when nobody does (the group emptied). */
  to?: string;
}

export interface RebalanceEvent {
  /** Milliseconds since the epoch, when the dashboard saw the group settle. */
  at: number;
  groupId: string;
  joined: string[];
  left: string[];
  moved: PartitionMove[];
  /** One sentence for the timeline and for screen readers. */
  summary: string;
}

/**
 * The difference between the last settled assignment and this one, or undefined when nothing
 * changed. Members are compared by label, partitions by owner.
 */
export function diffAssignments(
  groupId: string,
  before: Assignment,
  after: Assignment,
  at: number,
): RebalanceEvent | undefined {
  const joined = [...after.keys()].filter((member) => !before.has(member)).sort(byLabel);
  const left = [...before.keys()].filter((member) => !after.has(member)).sort(byLabel);
  const ownerBefore = owners(before);
  const ownerAfter = owners(after);
  const refs = new Set([...ownerBefore.keys(), ...ownerAfter.keys()]);
  const moved: PartitionMove[] = [];
  for (const ref of [...refs].sort(byRef)) {
    const from = ownerBefore.get(ref);
    const to = ownerAfter.get(ref);
    if (from !== to) moved.push({ ...splitRef(ref), ...(from ? { from } : {}), ...(to ? { to } : {}) });
  }
  if (joined.length === 0 && left.length === 0 && moved.length === 0) return undefined;
  return { at, groupId, joined, left, moved, summary: summarize(groupId, joined, left, moved) };
}

function owners(assignment: Assignment): Map<PartitionRef, string> {
  const owner = new Map<PartitionRef, string>();
  for (const [member, refs] of assignment) for (const ref of refs) owner.set(ref, member);
  return owner;
}

function summarize(groupId: string, joined: string[], left: string[], moved: PartitionMove[]): string {
  const parts: string[] = [];
  if (joined.length > 0) parts.push(`${listOf(joined)} joined`);
  if (left.length > 0) parts.push(`${listOf(left)} left`);
  const moves = moved.map(
    (move) => `partition ${move.partition} ${move.from ? `from ${move.from} ` : ''}to ${move.to ?? 'nobody'}`,
  );
  if (moves.length > 0) parts.push(`moved ${moves.join(', ')}`);
  return `${groupId}: ${parts.join('; ')}`;
}

function listOf(labels: string[]): string {
  return labels.length === 1 ? labels[0]! : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)!}`;
}

/** A, B, …, Z, then A2, B2, …: short names for members, in the order they were first seen. */
export function memberLabel(index: number): string {
  const letter = String.fromCharCode(65 + (index % 26));
  const round = Math.floor(index / 26);
  return round === 0 ? letter : `${letter}${round + 1}`;
}

/**
 * Gives each member of a group a short label that stays the same while it is a member, so
 * "A" in the lanes, the member list and the timeline is the same consumer.
 */
export class MemberLabels {
  private readonly labels = new Map<string, string>();
  private next = 0;

  labelOf(memberId: string): string {
    let label = this.labels.get(memberId);
    if (!label) {
      label = memberLabel(this.next++);
      this.labels.set(memberId, label);
    }
    return label;
  }

  /** The index behind a label: the colour the page gives it. */
  static colourIndex(label: string): number {
    const round = label.length > 1 ? Number(label.slice(1)) - 1 : 0;
    return round * 26 + (label.charCodeAt(0) - 65);
  }
}

function byLabel(a: string, b: string): number {
  return MemberLabels.colourIndex(a) - MemberLabels.colourIndex(b);
}

function byRef(a: PartitionRef, b: PartitionRef): number {
  const [x, y] = [splitRef(a), splitRef(b)];
  return x.topic.localeCompare(y.topic) || x.partition - y.partition;
}
