import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';

export interface PeekOptions {
  /** A group of the dashboard's own (never a learner's), which never commits. */
  groupId: string;
  /** Read the topics' whole history (the classroom feed), or only what arrives from now on (the lanes). */
  fromBeginning: boolean;
  /** For the lanes: where to start a partition, so a quiet topic still shows its last few messages. */
  startAt?: (topic: string, partition: number) => number | undefined;
  onBatch: (topic: string, partition: number, messages: KafkaMessage[]) => void;
  onProblem: (problem: string) => void;
}

/**
 * A consumer that looks at topics without taking part: its group is the dashboard's own, it
 * commits nothing, and a restart simply starts over. It is replaced whenever the set of shown
 * topics changes, because a kafkajs consumer cannot subscribe to more once it runs.
 */
export class TopicPeek {
  private consumer: Consumer | undefined;
  private following = '';
  private change: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: PeekOptions,
  ) {}

  /** Follows exactly these topics from now on; a call with the same topics does nothing. */
  follow(topics: readonly string[]): Promise<void> {
    const key = [...topics].sort().join('\n');
    if (key === this.following || this.stopped) return this.change;
    this.following = key;
    this.change = this.change
      .then(() => this.restart([...topics]))
      .catch((error: unknown) => {
        this.following = ''; // try again at the next reading
        this.options.onProblem(error instanceof Error ? error.message : String(error));
      });
    return this.change;
  }

  /** Starts over with the same topics: after the broker came back, say. */
  refresh(): Promise<void> {
    const topics = this.following === '' ? [] : this.following.split('\n');
    this.following = '';
    return this.follow(topics);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.change;
    await this.consumer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
  }

  private async restart(topics: string[]): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
    if (topics.length === 0 || this.stopped) return;
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 100,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 2000 },
    });
    this.consumer = consumer;
    const { startAt } = this.options;
    if (startAt) {
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
          for (const partition of partitions) {
            const offset = startAt(topic, partition);
            if (offset !== undefined) consumer.seek({ topic, partition, offset: String(offset) });
          }
        }
      });
    }
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.options.onProblem(payload.error.message);
      // kafkajs restarts a consumer after a retriable crash; after any other, start afresh
      if (!payload.restart) void this.refresh();
    });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: this.options.fromBeginning });
    await consumer.run({
      autoCommit: false,
      // only the newest few of each batch are kept: at 1,000 msg/s the page shows a sample, not all
      eachBatch: async ({ batch }) => {
        if (batch.messages.length > 0) this.options.onBatch(batch.topic, batch.partition, batch.messages);
      },
    });
  }
}
