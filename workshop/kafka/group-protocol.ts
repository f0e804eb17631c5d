/**
 * The broker refuses a member that offers no assignor the group's other members offer: kafkajs
 * passes on its sentence ("The group member's supported protocols are incompatible with those
 * of existing members or first group member tried to join with empty protocol type or empty
 * protocol list"), which names neither the cause nor the cure. This says both, in one line.
 */
const INCONSISTENT_GROUP_PROTOCOL = 'INCONSISTENT_GROUP_PROTOCOL';

export const GROUP_PROTOCOL_MISMATCH =
  "This consumer and the group's other members share no way to split partitions (Kafka's INCONSISTENT_GROUP_PROTOCOL): " +
  "the workshop's consumers offer range and kafkajs's RoundRobinAssigner, so give the other members range too " +
  "(Java's and kafka-python's defaults include it: look at their partition.assignment.strategy), " +
  'or give this one a group of its own with --group';

/** The one-line explanation when `error` (or an error it wraps) is the broker's InconsistentGroupProtocol, else undefined. */
export function explainGroupProtocolMismatch(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 10; depth++) {
    if ((current as { type?: unknown }).type === INCONSISTENT_GROUP_PROTOCOL) return GROUP_PROTOCOL_MISMATCH;
    current = current.cause;
  }
  return undefined;
}
