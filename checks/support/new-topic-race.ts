import type { Admin } from 'kafkajs';
import { waitFor } from './wait.ts';

/**
 * On a KRaft broker a topic that was just created can be unknown to the broker's metadata for
 * a moment. kafkajs 2.2.4's `createTopics({ waitForLeaders: true })` waits out "no leader yet"
 * but gives up on "This server does not host this topic-partition" (kafkajs issue #815), so
 * under load a correct call fails now and then. These helpers keep the checks reliable.
 */
export function isNewTopicRace(error: unknown): boolean {
  return error instanceof Error && error.name === 'KafkaJSProtocolError' && (error as Error & { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION';
}

/**
 * Creates a topic and waits until every partition can take writes. Leaders in the metadata are
 * not enough on KRaft: the broker's metadata cache is updated before the partitions themselves
 * (KAFKA-15780), and a produce that meets such a partition fails for it alone, while kafkajs then
 * retries the whole request and writes the other partitions' messages twice. A partition that
 * answers ListOffsets is ready.
 */
export async function createTopicReliably(admin: Admin, topic: string, numPartitions: number): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: false });
  await waitFor(
    async () => {
      try {
        const offsets = await admin.fetchTopicOffsets(topic);
        return offsets.length === numPartitions ? true : undefined;
      } catch (error) {
        if (isNewTopicRace(error) || (error as { retriable?: boolean }).retriable) return undefined;
        throw error;
      }
    },
    { timeoutMs: 10_000, intervalMs: 20, expected: `the ${numPartitions} partition(s) of the new topic ${topic} to be ready` },
  );
}

/**
 * Runs `attempt` again (with a new attempt number, for a fresh topic name) when it failed
 * only because of the race above; any other failure is the learner's and is thrown at once.
 */
export async function retryNewTopicRace<T>(attempt: (n: number) => Promise<T>, tries = 3): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (n >= tries || !isNewTopicRace(error)) throw error;
    }
  }
}
