import type { Admin, ITopicConfig } from 'kafkajs';
import { waitFor } from '../wait.ts';

/**
 * On a KRaft broker a topic that was just created can be unknown to the broker's metadata for
 * a moment. kafkajs 2.2.4's `createTopics({ waitForLeaders: true })` waits out "no leader yet"
 * but gives up on "This server does not host this topic-partition" (kafkajs issue #815), so
 * under load a correct call fails now and then. These helpers keep the checks and the live
 * programs reliable.
 */
export function isNewTopicRace(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (
    error.name === 'KafkaJSProtocolError' &&
    (error as Error & { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION'
  )
    return true;
  // a producer's send gives up with KafkaJSNonRetriableError, the protocol error as its cause
  return isNewTopicRace((error as Error & { cause?: unknown }).cause);
}

/**
 * Creates a topic and waits until every partition can take writes. Leaders in the metadata are
 * not enough on KRaft: the broker's metadata cache is updated before the partitions themselves
 * (KAFKA-15780), and a produce that meets such a partition fails for it alone, while kafkajs then
 * retries the whole request and writes the other partitions' messages twice.
 */
export async function createTopicReliably(
  admin: Admin,
  topic: string,
  numPartitions: number,
  configs: Record<string, string> = {},
  create: TopicCreator = createAlone,
): Promise<void> {
  const configEntries = Object.entries(configs).map(([name, value]) => ({ name, value }));
  await create(admin, { topic, numPartitions, configEntries });
  await untilWritable(admin, topic, numPartitions);
}

/** Sends the CreateTopics request for one topic: on its own, or (the checks) with others. */
export type TopicCreator = (admin: Admin, topic: ITopicConfig) => Promise<void>;

async function createAlone(admin: Admin, topic: ITopicConfig): Promise<void> {
  await admin.createTopics({ topics: [topic], waitForLeaders: false });
}

/** A partition that answers ListOffsets is ready; without a count, any partition will do. */
async function untilWritable(admin: Admin, topic: string, numPartitions?: number): Promise<void> {
  await waitFor(
    async () => {
      try {
        const offsets = await admin.fetchTopicOffsets(topic);
        return offsets.length === (numPartitions ?? Math.max(offsets.length, 1)) ? true : undefined;
      } catch (error) {
        if (isNewTopicRace(error) || (error as { retriable?: boolean }).retriable) return undefined;
        throw error;
      }
    },
    {
      timeoutMs: 10_000,
      intervalMs: 20,
      expected: `the ${numPartitions ?? 'new'} partition(s) of the new topic ${topic} to be ready`,
      likelyCause: 'the broker is slow to tell its clients about a new topic: it is overloaded, or still starting',
    },
  );
}

/**
 * The admin client handed to the learner's code: its createTopics() answers as kafkajs means to
 * when the race above makes kafkajs give up on a topic it has just created (waiting until the
 * topic is there, then true). Anything else, right or wrong, goes to kafkajs untouched.
 */
export function withoutNewTopicRace(admin: Admin): Admin {
  const createTopics: Admin['createTopics'] = async (options) => {
    try {
      return await admin.createTopics(options);
    } catch (error) {
      if (!isNewTopicRace(error)) throw error;
      await Promise.all(options.topics.map(({ topic, numPartitions }) => untilWritable(admin, topic, numPartitions)));
      return true;
    }
  };
  return { ...admin, createTopics };
}
